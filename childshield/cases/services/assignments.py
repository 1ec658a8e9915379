"""Who holds a case: the history of its lead workers and supervisors, and a supervisor handing the
case to another worker of the agency (moving it to another agency stays a referral with consent)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from childshield.accounts.models import Membership
from childshield.accounts.permissions import may
from childshield.audit.models import AuditAction
from childshield.cases.models import Case, CaseAssignment, FollowUp
from childshield.cases.permissions import CasePerm, may_supervise
from childshield.cases.services.case_writes import (
    audit_record,
    case_check_open,
    case_lock,
    case_save,
    supervisor_check,
)
from childshield.core.errors import ApplicationError
from childshield.outbox.services import email_enqueue


def assignment_begin(
    *, case: Case, now: datetime, assigned_by: Membership | None = None, note: str = ""
) -> CaseAssignment:
    """End the case's current holding and begin one with its lead worker and supervisor as they are
    now. Every write that changes who holds a case calls it, in its own transaction."""
    CaseAssignment.objects.filter(case=case, ended_at__isnull=True).update(ended_at=now)
    return CaseAssignment.objects.create(
        case=case,
        lead_worker_id=case.lead_worker_id,
        supervisor_id=case.supervisor_id,
        started_at=now,
        assigned_by=assigned_by,
        note=note,
    )


@transaction.atomic
def case_reassign(
    *,
    acting: Membership,
    case: Case,
    version: int,
    new_lead: Membership,
    new_supervisor: Membership | None = None,
    note: str,
) -> CaseAssignment:
    """The case's supervisor hands it to another worker of the managing agency, with a note: the
    new worker is told in the app and by e-mail, and gets a follow-up to tell the child."""
    if not may_supervise(acting, case):
        raise PermissionDenied(CasePerm.CASE_SUPERVISE)
    case = case_lock(case=case, version=version)
    case_check_open(case=case)
    note = note.strip()
    if not note:
        raise ApplicationError(_("Write a handover note for the new worker."), code="invalid")
    if new_lead.pk == case.lead_worker_id:
        raise ApplicationError(_("Choose a worker other than the current lead worker."), code="invalid")
    if (
        new_lead.agency_id != case.agency_id
        or not new_lead.is_active
        or not new_lead.user.is_active
        or not may(new_lead, CasePerm.CASE_WORK)
    ):
        raise ApplicationError(
            _("The new lead worker must be an active case worker of the agency managing the case."),
            code="invalid",
        )
    supervisor = new_supervisor if new_supervisor is not None else case.supervisor
    supervisor_check(supervisor=supervisor, agency_id=case.agency_id)
    if supervisor is not None and supervisor.pk == new_lead.pk:
        raise ApplicationError(_("The lead worker cannot supervise their own case."), code="invalid")
    previous_lead_id = case.lead_worker_id
    now = timezone.now()
    case.lead_worker = new_lead
    case.supervisor = supervisor
    case_save(case=case, fields=["lead_worker", "supervisor"])
    assignment = assignment_begin(case=case, now=now, assigned_by=acting, note=note)
    # The old lead no longer opens the case: what was theirs to do goes with it.
    FollowUp.objects.filter(case=case, assignee_id=previous_lead_id, done_at__isnull=True).update(
        assignee=new_lead
    )
    if case.child.safe_contact.strip() or any(
        str(caregiver.get("phone", "")).strip() for caregiver in case.child.caregivers or []
    ):
        FollowUp.objects.create(
            case=case,
            due_on=timezone.localdate(now),
            assignee=new_lead,
            purpose=_("Tell the child (or caregiver) who their new worker is."),
            created_by=acting,
            created_at=now,
        )
    audit_record(
        acting=acting,
        action=AuditAction.UPDATE,
        obj=case,
        reason=f"case handed to member {new_lead.pk} (was {previous_lead_id})",
    )
    # No name or detail of the child: an e-mail can be read by anyone with the mailbox.
    email_enqueue(
        subject=_("Case %(number)s was handed to you") % {"number": case.number},
        body=_(
            "%(who)s handed case %(number)s to you, with a handover note.\n\n"
            "Sign in to childshield and open Cases to read it."
        )
        % {"who": acting.user.full_name, "number": case.number},
        to=[new_lead.user.email],
        idempotency_key=f"case-handover-{assignment.pk}",
    )
    return assignment


@transaction.atomic
def case_handover_read(*, acting: Membership, case: Case) -> int:
    """The new lead worker marks the handover notice read: it leaves their home page."""
    marked = CaseAssignment.objects.filter(
        case=case, lead_worker=acting, notice_read_at__isnull=True, assigned_by__isnull=False
    ).update(notice_read_at=timezone.now())
    if marked:
        audit_record(acting=acting, action=AuditAction.UPDATE, obj=case, reason="handover notice read")
    return marked
