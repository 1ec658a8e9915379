"""The worker's home: their open cases, follow-ups due, high-risk cases, news of their referrals,
closures sent back to them, cases handed to them, and (for a supervisor) the closures waiting for
their decision."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Q
from django.utils import timezone

from childshield.accounts.models import Membership
from childshield.accounts.permissions import may
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.cases.models import Case, CaseAssignment, ClosureRequest, FollowUp, ReferralUpdate
from childshield.cases.models.cases import CaseStatus, RiskLevel
from childshield.cases.models.referrals import ReferralStatus
from childshield.cases.permissions import CasePerm
from childshield.cases.selectors.case_list import CASE_TEXT_FIELDS, cases_by_ids, overdue_case_ids
from childshield.cases.selectors.closure import ClosuresWaiting, closures_sent_back, closures_waiting
from childshield.cases.selectors.links import link_requests_waiting
from childshield.cases.selectors.referral_rows import ReferralRow
from childshield.cases.selectors.referrals import (
    referrals_incoming,
    referrals_overdue_alerted,
    referrals_overdue_sent,
)


@dataclass(frozen=True)
class WorkerHome:
    my_cases: list[Case]
    due_today: list[FollowUp]
    overdue: list[FollowUp]
    high_risk: list[Case]
    overdue_case_ids: frozenset[int]  # of my_cases and high_risk: those with a follow-up overdue
    referrals_waiting: int
    updates: list[ReferralUpdate]
    closures_sent_back: list[ClosureRequest]
    closures_waiting: ClosuresWaiting | None  # None for someone who supervises no case
    # Referrals the member sent, past their deadline without an answer, with whom to call.
    referrals_overdue: list[ReferralRow]
    # The member's in-app alerts: referrals to their agency past their deadline, still unanswered.
    referral_alerts: list[ReferralRow]
    link_requests_waiting: int = 0
    # Cases handed to the member by a supervisor, until they mark the notice read.
    handovers: tuple[CaseAssignment, ...] = ()


# How many closures waiting the home page lists (the oldest); the supervisor's list has them all.
HOME_CLOSURES_WAITING = 5


def worker_home(*, acting: Membership) -> WorkerHome:
    """The worker's home: their open cases, follow-ups due, high risk, referral news. It lists
    children's names, so reading it is audited like the case list."""
    now = timezone.now()
    today = timezone.localdate(now)
    audit.record(
        action=AuditAction.VIEW,
        actor=acting.user,
        agency=acting.agency,
        object_type="cases.Case",
        reason="cases home",
    )
    # The cases the member leads or supervises are visible to them by the rule itself: asked for
    # directly, the two indexes answer without the union cases_visible_to needs for the rest.
    own = (
        Case.objects.filter(Q(lead_worker=acting) | Q(supervisor=acting))
        if may(acting, CasePerm.CASE_WORK)
        else Case.objects.none()
    )
    mine = own.exclude(status=CaseStatus.CLOSED).order_by("-opened_at", "-id")
    mine_ids = mine.values_list("pk", flat=True)
    high_risk_ids = mine.filter(risk_level=RiskLevel.HIGH).values_list("pk", flat=True)
    # A follow-up is the member's when it is theirs to do, or when it is in a case they lead or
    # supervise (a supervisor must see that the worker's home visit is late).
    # The open case ids are few (one member's caseload), so both halves of the OR use an index.
    my_open_case_ids = list(mine_ids)
    my_follow_ups = (
        FollowUp.objects.filter(
            Q(assignee=acting) | Q(case_id__in=my_open_case_ids),
            done_at__isnull=True,
            case__status__in=_open_statuses(),
        )
        .select_related("case")
        .defer("outcome", *CASE_TEXT_FIELDS)
        .annotate(assignee_name=F("assignee__user__full_name"))
    )
    my_cases = cases_by_ids(ids=my_open_case_ids[:20])
    high_risk = cases_by_ids(ids=list(high_risk_ids[:20]))
    return WorkerHome(
        my_cases=my_cases,
        due_today=list(my_follow_ups.filter(due_on=today)),
        overdue=list(my_follow_ups.filter(due_on__lt=today).order_by("due_on", "id")[:50]),
        high_risk=high_risk,
        overdue_case_ids=overdue_case_ids(cases=[*my_cases, *high_risk], today=today),
        referrals_waiting=referrals_incoming(acting=acting).filter(status=ReferralStatus.SENT).count()
        if may(acting, CasePerm.REFERRAL_RESPOND)
        else 0,
        link_requests_waiting=link_requests_waiting(acting=acting).count(),
        updates=list(
            ReferralUpdate.objects.filter(recipient=acting, read_at__isnull=True)
            .select_related("referral", "referral__to_agency", "referral__case")
            .defer(
                "referral__message", "referral__decline_reason", *(f"referral__{f}" for f in CASE_TEXT_FIELDS)
            )[:20]
        ),
        closures_sent_back=closures_sent_back(acting=acting),
        closures_waiting=closures_waiting(acting=acting, limit=HOME_CLOSURES_WAITING)
        if may(acting, CasePerm.CASE_SUPERVISE)
        else None,
        referrals_overdue=referrals_overdue_sent(acting=acting, now=now),
        referral_alerts=referrals_overdue_alerted(acting=acting, now=now),
        handovers=handovers_unread(acting=acting),
    )


def handovers_unread(*, acting: Membership) -> tuple[CaseAssignment, ...]:
    """The cases handed to the member that they still hold and have not marked read, newest first."""
    return tuple(
        CaseAssignment.objects.filter(
            lead_worker=acting, assigned_by__isnull=False, ended_at__isnull=True, notice_read_at__isnull=True
        )
        .exclude(case__status=CaseStatus.CLOSED)
        .select_related("case", "assigned_by__user")
        .defer(*CASE_TEXT_FIELDS)
        .order_by("-started_at", "-id")[:20]
    )


def _open_statuses() -> list[str]:
    return [status for status in CaseStatus.values if status != CaseStatus.CLOSED]
