"""Follow-ups of a case: planned for its people, done, and the daily reminder of those due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from childshield.accounts.models import Membership
from childshield.audit.models import AuditAction
from childshield.cases.models import Case, FollowUp
from childshield.cases.models.cases import CaseStatus
from childshield.cases.permissions import require_edit
from childshield.cases.services.case_writes import audit_record, case_check_open
from childshield.core.blind_index import blind_index
from childshield.core.errors import ApplicationError
from childshield.outbox.services import email_enqueue


@transaction.atomic
def followup_add(
    *, acting: Membership, case: Case, due_on: date, assignee: Membership, purpose: str = ""
) -> FollowUp:
    require_edit(acting, case)
    case_check_open(case=case)
    # Only the people who can open the case: a follow-up given to anyone else would lead to a 404.
    if assignee.pk not in {case.lead_worker_id, case.supervisor_id}:
        raise ApplicationError(_("A follow-up goes to the case's lead worker or its supervisor."))
    follow_up = FollowUp.objects.create(
        case=case, due_on=due_on, assignee=assignee, purpose=purpose.strip(), created_by=acting
    )
    audit_record(
        acting=acting, action=AuditAction.CREATE, obj=follow_up, reason=f"follow-up added to case {case.pk}"
    )
    return follow_up


@transaction.atomic
def followup_complete(*, acting: Membership, follow_up: FollowUp, outcome: str = "") -> FollowUp:
    require_edit(acting, follow_up.case)
    if follow_up.done_at is not None:
        raise ApplicationError(_("This follow-up is already done."))
    follow_up.done_at = timezone.now()
    follow_up.done_by = acting
    follow_up.outcome = outcome.strip()
    follow_up.save(update_fields=["done_at", "done_by", "outcome"])
    audit_record(acting=acting, action=AuditAction.UPDATE, obj=follow_up, reason="follow-up done")
    return follow_up


@dataclass(frozen=True)
class Reminder:
    email: str
    due_today: int
    overdue: int


def followup_reminders_queue(*, today: date) -> int:
    """E-mail each person with follow-ups due today or overdue how many they have (the daily task).

    The e-mail gives counts only: no case number, no child; the details are behind sign-in.
    """
    counts: dict[str, list[int]] = {}
    for email, due_on in (
        FollowUp.objects.filter(
            done_at__isnull=True,
            due_on__lte=today,
            assignee__is_active=True,
            assignee__user__is_active=True,
        )
        .exclude(case__status=CaseStatus.CLOSED)
        .values_list("assignee__user__email", "due_on")
    ):
        pair = counts.setdefault(email, [0, 0])
        pair[0 if due_on == today else 1] += 1
    reminders = [Reminder(email=email, due_today=pair[0], overdue=pair[1]) for email, pair in counts.items()]
    with transaction.atomic():
        for reminder in reminders:
            subject = _("Follow-ups: %(today)d due today, %(overdue)d overdue") % {
                "today": reminder.due_today,
                "overdue": reminder.overdue,
            }
            body = _(
                "You have %(today)d follow-up(s) due today and %(overdue)d overdue.\n\n"
                "Sign in to childshield and open My cases to see them."
            ) % {"today": reminder.due_today, "overdue": reminder.overdue}
            # One reminder per person and day, however often the task runs; the key is keyed-hashed
            # because it is stored in clear.
            person = blind_index(reminder.email, purpose="cases.reminder-email")[:32]
            email_enqueue(
                subject=subject,
                body=body,
                to=[reminder.email],
                idempotency_key=f"follow-up-reminders-{today.isoformat()}-{person}",
            )
    return len(reminders)
