"""Closures as a supervisor and a lead worker read them: the warnings against approving one, the
closures waiting for a supervisor, what the supervisor reads before deciding, and the send-backs a
lead worker has still to act on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.utils import timezone

from childshield.accounts.models import Membership
from childshield.accounts.permissions import may
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.cases.assessment_forms import CHILD_WISHES
from childshield.cases.models import Assessment, Case, ClosureRequest, FollowUp, Service
from childshield.cases.models.assessments import AssessmentKind
from childshield.cases.models.cases import CaseStatus
from childshield.cases.models.closure import ClosureDecision, ClosureWarning
from childshield.cases.models.plan import SERVICE_DONE_STATUSES, ServiceStatus
from childshield.cases.permissions import CasePerm, may_decide_closure
from childshield.cases.selectors.case_list import CASE_TEXT_FIELDS, LIST_RELATED
from childshield.cases.selectors.cases import CaseView, case_get_for_user
from childshield.cases.workflow import CLOSURE_WARNING_RISKS

# What a supervisor's list of closures waiting shows at most; the oldest come first.
WAITING_LIST_LIMIT = 200


def _warnings(*, risk_level: str, open_follow_ups: int, services_pending: int) -> list[str]:
    warnings = []
    if risk_level in CLOSURE_WARNING_RISKS:
        warnings.append(ClosureWarning.HIGH_RISK.value)
    if open_follow_ups:
        warnings.append(ClosureWarning.OPEN_FOLLOW_UPS.value)
    if services_pending:
        warnings.append(ClosureWarning.SERVICES_PENDING.value)
    return warnings


def closure_warnings(*, case: Case) -> list[str]:
    """What should stop a supervisor approving the closure now (ClosureWarning values, in order):
    a risk level still high, follow-ups not done, services still planned or in progress."""
    return _warnings(
        risk_level=case.risk_level,
        open_follow_ups=int(case.follow_ups.filter(done_at__isnull=True).exists()),
        services_pending=int(case.services.exclude(status__in=SERVICE_DONE_STATUSES).exists()),
    )


# The list of closures waiting ---------------------------------------------------------------------


@dataclass(frozen=True)
class ClosureWaiting:
    case: Case
    waiting: timedelta
    warnings: list[str]

    @property
    def waiting_days(self) -> int:
        return self.waiting.days

    @property
    def waiting_hours(self) -> int:
        return self.waiting.seconds // 3600


@dataclass(frozen=True)
class ClosuresWaiting:
    items: list[ClosureWaiting]
    total: int


def _waiting_for(acting: Membership) -> QuerySet[Case]:
    """The open cases whose closure waits for this supervisor's decision: those they supervise in
    the agency they act for, never one they lead (someone else must decide that one)."""
    if not may(acting, CasePerm.CASE_SUPERVISE):
        return Case.objects.none()
    return (
        Case.objects.filter(supervisor=acting, agency_id=acting.agency_id, closure_requested_at__isnull=False)
        .exclude(status=CaseStatus.CLOSED)
        .exclude(lead_worker__user_id=acting.user_id)
    )


def closures_waiting(*, acting: Membership, limit: int = WAITING_LIST_LIMIT) -> ClosuresWaiting:
    """The closures waiting for the supervisor, oldest request first, each with how long it has
    waited and its warnings; in four queries however many there are. Not audited here: the pages
    that show it (the list, the home page) record their reading."""
    waiting = _waiting_for(acting)
    cases = list(
        waiting.select_related(*LIST_RELATED, "closure_requested_by__user")
        .defer("risk_reasons", "summary", "closure_note")
        .order_by("closure_requested_at", "id")[:limit]
    )
    total = len(cases) if len(cases) < limit else waiting.count()
    ids = [case.pk for case in cases]
    follow_ups = dict(
        FollowUp.objects.filter(case_id__in=ids, done_at__isnull=True)
        .values("case_id")
        .annotate(n=Count("id"))
        .values_list("case_id", "n")
    )
    services = dict(
        Service.objects.filter(case_id__in=ids)
        .exclude(status__in=SERVICE_DONE_STATUSES)
        .values("case_id")
        .annotate(n=Count("id"))
        .values_list("case_id", "n")
    )
    now = timezone.now()
    items = [
        ClosureWaiting(
            case=case,
            waiting=now - case.closure_requested_at if case.closure_requested_at else timedelta(),
            warnings=_warnings(
                risk_level=case.risk_level,
                open_follow_ups=follow_ups.get(case.pk, 0),
                services_pending=services.get(case.pk, 0),
            ),
        )
        for case in cases
    ]
    return ClosuresWaiting(items=items, total=total)


def closures_waiting_page(*, acting: Membership) -> ClosuresWaiting:
    """The supervisor's page of closures waiting. It lists children's names: reading it is audited."""
    audit.record(
        action=AuditAction.VIEW,
        actor=acting.user,
        agency=acting.agency,
        object_type="cases.Case",
        reason="closures waiting",
    )
    return closures_waiting(acting=acting)


# What the supervisor reads before deciding -------------------------------------------------------------


@dataclass(frozen=True)
class ChildWishes:
    """The child's own words about what they want, as an assessment recorded them."""

    assessment: Assessment
    answer: str


