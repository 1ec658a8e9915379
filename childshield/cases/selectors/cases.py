"""One case as the acting membership may read it (whose it is, what it may do, which sections it
sees), and which cases it may open at all."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from childshield.accounts.models import Membership
from childshield.accounts.permissions import may
from childshield.audit import services as audit
from childshield.audit.models import AuditAction, AuditEvent
from childshield.cases.models import (
    Assessment,
    Attachment,
    BreakGlassAccess,
    Case,
    CaseAssignment,
    CaseNote,
    CaseStatusChange,
    ClosureRequest,
    Consent,
    FollowUp,
    PersonWhoHarmed,
    Referral,
    Service,
)
from childshield.cases.models.consent import ShareSection
from childshield.cases.models.referrals import ReferralStatus
from childshield.cases.permissions import AccessKind, CaseAccess, CasePerm, case_access
from childshield.cases.selectors.referral_rows import ReferralRow, referral_rows


def _visible_case_ids(acting: Membership, *, works: bool) -> QuerySet[Any]:
    """The ids of the cases the membership may open, as one UNION of index lookups.

    An OR of these conditions on the case table cannot use an index and reads every case; each
    branch alone is one index lookup, and the union stays as small as the person's caseload.
    """
    branches: list[QuerySet[Any]] = [
        BreakGlassAccess.objects.filter(membership=acting, expires_at__gt=timezone.now())
        .values("case_id")
        .order_by()
    ]
    if works:
        branches += [
            Case.objects.filter(lead_worker=acting).values("pk").order_by(),
            Case.objects.filter(supervisor=acting).values("pk").order_by(),
            Referral.objects.filter(to_agency_id=acting.agency_id, status=ReferralStatus.ACCEPTED)
            .values("case_id")
            .order_by(),
        ]
    first, *rest = branches
    return first.union(*rest, all=True)


def cases_visible_to(*, acting: Membership) -> QuerySet[Case]:
    """Every case the acting membership may open: as lead, as supervisor, through an accepted
    referral to its agency, or through a break-glass access still open."""
    works = may(acting, CasePerm.CASE_WORK)
    breaks = may(acting, CasePerm.BREAK_GLASS)
    if not works and not breaks:
        return Case.objects.none()
    return Case.objects.filter(pk__in=_visible_case_ids(acting, works=works))


def cases_from_report(*, acting: Membership, report_id: int) -> tuple[list[Case], int]:
    """The cases opened from a report that the acting membership may open, oldest first, and how
    many others were opened from it."""
    cases = list(Case.objects.filter(source_report_id=report_id).order_by("opened_at", "id"))
    if not cases:
        return [], 0
    visible = set(
        cases_visible_to(acting=acting)
        .filter(pk__in=[case.pk for case in cases])
        .values_list("pk", flat=True)
    )
    shown = [case for case in cases if case.pk in visible]
    return shown, len(cases) - len(shown)


@dataclass(frozen=True)
class CaseView:
    case: Case
    access: CaseAccess
    acting: Membership


def case_get_for_user(*, acting: Membership, case_id: int, record_view: bool = True) -> CaseView:
    """One case with what the acting membership may do with it; 404 for anyone outside the rule,
    so a case URL does not even tell an outsider that the case exists. Reading is audited."""
    case = (
        Case.objects.select_related(
            "child",
            "child__area",
            "agency",
            "opened_by_agency",
            "lead_worker__user",
            "supervisor__user",
            "source_report",
        )
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise Http404
    access = case_access(acting, case)
    if not access.visible:
        raise Http404
    if record_view:
        audit.record(
            action=AuditAction.VIEW,
            actor=acting.user,
            agency=acting.agency,
            obj=case,
            reason="case read (break-glass)" if access.kind is AccessKind.BREAK_GLASS else "case read",
        )
    return CaseView(case=case, access=access, acting=acting)


@dataclass(frozen=True)
class CaseDetail:
    consents: list[Consent]
    referrals: list[ReferralRow]
    services: list[Service]
    follow_ups: list[FollowUp]
    notes: list[CaseNote]
    history: list[CaseStatusChange]
    people_who_harmed: list[PersonWhoHarmed]
    audit_trail: list[AuditEvent]
    assessments: list[Assessment]
    attachments: list[Attachment]
    closure_requests: list[ClosureRequest]  # every request to close and its decision, oldest first
    assignments: list[CaseAssignment]  # who held the case when, oldest first
    # The latest request to provide each service (service id: its referral), with its answer.
    provider_requests: dict[int, Referral]


def case_detail(*, view: CaseView) -> CaseDetail:
    """The sections of one case the access allows; a referred agency sees only what was shared."""
    case, access = view.case, view.access
    referrals = Referral.objects.filter(case=case).select_related("from_agency", "to_agency", "sent_by__user")
    if not access.full:
        referrals = referrals.filter(to_agency_id=view.acting.agency_id)
    shows_services = access.shows(ShareSection.SERVICES)
    provider_requests: dict[int, Referral] = {}
    if shows_services:
        # Oldest first, so the latest request of each service is the one kept.
        for request in referrals.filter(service__isnull=False).order_by("sent_at", "id"):
            assert request.service_id is not None
            provider_requests[request.service_id] = request
    return CaseDetail(
        consents=list(case.consents.prefetch_related("agencies").select_related("recorded_by__user"))
        if access.full
        else [],
        # The people responsible for the case are the senders: an overdue referral shows them whom to call.
        referrals=referral_rows(referrals, now=timezone.now(), with_contacts=access.full),
        services=list(case.services.select_related("provider", "resource")) if shows_services else [],
        provider_requests=provider_requests,
        follow_ups=list(case.follow_ups.select_related("assignee__user")) if access.full else [],
        notes=list(case.notes.select_related("author__user")) if access.full else [],
        history=list(case.status_changes.select_related("changed_by__user")) if access.full else [],
        assignments=list(
            case.assignments.select_related("lead_worker__user", "supervisor__user", "assigned_by__user")
        )
        if access.full
        else [],
        people_who_harmed=list(case.people_who_harmed.all()) if access.shows(ShareSection.HARM) else [],
        assessments=list(case.assessments.select_related("form", "completed_by__user"))
        if access.full
        else [],
        attachments=list(case.attachments.select_related("uploaded_by__user")) if access.full else [],
        closure_requests=list(
            case.closure_requests.select_related("requested_by__user", "decided_by__user").defer("note")
        )
        if access.full
        else [],
        # The people responsible for the case see who read it, break-glass included.
        audit_trail=list(
            AuditEvent.objects.filter(object_type="cases.Case", object_id=str(case.pk)).order_by(
                "-occurred_at", "-id"
            )[:50]
        )
        if access.may_edit
        else [],
    )
