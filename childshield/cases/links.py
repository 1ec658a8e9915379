"""Links from a report to the cases opened from it, for the report's page (intake never imports cases).

Someone who may open the case sees its number, status and a link; anyone else who can read the
report learns only that a case was opened, so the report is not worked twice, and nothing more.
"""

from collections.abc import Iterable

from django.db.models import Model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from childshield.accounts.models import Membership
from childshield.accounts.related import RelatedLink
from childshield.cases.models import Case
from childshield.cases.selectors import cases_visible_to


def cases_of_report(report: Model, acting: Membership | None) -> Iterable[RelatedLink]:
    if acting is None:
        return []
    cases = list(Case.objects.filter(source_report_id=report.pk).order_by("opened_at", "id"))
    if not cases:
        return []
    ids = [case.pk for case in cases]
    visible = set(cases_visible_to(acting=acting).filter(pk__in=ids).values_list("pk", flat=True))
    links = [
        RelatedLink(
            kind=_("Case"),
            label=case.number,
            url=reverse("cases:case_detail", args=[case.pk]),
            status=case.get_status_display(),
        )
        for case in cases
        if case.pk in visible
    ]
    if len(links) < len(cases):
        links.append(RelatedLink(kind=_("Case"), label=str(_("A case was opened")), url=""))
    return links
