"""What a supervisor reads to answer a request to link a child's records, and where requests show."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from childshield.accounts.models import Membership
from childshield.accounts.permissions import may
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.cases.models import Case, ChildLinkRequest
from childshield.cases.models.children import LinkRequestStatus
from childshield.cases.permissions import CasePerm


def link_requests_waiting(*, acting: Membership) -> QuerySet[ChildLinkRequest]:
    """Requests addressed to the member's agency and not yet answered, oldest first: for supervisors."""
    if not may(acting, CasePerm.CASE_SUPERVISE):
        return ChildLinkRequest.objects.none()
    return (
        ChildLinkRequest.objects.filter(holding_agency_id=acting.agency_id, status=LinkRequestStatus.PENDING)
        .select_related("case__agency", "requested_by__user")
        .order_by("requested_at", "pk")
    )


@dataclass(frozen=True)
class LinkDecision:
    request: ChildLinkRequest
    asking_case: Case  # the new case, at the asking agency: its child as recorded there
    known_cases: list[Case]  # the answering agency's own cases of the child it knows


def link_request_for_decision(*, acting: Membership, request_id: int) -> LinkDecision:
    """One request, for a supervisor of the agency asked: the asking case's child as recorded there
    and the agency's own cases of the child it knows, to compare. Reading it is audited."""
    if not may(acting, CasePerm.CASE_SUPERVISE):
        raise Http404
    request = (
        ChildLinkRequest.objects.select_related(
            "case__agency", "case__child__area", "requested_by__user", "decided_by__user", "child"
        )
        .filter(pk=request_id, holding_agency_id=acting.agency_id)
        .first()
    )
    if request is None:
        raise Http404
    audit.record(
        action=AuditAction.VIEW,
        actor=acting.user,
        agency=acting.agency,
        obj=request,
        reason="child link read",
    )
    known_cases = list(
        Case.objects.filter(child_id=request.child_id, agency_id=acting.agency_id)
        .select_related("lead_worker__user")
        .order_by("opened_at", "pk")
    )
    return LinkDecision(request=request, asking_case=request.case, known_cases=known_cases)


def link_requests_of_case(*, case: Case) -> list[ChildLinkRequest]:
    """The requests the case's worker made, with their answers (never the agency asked: the worker
    does not learn where the child is known until it links)."""
    return list(ChildLinkRequest.objects.filter(case=case).order_by("requested_at", "pk"))
