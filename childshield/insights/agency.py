"""An agency's own operational figures for its case supervisors: exact counts, marked confidential.

Issue 18: "operational views inside one agency (e.g. a supervisor's caseload) may show exact counts,
marked confidential" (docs/indicators.md C2, C10, C12, C13, C15, C16). Nothing here is published, so
nothing is suppressed; what keeps the figures inside the agency is who may read them
(`InsightsPerm.AGENCY_FIGURES_VIEW`: case supervisors), that they count only the acting membership's
agency, and the marking on the page and in the file. Every reading is audited, naming the page and the
period, never a child or a case.

Cases are the agency's when it manages them now (`Case.agency`); referrals when it sent or received them.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median
from typing import Any

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from childshield.accounts.models import Agency, Membership
from childshield.accounts.permissions import may, require
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.cases.models import Assessment, Case, CaseAssignment, ClosureRequest
from childshield.cases.models.assessments import AssessmentKind
from childshield.cases.models.cases import CaseStatus, ClosureReason, RiskLevel
from childshield.cases.models.closure import ClosureDecision
from childshield.cases.permissions import CasePerm
from childshield.cases.selectors.cases import cases_visible_to
from childshield.cases.selectors.referral_figures import PairResponseTimes, referral_response_times
from childshield.core.periods import Period
from childshield.core.suppression import Cell
from childshield.insights.figures.charts import FigureTableView, figure_table
from childshield.insights.figures.dashboard import offered_periods
from childshield.insights.figures.derived import cases_open_at
from childshield.insights.figures.exports import Value, tables_csv
from childshield.insights.figures.table import FigureTable
from childshield.insights.permissions import InsightsPerm

NO_LEAD = "none"


@dataclass(frozen=True)
class PartnerReferrals:
    """The referrals between the agency and one partner agency in the period, one direction."""

    partner: Agency
    sent: int
    accepted: int
    declined: int
    waiting: int
    acceptance_rate: str  # "75%": accepted of those answered; "" when none was answered
    median_hours: str  # the median response time in hours, "2.5"; "" when none was answered
    in_time_share: str  # of those answered, the share answered by the time each was due; "" when none


@dataclass
class AgencyFigures:
    agency: Agency
    period: Period
    periods: list[Period]
    computed_at: datetime
    caseload: FigureTable  # C15: open cases per lead worker, median and most in its notes
    caseload_at_end: FigureTable  # C15 at the period's last instant (or now, for a period not over)
    by_status: FigureTable  # C2 now: open cases by where they stand
    by_risk: FigureTable
    overdue: int  # open cases whose safety assessment is past due now (C10, today)
    overdue_cases: list[Case]  # those of them the reader may open, due first
    safety_on_time: FigureTable  # C10 for the period
    referrals_sent: list[PartnerReferrals]  # C12, C13 per receiving agency
    referrals_received: list[PartnerReferrals]  # per sending agency
    closures: FigureTable  # C16: approved closures by reason

    @property
    def now_views(self) -> list[FigureTableView]:
        """The tables of today's caseload as the page shows them."""
        return [
            figure_table(table, period_label=gettext("Now"), area_label=self.agency.name)
            for table in (self.caseload, self.by_status, self.by_risk)
        ]

    @property
    def period_views(self) -> list[FigureTableView]:
        """The tables of the period chosen as the page shows them."""
        return [
            figure_table(table, period_label=self.period.label(), area_label=self.agency.name)
            for table in (self.caseload_at_end, self.safety_on_time, self.closures)
        ]


def _table(
    code: str, title: str, dimension: str, cells: list[Cell], *, notes: list[str] | None = None
) -> FigureTable:
    """An exact table: every cell shown as its count, the total their sum."""
    for cell in cells:
        cell.shown = str(cell.count)
    total = sum(cell.count for cell in cells)
    return FigureTable(
        code=code,
        title=title,
        dimension=dimension,
        cells=cells,
        total=Cell(item="total", label=gettext("Total"), count=total, shown=str(total)),
        exact=True,
        notes=list(notes or []),
    )


