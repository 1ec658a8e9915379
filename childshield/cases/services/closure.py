"""Closing a case (the lead worker asks with the checklist, the supervisor approves) and reopening it."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from childshield.accounts.models import Membership
from childshield.audit.models import AuditAction
from childshield.cases.models import Case, CaseStatusChange
from childshield.cases.models.cases import CaseStatus, ClosureReason
from childshield.cases.models.plan import SERVICE_DONE_STATUSES
from childshield.cases.permissions import may_supervise, require_edit
from childshield.cases.services.case_writes import audit_record, case_check_open, case_lock, case_save
from childshield.cases.workflow import CLOSURE_CHECKLIST
from childshield.core.errors import ApplicationError


@transaction.atomic
def case_closure_request(
    *,
    acting: Membership,
    case: Case,
    version: int,
    reason: str,
    checklist: dict[str, bool],
    note: str = "",
) -> Case:
    """The lead worker asks to close, with the checklist; the supervisor's approval closes it.
    When the supervisor asks, the case closes at once."""
    require_edit(acting, case)
    case = case_lock(case=case, version=version)
    case_check_open(case=case)
    if reason not in ClosureReason.values:
        raise ApplicationError(_("Choose why the case closes."))
    if case.supervisor_id is None:
        raise ApplicationError(
            _("A case closes with a supervisor's approval, and this case has none. Name a supervisor first."),
            code="no_supervisor",
        )
    ticked = {key: bool(checklist.get(key)) for key, _label in CLOSURE_CHECKLIST}
    if not all(ticked.values()) and not note.strip():
        raise ApplicationError(
            _("Tick every item of the checklist, or explain in the note why an item cannot be ticked."),
            code="checklist",
        )
    open_services = case.services.exclude(status__in=SERVICE_DONE_STATUSES).count()
    if ticked["services_done"] and open_services:
        raise ApplicationError(
            _(
                "%(count)d service(s) are still planned or in progress. Mark each completed, refused or "
                "cancelled first."
            )
            % {"count": open_services},
            code="checklist",
        )
    now = timezone.now()
    case.closure_reason = reason
    case.closure_checklist = ticked
    case.closure_note = note.strip()
    case.closure_requested_by = acting
    case.closure_requested_at = now
    fields = [
        "closure_reason",
        "closure_checklist",
        "closure_note",
        "closure_requested_by",
        "closure_requested_at",
    ]
    if may_supervise(acting, case):
        fields += _close(case, acting, now)
    case_save(case=case, fields=fields)
    audit_record(acting=acting, action=AuditAction.UPDATE, obj=case, reason="closure requested")
    return case


def _close(case: Case, acting: Membership, now: datetime) -> list[str]:
    CaseStatusChange.objects.create(
        case=case, from_status=case.status, to_status=CaseStatus.CLOSED, changed_by=acting, changed_at=now
    )
    case.status = CaseStatus.CLOSED
    case.status_changed_at = now
    case.closed_at = now
    case.closure_approved_by = acting
    return ["status", "status_changed_at", "closed_at", "closure_approved_by"]


@transaction.atomic
def case_close(*, acting: Membership, case: Case, version: int) -> Case:
    """The supervisor approves the closure the lead worker asked for."""
    if not may_supervise(acting, case):
        raise ApplicationError(_("Only the case's supervisor can approve its closure."), code="forbidden")
    case = case_lock(case=case, version=version)
    case_check_open(case=case)
    if case.closure_requested_at is None:
        raise ApplicationError(_("Nobody has asked to close this case yet."))
    case_save(case=case, fields=_close(case, acting, timezone.now()))
    audit_record(
        acting=acting, action=AuditAction.UPDATE, obj=case, reason="case closed (supervisor approval)"
    )
    return case


@transaction.atomic
def case_reopen(*, acting: Membership, case: Case, version: int, reason: str) -> Case:
    require_edit(acting, case)
    case = case_lock(case=case, version=version)
    if not case.is_closed:
        raise ApplicationError(_("The case is not closed."))
    if not reason.strip():
        raise ApplicationError(_("Say why the case is reopened."))
    now = timezone.now()
    CaseStatusChange.objects.create(
        case=case,
        from_status=CaseStatus.CLOSED,
        to_status=CaseStatus.OPEN,
        changed_by=acting,
        changed_at=now,
        reason=reason.strip(),
    )
    case.status = CaseStatus.OPEN
    case.status_changed_at = now
    case.closed_at = None
    case.closure_requested_at = None
    case.closure_requested_by = None
    case.closure_approved_by = None
    case_save(
        case=case,
        fields=[
            "status",
            "status_changed_at",
            "closed_at",
            "closure_requested_at",
            "closure_requested_by",
            "closure_approved_by",
        ],
    )
    audit_record(acting=acting, action=AuditAction.UPDATE, obj=case, reason="case reopened")
    return case
