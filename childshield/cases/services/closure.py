"""Closing a case: the request with its checklist, the supervisor's approval (warnings acknowledged)
or send-back with a reason, and reopening. Every request and decision is kept (ClosureRequest)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from childshield.accounts.models import Membership
from childshield.audit.models import AuditAction
from childshield.cases.models import Case, CaseStatusChange, ClosureRequest
from childshield.cases.models.cases import CaseStatus, ClosureReason
from childshield.cases.models.closure import ClosureDecision, ClosureWarning
from childshield.cases.models.plan import SERVICE_DONE_STATUSES
from childshield.cases.permissions import may_decide_closure, may_supervise, require_edit
from childshield.cases.selectors.closure import closure_warnings
from childshield.cases.services.case_writes import audit_record, case_check_open, case_lock, case_save
from childshield.cases.workflow import CLOSURE_CHECKLIST
from childshield.core.errors import ApplicationError

# The case's own closure fields, which describe the request waiting (or the one approved).
_REQUEST_FIELDS = [
    "closure_reason",
    "closure_checklist",
    "closure_note",
    "closure_requested_by",
    "closure_requested_at",
]


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
    """The lead worker (or the supervisor) asks to close, with the checklist. The case closes only
    when its supervisor approves, and the supervisor may never be the person who leads it."""
    require_edit(acting, case)
    case = case_lock(case=case, version=version)
    case_check_open(case=case)
    if case.closure_requested_at is not None:
        raise ApplicationError(
            _("A request to close this case already waits for the supervisor's decision."),
            code="closure_waiting",
        )
    if reason not in ClosureReason.values:
        raise ApplicationError(_("Choose why the case closes."))
    if case.supervisor_id is None:
        raise ApplicationError(
            _("A case closes with a supervisor's approval, and this case has none. Name a supervisor first."),
            code="no_supervisor",
        )
    if case.supervisor is not None and case.supervisor.user_id == case.lead_worker.user_id:
        raise ApplicationError(
            _(
                "Nobody approves the closure of a case they lead, and the case's supervisor leads it. "
                "Name another supervisor first."
            ),
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
    # Asking again is acting on an earlier send-back: it leaves the worker's home page.
    ClosureRequest.objects.filter(case=case, decision=ClosureDecision.SENT_BACK, read_at__isnull=True).update(
        read_at=now
    )
    ClosureRequest.objects.create(
        case=case, requested_by=acting, requested_at=now, reason=reason, checklist=ticked, note=note.strip()
    )
    case.closure_reason = reason
    case.closure_checklist = ticked
    case.closure_note = note.strip()
    case.closure_requested_by = acting
    case.closure_requested_at = now
    case_save(case=case, fields=_REQUEST_FIELDS)
    audit_record(acting=acting, action=AuditAction.UPDATE, obj=case, reason="closure requested")
    return case


def _decision_start(*, acting: Membership, case: Case, version: int) -> tuple[Case, ClosureRequest]:
    """The case locked for a supervisor's decision, with the request waiting. A request already
    decided (a second click, another supervisor) is told apart from a case that changed since."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if not may_supervise(acting, locked):
        raise ApplicationError(_("Only the case's supervisor can decide on its closure."), code="forbidden")
    if not may_decide_closure(acting, locked):
        raise ApplicationError(
            _("Nobody approves the closure of a case they lead: another supervisor decides."),
            code="own_case",
        )
    waiting = ClosureRequest.objects.filter(case=locked, decision=ClosureDecision.WAITING).first()
    if waiting is None:
        raise ApplicationError(_decided_already(locked), code="decided")
    return case_lock(case=locked, version=version), waiting


def _decided_already(case: Case) -> str:
    last = (
        ClosureRequest.objects.filter(case=case)
        .exclude(decision=ClosureDecision.WAITING)
        .select_related("decided_by__user")
        .order_by("-decided_at", "-id")
        .first()
    )
    if last is None or last.decided_by is None or last.decided_at is None:
        return _("Nobody has asked to close this case yet.")
    when = date_format(timezone.localtime(last.decided_at), "j M Y, H:i")
    who = last.decided_by.user.full_name
    if last.decision == ClosureDecision.APPROVED:
        return _("This closure was already approved, by %(who)s on %(when)s. Nothing more was saved.") % {
            "who": who,
            "when": when,
        }
    return _("This closure was already sent back, by %(who)s on %(when)s. Nothing more was saved.") % {
        "who": who,
        "when": when,
    }


@transaction.atomic
def case_closure_approve(
    *, acting: Membership, case: Case, version: int, acknowledged: Collection[str] = ()
) -> Case:
    """The supervisor approves the closure waiting, and the case closes. Any warning (risk still
    high, follow-ups open, services pending) must be among those `acknowledged`, or it is refused."""
    case, waiting = _decision_start(acting=acting, case=case, version=version)
    case_check_open(case=case)
    warnings = closure_warnings(case=case)
    unacknowledged = [warning for warning in warnings if warning not in acknowledged]
    if unacknowledged:
        labels = dict(ClosureWarning.choices)
        raise ApplicationError(
            _("Read the warnings and tick that you approve despite them: %(warnings)s.")
            % {"warnings": "; ".join(str(labels[warning]) for warning in unacknowledged)},
            code="unacknowledged",
        )
    now = timezone.now()
    waiting.decision = ClosureDecision.APPROVED
    waiting.decided_by = acting
    waiting.decided_at = now
    waiting.warnings_acknowledged = warnings
    waiting.save(update_fields=["decision", "decided_by", "decided_at", "warnings_acknowledged"])
    case_save(case=case, fields=_close(case, acting, now))
    audit_record(
        acting=acting,
        action=AuditAction.UPDATE,
        obj=case,
        reason="case closed (supervisor approval)"
        + (f"; warnings acknowledged: {', '.join(warnings)}" if warnings else ""),
    )
    return case


@transaction.atomic
def case_closure_send_back(*, acting: Membership, case: Case, version: int, reason: str) -> Case:
    """The supervisor sends the closure back to the worker with a reason; the case stays open and the
    lead worker reads the reason on their home page and the case page."""
    if not reason.strip():
        raise ApplicationError(_("Say why the closure is sent back: the worker reads it."), code="invalid")
    case, waiting = _decision_start(acting=acting, case=case, version=version)
    waiting.decision = ClosureDecision.SENT_BACK
    waiting.decided_by = acting
    waiting.decided_at = timezone.now()
    waiting.sent_back_reason = reason.strip()
    waiting.save(update_fields=["decision", "decided_by", "decided_at", "sent_back_reason"])
    case.closure_reason = ""
    case.closure_checklist = {}
    case.closure_note = ""
    case.closure_requested_by = None
    case.closure_requested_at = None
    case_save(case=case, fields=_REQUEST_FIELDS)
    audit_record(acting=acting, action=AuditAction.UPDATE, obj=case, reason="closure sent back")
    return case


@transaction.atomic
def case_closure_sent_back_read(*, acting: Membership, case: Case) -> int:
    """The worker marks the case's send-backs read: they leave the home page (the case page keeps
    the last one until someone asks to close again)."""
    require_edit(acting, case)
    marked = ClosureRequest.objects.filter(
        case=case, decision=ClosureDecision.SENT_BACK, read_at__isnull=True
    ).update(read_at=timezone.now())
    if marked:
        audit_record(acting=acting, action=AuditAction.UPDATE, obj=case, reason="closure send-back read")
    return marked


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