def _share(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else ""


def _open_cases(agency: Agency) -> QuerySet[Case]:
    return Case.objects.filter(agency=agency).exclude(status=CaseStatus.CLOSED)


def _caseload(agency: Agency) -> FigureTable:
    """C15: open cases per lead worker: every active member of the agency who may lead a case, those
    leading none too (they count in the median), most cases first; then the open cases no active member
    of the agency leads (the lead worker left, or the case came from another agency)."""
    counts = dict(
        _open_cases(agency).values_list("lead_worker_id").annotate(open_cases=Count("pk")).order_by()
    )
    members = [
        member
        for member in Membership.objects.filter(agency=agency, is_active=True).select_related(
            "user", "agency"
        )
        if may(member, CasePerm.CASE_WORK)
    ]
    workers = sorted(
        (
            Cell(item=str(member.pk), label=member.user.full_name, count=counts.get(member.pk, 0))
            for member in members
        ),
        key=lambda cell: (-cell.count, cell.label),
    )
    without_lead = sum(counts.values()) - sum(cell.count for cell in workers)
    loads = [cell.count for cell in workers]
    return _table(
        "C15",
        gettext("Open cases now, per lead worker"),
        gettext("Lead worker"),
        [*workers, Cell(item=NO_LEAD, label=gettext("No lead worker in the agency"), count=without_lead)],
        notes=_load_notes(loads),
    )


def _load_notes(loads: list[int]) -> list[str]:
    """The median and the most open cases per worker, when the agency has workers."""
    if not loads:
        return []
    return [
        gettext("Median open cases per worker: %(median)s; most: %(most)s.")
        % {"median": f"{median(loads):g}", "most": max(loads)}
    ]


def _period_end_caseload(agency: Agency, period: Period, now: datetime) -> FigureTable:
    """C15 at the period's last instant (now, for a period not over): the cases open then (their latest
    status change before it not a closing) per worker of the agency who led them then (the holding of
    `CaseAssignment` that began before it and had not ended), whatever agency manages them now. Every
    worker of the agency who may lead a case and was a member by then counts, those leading none too
    (in the median); a member who has since left counts when they led a case then."""
    _since, until = period.bounds()
    instant = min(until, now)
    held = (
        CaseAssignment.objects.filter(
            case__in=cases_open_at(instant).values("pk"),
            lead_worker__agency=agency,
            started_at__lt=instant,
        )
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=instant))
        .values_list("lead_worker_id")
        .annotate(open_cases=Count("case", distinct=True))
        .order_by()
    )
    counts = dict(held)
    members = [
        member
        for member in Membership.objects.filter(agency=agency)
        .filter(Q(is_active=True, created_at__lt=instant) | Q(pk__in=counts))
        .select_related("user", "agency")
        if member.pk in counts or may(member, CasePerm.CASE_WORK)
    ]
    workers = sorted(
        (
            Cell(item=str(member.pk), label=member.user.full_name, count=counts.get(member.pk, 0))
            for member in members
        ),
        key=lambda cell: (-cell.count, cell.label),
    )
    loads = [cell.count for cell in workers]
    at = timezone.localtime(instant - timedelta(microseconds=1) if instant == until else instant)
    notes = [gettext("Counted at %(at)s.") % {"at": at.strftime("%Y-%m-%d %H:%M")}, *_load_notes(loads)]
    return _table(
        "C15",
        gettext("Open cases at the end of the period, per lead worker"),
        gettext("Lead worker"),
        workers,
        notes=notes,
    )


def _by_choice(
    records: QuerySet[Any],
    field: str,
    choices: Sequence[tuple[str, str | Promise]],
    *,
    code: str,
    title: str,
    dimension: str,
) -> FigureTable:
    """An exact table of `records` (cases, closures) per value of one of their choice fields."""
    counts = dict(records.values_list(field).annotate(number=Count("pk")).order_by())
    return _table(
        code,
        title,
        dimension,
        [Cell(item=value, label=str(label), count=counts.get(value, 0)) for value, label in choices],
    )


def _safety_due(agency: Agency, now: datetime) -> QuerySet[Case]:
    """Open cases whose safety assessment was due before now and is not done."""
    assessed = Assessment.objects.filter(case=OuterRef("pk"), kind=AssessmentKind.SAFETY)
    return _open_cases(agency).filter(safety_assessment_due_at__lt=now).exclude(Exists(assessed))


def _safety_on_time(agency: Agency, period: Period, now: datetime) -> FigureTable:
    """C10: of the cases the agency manages that were opened in the period, those whose safety assessment
    was due by the period's end (or now, for a period not over) or was done, how many were assessed by
    the time due."""
    since, until = period.bounds()
    cases = (
        Case.objects.filter(agency=agency, opened_at__gte=since, opened_at__lt=until)
        .annotate(
            assessed_at=Min("assessments__completed_at", filter=Q(assessments__kind=AssessmentKind.SAFETY))
        )
        .filter(Q(safety_assessment_due_at__lt=min(until, now)) | Q(assessed_at__isnull=False))
    )
    due = on_time = 0
    for due_at, assessed_at in cases.values_list("safety_assessment_due_at", "assessed_at"):
        due += 1
        on_time += assessed_at is not None and due_at is not None and assessed_at <= due_at
    notes = [gettext("On time: %(share)s.") % {"share": _share(on_time, due)}] if due else []
    return _table(
        "C10",
        gettext("Safety assessments of the cases opened in the period"),
        gettext("Safety assessment"),
        [
            Cell(item="on_time", label=gettext("Done by the time it was due"), count=on_time),
            Cell(item="late", label=gettext("Late, or past due and not done"), count=due - on_time),
        ],
        notes=notes,
    )


