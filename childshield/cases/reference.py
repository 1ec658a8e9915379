"""Reference lists a case records as data: the Washington Group questions and the languages a child speaks.

Codes are stable and stored on the child; labels are shown. Changing a list means editing this data,
never the logic that uses it. Ethnic groups are data files shared beyond cases (`core/ethnic_groups.py`).
"""

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

# The Washington Group Short Set: six domains, four answers each. "A lot of difficulty" or "cannot
# do at all" in any domain is the recommended cut-off for counting a disability.
WG_DOMAINS: tuple[tuple[str, StrOrPromise], ...] = (
    ("seeing", _("Seeing, even if wearing glasses")),
    ("hearing", _("Hearing, even if using a hearing aid")),
    ("walking", _("Walking or climbing steps")),
    ("remembering", _("Remembering or concentrating")),
    ("self_care", _("Self-care, such as washing all over or dressing")),
    ("communicating", _("Communicating, for example understanding or being understood")),
)
WG_ANSWERS: tuple[tuple[str, StrOrPromise], ...] = (
    ("", _("Not asked")),
    ("none", _("No difficulty")),
    ("some", _("Some difficulty")),
    ("a_lot", _("A lot of difficulty")),
    ("cannot", _("Cannot do at all")),
)
WG_DISABILITY_ANSWERS = frozenset({"a_lot", "cannot"})


def has_disability(answers: dict[str, str]) -> bool | None:
    """The Washington Group cut-off; None when no domain was asked."""
    given = [answer for answer in answers.values() if answer]
    if not given:
        return None
    return any(answer in WG_DISABILITY_ANSWERS for answer in given)


LANGUAGES: tuple[tuple[str, StrOrPromise], ...] = (
    ("vi", _("Vietnamese")),
    ("km", _("Khmer")),
    ("en", _("English")),
    ("other", _("Another language")),
)
