"""The invitation behind a feedback link."""

from __future__ import annotations

from django.utils import timezone

from childshield.cases.models import FeedbackInvitation
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