def _closures(agency: Agency, period: Period) -> FigureTable:
    since, until = period.bounds()
    approved = ClosureRequest.objects.filter(
        case__agency=agency, decision=ClosureDecision.APPROVED, decided_at__gte=since, decided_at__lt=until
    )
    return _by_choice(
        approved,
        "reason",
        ClosureReason.choices,
        code="C16",
        title=gettext("Cases closed in the period, by reason"),
        dimension=gettext("Reason for closing"),
    )


def _partner(pair: PairResponseTimes, partner: Agency) -> PartnerReferrals:
    return PartnerReferrals(
        partner=partner,
        sent=pair.sent,
        accepted=pair.accepted,
        declined=pair.declined,
        waiting=pair.waiting,
        acceptance_rate=_share(pair.accepted, pair.answered),
        median_hours="" if pair.median is None else f"{pair.median / timedelta(hours=1):.1f}",
        in_time_share=_share(pair.answered_in_time, pair.answered),
    )


def agency_figures(*, acting: Membership, period: Period, exported: bool = False) -> AgencyFigures:
    """The acting member's agency's figures: caseloads and overdue assessments now, the rest for `period`.
    The reading is audited (as an export when `exported`)."""
    require(acting, InsightsPerm.AGENCY_FIGURES_VIEW)
    agency, now = acting.agency, timezone.now()
    since, until = period.bounds()
    pairs = referral_response_times(since=since, until=until, agency=agency)
    overdue = _safety_due(agency, now)
    open_cases = _open_cases(agency)
    audit.record(
        action=AuditAction.EXPORT if exported else AuditAction.VIEW,
        actor=acting.user,
        agency=agency,
        object_type="insights.agency_figures",
        reason=f"agency figures {period}" + (" as csv" if exported else ""),
    )
    return AgencyFigures(
        agency=agency,
        period=period,
        periods=offered_periods(timezone.localdate(now)),
        computed_at=now,
        caseload=_caseload(agency),
        caseload_at_end=_period_end_caseload(agency, period, now),
        by_status=_by_choice(
            open_cases,
            "status",
            [(value, label) for value, label in CaseStatus.choices if value != CaseStatus.CLOSED],
            code="C2",
            title=gettext("Open cases now, by status"),
            dimension=gettext("Status"),
        ),
        by_risk=_by_choice(
            open_cases,
            "risk_level",
            RiskLevel.choices,
            code="C9b",
            title=gettext("Open cases now, by risk level"),
            dimension=gettext("Risk level"),
        ),
        overdue=overdue.count(),
        overdue_cases=list(
            overdue.filter(pk__in=cases_visible_to(acting=acting).values("pk"))
            .only("pk", "number", "safety_assessment_due_at")
            .order_by("safety_assessment_due_at", "pk")
        ),
        safety_on_time=_safety_on_time(agency, period, now),
        referrals_sent=[_partner(pair, pair.to_agency) for pair in pairs if pair.from_agency == agency],
        referrals_received=[_partner(pair, pair.from_agency) for pair in pairs if pair.to_agency == agency],
        closures=_closures(agency, period),
    )


CONFIDENTIAL = _("Confidential: exact figures for your agency; do not share outside it.")


def _referral_block(title: str, partner_heading: str, rows: list[PartnerReferrals]) -> list[list[Value]]:
    headings: list[Value] = [
        partner_heading,
        gettext("Sent"),
        gettext("Accepted"),
        gettext("Declined"),
        gettext("Waiting for an answer"),
        gettext("Acceptance rate"),
        gettext("Median response (hours)"),
        gettext("Answered by the time due"),
    ]
    block: list[list[Value]] = [[title], [str(CONFIDENTIAL)], headings]
    for row in rows:
        block.append(
            [
                row.partner.name,
                row.sent,
                row.accepted,
                row.declined,
                row.waiting,
                row.acceptance_rate,
                row.median_hours,
                row.in_time_share,
            ]
        )
    return block


def agency_export(figures: AgencyFigures) -> bytes:
    """The page's figures as a CSV file, marked confidential in its first row and on each table. The
    overdue cases are there as a count: the file lists no case."""
    overdue = _table(
        "C10",
        gettext("Open cases whose safety assessment is overdue now"),
        gettext("Safety assessment"),
        [Cell(item="overdue", label=gettext("Overdue"), count=figures.overdue)],
    )
    return tables_csv(
        [
            figures.caseload,
            figures.by_status,
            figures.by_risk,
            overdue,
            figures.caseload_at_end,
            figures.safety_on_time,
            figures.closures,
        ],
        marking=str(CONFIDENTIAL),
        period_label=figures.period.label(),
        area_label=figures.agency.name,
        computed_at=figures.computed_at,
        blocks=[
            _referral_block(
                gettext("Referrals your agency sent, by receiving agency"),
                gettext("Receiving agency"),
                figures.referrals_sent,
            ),
            _referral_block(
                gettext("Referrals your agency received, by sending agency"),
                gettext("Sending agency"),
                figures.referrals_received,
            ),
        ],
    )
