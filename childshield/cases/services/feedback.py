"""The child's and caregiver's feedback: one-time links, answers through them or from paper, counted
without names."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from childshield.accounts.models import Membership
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.cases.models import Case, FeedbackInvitation, FeedbackResponse
from childshield.cases.models.feedback import FeedbackAnswer, Respondent, feedback_token_hash
from childshield.cases.permissions import require_edit
from childshield.cases.services.case_writes import audit_record
from childshield.core.errors import ApplicationError

FEEDBACK_LINK_DAYS = 30


FEEDBACK_QUESTIONS = ("listened", "safe", "not_blamed", "helped")


@transaction.atomic
def feedback_invite(*, acting: Membership, case: Case, respondent: str) -> tuple[FeedbackInvitation, str]:
    """A one-time link for the child or caregiver; the secret is returned once and never stored."""
    require_edit(acting, case)
    if respondent not in Respondent.values:
        raise ApplicationError(_("Choose who answers."))
    token = secrets.token_urlsafe(18)
    now = timezone.now()
    invitation = FeedbackInvitation.objects.create(
        case=case,
        respondent=respondent,
        token_hash=feedback_token_hash(token),
        created_by=acting,
        created_at=now,
        expires_at=now + timedelta(days=FEEDBACK_LINK_DAYS),
    )
    audit_record(
        acting=acting, action=AuditAction.CREATE, obj=invitation, reason=f"feedback link for case {case.pk}"
    )
    return invitation, token


def _feedback_create(
    *, case: Case, respondent: str, channel: str, language: str, answers: dict[str, str]
) -> FeedbackResponse:
    values = {question: answers.get(question, "") for question in FEEDBACK_QUESTIONS}
    if any(value not in FeedbackAnswer.values for value in values.values()):
        raise ApplicationError(_("Please answer each question. You can choose “I'd rather not say”."))
    today = timezone.localdate()
    return FeedbackResponse.objects.create(
        agency_id=case.agency_id,
        area_id=case.child.area_id,
        respondent=respondent,
        channel=channel,
        language=language[:10],
        period=today.replace(day=1),
        **values,
    )


@transaction.atomic
def feedback_submit(*, token: str, answers: dict[str, str], language: str) -> FeedbackResponse:
    """Answers sent through the link, by the child or caregiver alone; the link then stops working."""
    invitation = (
        FeedbackInvitation.objects.select_for_update()
        .select_related("case__child")
        .filter(token_hash=feedback_token_hash(token))
        .first()
    )
    if invitation is None or invitation.used_at is not None or invitation.expires_at <= timezone.now():
        raise ApplicationError(_("This link does not work any more. Thank you for wanting to tell us."))
    response = _feedback_create(
        case=invitation.case,
        respondent=invitation.respondent,
        channel="link",
        language=language,
        answers=answers,
    )
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    audit.record(
        action=AuditAction.CREATE, object_type="cases.FeedbackResponse", reason="feedback through a link"
    )
    return response


@transaction.atomic
def feedback_record_paper(
    *, acting: Membership, case: Case, respondent: str, answers: dict[str, str], language: str
) -> FeedbackResponse:
    """Answers the child or caregiver gave on paper, typed in by the worker."""
    require_edit(acting, case)
    if respondent not in Respondent.values:
        raise ApplicationError(_("Choose who answered."))
    response = _feedback_create(
        case=case, respondent=respondent, channel="paper", language=language, answers=answers
    )
    audit.record(
        action=AuditAction.CREATE,
        actor=acting.user,
        agency=acting.agency,
        object_type="cases.FeedbackResponse",
        reason="feedback entered from paper",
    )
    return response
