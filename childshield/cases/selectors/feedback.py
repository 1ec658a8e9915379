"""The invitation behind a feedback link, and the language the link opens in."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from childshield.cases.models import Case, FeedbackInvitation
from childshield.cases.models.feedback import feedback_token_hash


def feedback_invitation_open(*, token: str) -> FeedbackInvitation | None:
    """The invitation behind a feedback link, if it can still be answered."""
    return (
        FeedbackInvitation.objects.filter(
            token_hash=feedback_token_hash(token), used_at__isnull=True, expires_at__gt=timezone.now()
        )
        .only("id", "respondent")
        .first()
    )


# The main language of each country the system runs in (ISO 3166-1 alpha-2 -> a code of LANGUAGES).
COUNTRY_LANGUAGES: dict[str, str] = {"VN": "vi", "KH": "km"}


def feedback_link_language(*, case: Case) -> str:
    """The language the child's feedback link opens in: the first of the child's languages that the
    pages speak, else the main language of the managing agency's country, never the worker's."""
    offered = {code for code, _name in settings.LANGUAGES}
    for language in case.child.languages or []:
        if language in offered:
            return str(language)
    main = COUNTRY_LANGUAGES.get(case.agency.country, settings.LANGUAGE_CODE)
    return main if main in offered else settings.LANGUAGE_CODE