def child_wishes_latest(assessments: list[Assessment]) -> ChildWishes | None:
    """The newest answer to the comprehensive assessment's question on the child's wishes."""
    newest_first = sorted(assessments, key=lambda a: (a.completed_at, a.pk), reverse=True)
    return next(
        (
            ChildWishes(assessment=assessment, answer=str(assessment.answers.get(CHILD_WISHES, "")).strip())
            for assessment in newest_first
            if str(assessment.answers.get(CHILD_WISHES, "")).strip()
        ),
        None,
    )


@dataclass(frozen=True)
class ClosureReview:
    view: CaseView
    waiting: ClosureRequest | None  # the request to decide; None when none waits
    warnings: list[str]
    open_follow_ups: list[FollowUp]
    # Services not completed nor refused: those still planned or in progress (a warning) and those
    # cancelled (a service the child did not get, for the supervisor to know).
    services_not_done: list[Service]
    latest_assessments: list[Assessment]  # the newest of each kind
    child_wishes: ChildWishes | None
    history: list[ClosureRequest]  # every earlier request and its decision, newest first


def closure_review_get(*, acting: Membership, case_id: int) -> ClosureReview:
    """Everything a supervisor reads before deciding a closure: 404 outside the case rule, 403 for
    anyone who may read the case but not decide its closure (its lead worker among them). Audited."""
    view = case_get_for_user(acting=acting, case_id=case_id, record_view=False)
    case = view.case
    if not may_decide_closure(acting, case):
        raise PermissionDenied
    audit.record(
        action=AuditAction.VIEW,
        actor=acting.user,
        agency=acting.agency,
        obj=case,
        reason="closure review read",
    )
    requests = list(
        case.closure_requests.select_related("requested_by__user", "decided_by__user").order_by(
            "-requested_at", "-id"
        )
    )
    waiting = next((request for request in requests if request.is_waiting), None)
    open_follow_ups = list(case.follow_ups.filter(done_at__isnull=True).select_related("assignee__user"))
    services = list(
        case.services.exclude(status__in=[ServiceStatus.COMPLETED, ServiceStatus.REFUSED]).select_related(
            "provider", "resource"
        )
    )
    assessments = list(
        case.assessments.select_related("form", "completed_by__user").order_by("-completed_at", "-id")
    )
    latest: dict[str, Assessment] = {}
    for assessment in assessments:
        latest.setdefault(assessment.kind, assessment)
    return ClosureReview(
        view=view,
        waiting=waiting,
        warnings=_warnings(
            risk_level=case.risk_level,
            open_follow_ups=len(open_follow_ups),
            services_pending=sum(1 for service in services if service.status not in SERVICE_DONE_STATUSES),
        ),
        open_follow_ups=open_follow_ups,
        services_not_done=services,
        latest_assessments=[latest[kind] for kind in AssessmentKind.values if kind in latest],
        child_wishes=child_wishes_latest(assessments),
        history=[request for request in requests if not request.is_waiting],
    )


def closure_decision_case(*, acting: Membership, case_id: int) -> CaseView:
    """The case for a supervisor's decision on its closure, as the review page refuses it."""
    view = case_get_for_user(acting=acting, case_id=case_id, record_view=False)
    if not may_decide_closure(acting, view.case):
        raise PermissionDenied
    return view


# The lead worker's send-backs ------------------------------------------------------------------------


def closures_sent_back(*, acting: Membership) -> list[ClosureRequest]:
    """Closures of open cases the member leads that a supervisor sent back, newest first, until the
    worker marks them read or asks to close again."""
    return list(
        ClosureRequest.objects.filter(
            case__lead_worker=acting, decision=ClosureDecision.SENT_BACK, read_at__isnull=True
        )
        .exclude(case__status=CaseStatus.CLOSED)
        .select_related("case", "decided_by__user")
        .defer("note", *CASE_TEXT_FIELDS)
        .order_by("-decided_at", "-id")[:20]
    )
