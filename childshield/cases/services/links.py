"""Asking the agency that knows a child to link a new case to that child, and its answer.

Opening a case never shows another agency's cases (`selectors.opening.duplicate_check`): the
worker who thinks it is the same child asks, and a supervisor of the agency that knows the child
decides. Accepted, the new case concerns the known child (its record, caregivers and contacts
included, which the asking worker then reads through their own case); the record the worker made
is kept, marked as merged, and no longer found by duplicate checks. Every step is audited.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from childshield.accounts.models import Membership
from childshield.accounts.permissions import may, require
from childshield.audit.models import AuditAction
from childshield.cases.models import Case, Child, ChildLinkRequest
from childshield.cases.models.children import LinkRequestStatus
from childshield.cases.permissions import CasePerm
from childshield.cases.selectors.options import supervisors_in_agency
from childshield.cases.services.case_writes import audit_record
from childshield.core.errors import ApplicationError
from childshield.outbox.services import email_enqueue


def link_request_send(
    *, acting: Membership, case: Case, child_id: int, agency_id: int, note: str = ""
) -> None:
    """Ask `agency_id` to link `case` to the child it knows (called by `case_open`, which found it)."""
    if case.lead_worker_id != acting.pk:
        raise ApplicationError(_("Only the case's lead worker can ask for its child to be linked."))
    if ChildLinkRequest.objects.filter(
        case=case, child_id=child_id, status=LinkRequestStatus.PENDING
    ).exists():
        raise ApplicationError(_("This link has already been asked for."), code="already_asked")
    request = ChildLinkRequest.objects.create(
        case=case, child_id=child_id, holding_agency_id=agency_id, requested_by=acting, note=note.strip()
    )
    audit_record(acting=acting, action=AuditAction.CREATE, obj=request, reason="child link asked")
    supervisors = supervisors_in_agency(agency_id=agency_id)
    # Nothing about the child in an e-mail: anyone with the mailbox can read it.
    subject = _("A request to link a child's records")
    body = _(
        "%(agency)s asks your agency to check whether a child it has just recorded is a child you "
        "know.\n\nSign in to childshield and open Cases to answer."
    ) % {"agency": acting.agency.name}
    for supervisor in supervisors:
        if may(supervisor, CasePerm.CASE_SUPERVISE) and supervisor.user.email:
            email_enqueue(
                subject=subject,
                body=body,
                to=[supervisor.user.email],
                idempotency_key=f"child-link-{request.pk}-{supervisor.pk}",
            )


@transaction.atomic
def link_ask_from_case(*, acting: Membership, case: Case, note: str = "") -> int:
    """The case's lead worker asks every other agency that may know its child to check (a child
    found or recorded after the case was opened); how many agencies were asked."""
    from childshield.cases.selectors.opening import duplicate_check  # it imports the case selectors

    if case.lead_worker_id != acting.pk:
        raise ApplicationError(_("Only the case's lead worker can ask for its child to be linked."))
    if case.is_closed:
        raise ApplicationError(_("The case is closed. Reopen it to change it."), code="closed")
    child = case.child
    check = duplicate_check(acting=acting, name=child.full_name, birth_year=child.birth_year, area=child.area)
    pending = set(
        ChildLinkRequest.objects.filter(case=case, status=LinkRequestStatus.PENDING).values_list(
            "child_id", flat=True
        )
    )
    asked = [(child_id, agency_id) for child_id, agency_id in check.elsewhere if child_id != child.pk]
    fresh = [(child_id, agency_id) for child_id, agency_id in asked if child_id not in pending]
    if not asked:
        raise ApplicationError(
            _("No other agency knows a child with these details: there is nothing to ask."),
            code="nothing_to_link",
        )
    if not fresh:
        raise ApplicationError(_("This link has already been asked for."), code="already_asked")
    for child_id, agency_id in fresh:
        link_request_send(acting=acting, case=case, child_id=child_id, agency_id=agency_id, note=note)
    return len({agency_id for _child_id, agency_id in fresh})


def _decidable(acting: Membership, request: ChildLinkRequest) -> ChildLinkRequest:
    require(acting, CasePerm.CASE_SUPERVISE)
    locked = ChildLinkRequest.objects.select_for_update().get(pk=request.pk)
    if locked.holding_agency_id != acting.agency_id:
        raise ApplicationError(_("Only the agency asked can answer this request."), code="forbidden")
    if locked.status != LinkRequestStatus.PENDING:
        raise ApplicationError(
            _("This request has already been answered: reload the page to see the answer."), code="answered"
        )
    return locked


@transaction.atomic
def link_request_accept(*, acting: Membership, request: ChildLinkRequest) -> ChildLinkRequest:
    """The new case now concerns the child the agency knows; the record made for it is kept, merged."""
    request = _decidable(acting, request)
    case = Case.objects.select_for_update().get(pk=request.case_id)
    known = Child.objects.get(pk=request.child_id)
    if case.child_id == known.pk:
        raise ApplicationError(_("This case already concerns that child."), code="already_linked")
    if known.merged_into_id is not None:
        raise ApplicationError(
            _("That child's record has itself been linked to another since; ask for a new check."),
            code="already_linked",
        )
    made = Child.objects.get(pk=case.child_id)
    case.child = known
    case.save(update_fields=["child"])
    if not made.cases.exclude(pk=case.pk).exists():
        made.merged_into = known
        made.save(update_fields=["merged_into"])
    now = timezone.now()
    request.status = LinkRequestStatus.ACCEPTED
    request.decided_by, request.decided_at = acting, now
    request.save(update_fields=["status", "decided_by", "decided_at"])
    # Other requests for the same case are moot once it concerns one child.
    ChildLinkRequest.objects.filter(case=case, status=LinkRequestStatus.PENDING).exclude(
        pk=request.pk
    ).update(
        status=LinkRequestStatus.DECLINED,
        decided_at=now,
        decision_reason=_("Another agency's record was linked to this case."),
    )
    audit_record(acting=acting, action=AuditAction.UPDATE, obj=request, reason="child link accepted")
    audit_record(acting=acting, action=AuditAction.UPDATE, obj=case, reason="case linked to a known child")
    _tell_asker(request)
    return request


@transaction.atomic
def link_request_decline(*, acting: Membership, request: ChildLinkRequest, reason: str) -> ChildLinkRequest:
    if not reason.strip():
        raise ApplicationError(_("Say why you decline, so that the worker knows what to do next."))
    request = _decidable(acting, request)
    request.status, request.decided_by, request.decided_at = (
        LinkRequestStatus.DECLINED,
        acting,
        timezone.now(),
    )
    request.decision_reason = reason.strip()
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    audit_record(acting=acting, action=AuditAction.UPDATE, obj=request, reason="child link declined")
    _tell_asker(request)
    return request


def _tell_asker(request: ChildLinkRequest) -> None:
    email = request.requested_by.user.email
    if not email:
        return
    number = request.case.number
    status = str(LinkRequestStatus(request.status).label)
    email_enqueue(
        subject=_("Case %(number)s: your request to link a child's records") % {"number": number},
        body=_("Your request to link the child of case %(number)s is now: %(status)s.\n\nSign in to see it.")
        % {"number": number, "status": status},
        to=[email],
        idempotency_key=f"child-link-answer-{request.pk}",
    )
