"""A platform's record, month by month: the notices the hotline sent it and how fast it answered and
removed, the reports it sent, the feedback it gave on hashes. For the platform itself, the regulator
and the hotline's leads; counts about a company's work, never about a child."""

import csv
import io
import statistics
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Min, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from childshield.accounts.models import Agency, AgencyKind, Membership
from childshield.accounts.permissions import Scope, require
from childshield.core.periods import Period, PeriodKind, periods_recent
from childshield.hashing.models import BankSource
from childshield.hotline.models import Notice, NoticePurpose, RecipientKind
from childshield.platforms.models import NoticeResponse, PlatformReport, SignalFeedback
from childshield.platforms.permissions import PlatformPerm

HOUR = 3600.0


@dataclass(frozen=True)
class MonthRecord:
    month: Period
    notices: int  # first notices sent in the month (a re-notice is the same address again)
    answered: int  # of those, answered through the API (received, removed or not removed)
    removed: int  # of those, whose address the hotline found removed
    answer_median_hours: float | None
    answer_p90_hours: float | None
    removal_median_hours: float | None
    removal_p90_hours: float | None
    reports: int  # reports the platform sent
    feedback: int  # hashes it first gave feedback on

    @property
    def removed_share(self) -> float | None:
        return self.removed / self.notices if self.notices else None


def _median_p90(hours: list[float]) -> tuple[float | None, float | None]:
    """The median and the 90th percentile, interpolated between the nearest ranks (as spreadsheets'
    PERCENTILE.INC); a single value is both."""
    if not hours:
        return None, None
    if len(hours) == 1:
        return hours[0], hours[0]
    return statistics.median(hours), statistics.quantiles(hours, n=10, method="inclusive")[-1]


def record_platforms(*, membership: Membership | None) -> QuerySet[Agency]:
    """The platforms whose record the member may read: their own, or every one."""
    scope = require(membership, PlatformPerm.RECORD_VIEW)
    assert membership is not None
    platforms = Agency.objects.filter(kind=AgencyKind.PLATFORM).order_by("name")
    return platforms if scope == Scope.ALL else platforms.filter(pk=membership.agency_id)


def record_platform_get(*, membership: Membership | None, pk: int | None) -> Agency | None:
    """The platform asked for, if the member may read it; else the first they may (None: none)."""
    platforms = record_platforms(membership=membership)
    chosen = platforms.filter(pk=pk).first() if pk is not None else None
    return chosen or platforms.first()


def record_csv(*, records: list[MonthRecord]) -> str:
    """The record as CSV, oldest month first; hours with one decimal, empty where nothing was measured."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for record in reversed(records):
        share = record.removed_share
        writer.writerow(
            [
                str(record.month),
                record.notices,
                record.answered,
                record.removed,
                "" if share is None else f"{share:.3f}",
                *(
                    "" if value is None else f"{value:.1f}"
                    for value in (
                        record.answer_median_hours,
                        record.answer_p90_hours,
                        record.removal_median_hours,
                        record.removal_p90_hours,
                    )
                ),
                record.reports,
                record.feedback,
            ]
        )
    return out.getvalue()


CSV_COLUMNS = [
    "month",
    "notices",
    "answered",
    "removed",
    "removed_share",
    "answer_median_hours",
    "answer_p90_hours",
    "removal_median_hours",
    "removal_p90_hours",
    "reports_sent",
    "hashes_given_feedback",
]


def platform_record(*, platform: Agency, months: int = 12, until: date | None = None) -> list[MonthRecord]:
    """The last `months` months up to the one holding `until` (today), newest first."""
    periods = periods_recent(kind=PeriodKind.MONTH, until=until or timezone.localdate(), count=months)
    start, end = periods[-1].bounds()[0], periods[0].bounds()[1]
    sent_notices: list[tuple[int, datetime, datetime | None]] = [
        (pk, sent_at, removed_at)
        for pk, sent_at, removed_at in Notice.objects.filter(
            recipient_kind=RecipientKind.PLATFORM,
            sequence=1,
            purpose=NoticePurpose.TAKEDOWN,
            sent_at__gte=start,
            sent_at__lt=end,
            item__provider__platform_host__platform=platform,
        ).values_list("pk", "sent_at", "item__removed_at")
        if sent_at is not None
    ]
    first_answers = dict(
        NoticeResponse.objects.filter(
            platform=platform, notice_id__in=[pk for pk, _sent, _gone in sent_notices]
        )
        .values("notice_id")
        .annotate(first=Min("received_at"))
        .values_list("notice_id", "first")
    )
    # What sandbox keys sent is kept apart: it tells nothing of the platform's work.
    live_reports = PlatformReport.objects.filter(platform=platform, api_key__is_sandbox=False)
    reports = _by_month(live_reports, "received_at", start, end)
    live_feedback = SignalFeedback.objects.filter(platform=platform).exclude(
        bank__source=BankSource.SYNTHETIC
    )
    feedback = _by_month(live_feedback, "first_at", start, end)
    records = []
    for period in periods:
        low, high = period.bounds()
        low_local = timezone.localtime(low, timezone.get_default_timezone())
        sent = [notice for notice in sent_notices if low <= notice[1] < high]
        answers = [
            (first_answers[pk] - sent_at).total_seconds() / HOUR
            for pk, sent_at, _gone in sent
            if pk in first_answers
        ]
        removals = [
            (gone - sent_at).total_seconds() / HOUR
            for _pk, sent_at, gone in sent
            if gone is not None and gone >= sent_at
        ]
        answer_median, answer_p90 = _median_p90(sorted(max(0.0, h) for h in answers))
        removal_median, removal_p90 = _median_p90(sorted(removals))
        records.append(
            MonthRecord(
                month=period,
                notices=len(sent),
                answered=len(answers),
                removed=len(removals),
                answer_median_hours=answer_median,
                answer_p90_hours=answer_p90,
                removal_median_hours=removal_median,
                removal_p90_hours=removal_p90,
                reports=reports.get((low_local.year, low_local.month), 0),
                feedback=feedback.get((low_local.year, low_local.month), 0),
            )
        )
    return records


def _by_month(
    rows: QuerySet[PlatformReport] | QuerySet[SignalFeedback], field: str, start: datetime, end: datetime
) -> dict[tuple[int, int], int]:
    """How many rows fall in each month (in TIME_ZONE, as the periods), counted by the database: a
    platform may give feedback on millions of hashes."""
    counted = (
        rows.filter(**{f"{field}__gte": start, f"{field}__lt": end})
        .annotate(month=TruncMonth(field, tzinfo=timezone.get_default_timezone()))
        .values("month")
        .annotate(rows=Count("pk"))
        .values_list("month", "rows")
    )
    return {(month.year, month.month): number for month, number in counted}
