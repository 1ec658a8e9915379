"""How long things took (R9, C10 and C11, C13's times, K8): tallied in the background, read as small tables.

A measure is one kind of waiting: a report for its first reply, a case for its safety assessment, a
referral for its answer, a hotline item for its removal. The refresh (`figures.refresh`) tallies each
month's records into `MonthlyDuration`: how many started, how many ended and a histogram of how long
they took, in fixed buckets (`bucket_of`), how many were on time, and in which month each ended. A
page merges the months and provinces of its period and reads the median and 90th percentile from
the histogram, interpolated between the two nearest durations as `cases.selectors.referral_figures`
does (PostgreSQL's percentile_cont), without reading a record. The counts a table shows (how many
ended, how many still waited) are not suppressed here: they are published with their year
(`figures.publication.duration_system`) and read from the page's publications. A median over fewer
records than the threshold, or over a count not shown as a number, is not shown
(`core.suppression.linked.duration_shown`).
"""

from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from itertools import accumulate
from typing import TYPE_CHECKING, overload

from django.conf import settings
from django.db.models import Model, OuterRef, QuerySet, Subquery
from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from childshield.cases.models import Assessment
from childshield.cases.models.referrals import ReferralStatus
from childshield.cases.selectors.referral_figures import answered_in_time, percentile, response_time
from childshield.core.periods import Period
from childshield.core.suppression import HIDDEN
from childshield.core.suppression.linked import duration_shown
from childshield.helpline.models import Contact
from childshield.hotline.models import ContentItem, ItemStatus
from childshield.insights.figures.sources import SOURCES, Source
from childshield.insights.models import MonthlyDuration
from childshield.intake.models import ReportMessage, Sender

if TYPE_CHECKING:  # publication reads the measures: only its type here
    from childshield.insights.figures.publication import Published

# Buckets: a duration is kept as the first minute of its bucket, 5 minutes wide under two hours (a
# reply is often a matter of minutes), an hour wide under a week, a day wide beyond. A median or
# percentile is therefore at most one bucket below the exact one, and a month's histogram has at most
# a few hundred entries whatever the number of records.
FINE_UNDER = 120  # minutes
FINE_WIDTH = 5
HOURLY_UNDER = 7 * 24 * 60
HOURLY_WIDTH = 60
DAILY_WIDTH = 24 * 60


def bucket_of(duration: timedelta) -> int:
    """The first minute of the duration's bucket (a negative duration, a clock's error, is 0)."""
    minutes = max(0, int(duration.total_seconds() // 60))
    width = FINE_WIDTH if minutes < FINE_UNDER else HOURLY_WIDTH if minutes < HOURLY_UNDER else DAILY_WIDTH
    return minutes - minutes % width


class Measure(StrEnum):
    REPORT_REPLY = "report_reply"
    SAFETY_ASSESSMENT = "safety_assessment"
    REFERRAL_RESPONSE = "referral_response"
    REMOVAL_FROM_NOTICE = "removal_from_notice"
    REMOVAL_FROM_REPORT = "removal_from_report"


@dataclass(frozen=True)
class Timing:
    """One record of a measure: which group it is in, how long it took and whether that was on time."""

    country: str
    area_id: int | None  # the recorded area, any level (rolled up to today's province by the refresh)
    group: str
    took: timedelta | None  # None while it waits
    ended_at: datetime | None
    in_share: bool  # counted in the on-time share's denominator
    on_time: bool


Timings = Callable[[datetime, datetime, datetime], Iterable[Timing]]  # (start, end, now)

URGENT, NOT_URGENT = "urgent", "not_urgent"


def _report_replies(start: datetime, end: datetime, now: datetime) -> Iterator[Timing]:
    """R9: the first reply is the first staff message or the first call back logged from the report,
    whichever came first; a report with neither waits. Reports as R1 counts them."""
    target = timedelta(hours=settings.FIGURES_REPORT_REPLY_TARGET_HOURS)
    first_message = ReportMessage.objects.filter(report=OuterRef("pk"), sender=Sender.STAFF).order_by(
        "created_at"
    )
    first_call = Contact.objects.filter(report=OuterRef("pk")).order_by("started_at")
    reports = (
        SOURCES[Source.REPORTS]
        .records()
        .filter(created_at__gte=start, created_at__lt=end)
        .annotate(
            message_at=Subquery(first_message.values("created_at")[:1]),
            call_at=Subquery(first_call.values("started_at")[:1]),
        )
        .values_list("country", "province_id", "is_urgent", "created_at", "message_at", "call_at")
    )
    for country, area_id, is_urgent, created_at, message_at, call_at in reports.iterator(chunk_size=5000):
        replied_at = min((moment for moment in (message_at, call_at) if moment is not None), default=None)
        took = replied_at - created_at if replied_at is not None else None
        yield Timing(
            country=country,
            area_id=area_id,
            group=URGENT if is_urgent else NOT_URGENT,
            took=took,
            ended_at=replied_at,
            in_share=True,
            on_time=took is not None and took <= target,
        )


def _safety_assessments(start: datetime, end: datetime, now: datetime) -> Iterator[Timing]:
    """C10 and C11: the case's first safety assessment; the share is over the cases assessed or whose
    assessment is due by now, so that a case opened an hour ago does not count as late."""
    first = Assessment.objects.filter(case=OuterRef("pk"), kind="safety").order_by("completed_at")
    cases = (
        SOURCES[Source.CASES_OPENED]
        .records()
        .filter(opened_at__gte=start, opened_at__lt=end)
        .annotate(assessed_at=Subquery(first.values("completed_at")[:1]))
        .values_list(
            "agency__country", "child__area_id", "opened_at", "safety_assessment_due_at", "assessed_at"
        )
    )
    for country, area_id, opened_at, due_at, assessed_at in cases.iterator(chunk_size=5000):
        yield Timing(
            country=country,
            area_id=area_id,
            group="",
            took=assessed_at - opened_at if assessed_at is not None else None,
            ended_at=assessed_at,
            in_share=assessed_at is not None or (due_at is not None and due_at <= now),
            on_time=assessed_at is not None and due_at is not None and assessed_at <= due_at,
        )


def _referral_responses(start: datetime, end: datetime, now: datetime) -> Iterator[Timing]:
    """C13: as `cases.selectors.referral_figures` answers it; a referral cancelled before an answer
    waits for nothing and is left out. The share is over the referrals answered."""
    referrals = (
        SOURCES[Source.REFERRALS]
        .records()
        .filter(sent_at__gte=start, sent_at__lt=end)
        .exclude(status=ReferralStatus.CANCELLED)
        .values_list(
            "from_agency__country", "case__child__area_id", "status", "sent_at", "respond_by", "responded_at"
        )
    )
    for country, area_id, status, sent_at, respond_by, responded_at in referrals.iterator(chunk_size=5000):
        took = response_time(status, sent_at, responded_at)
        yield Timing(
            country=country,
            area_id=area_id,
            group="",
            took=took,
            ended_at=sent_at + took if took is not None else None,
            in_share=took is not None,
            on_time=took is not None and answered_in_time(sent_at + took, respond_by),
        )


def _removed() -> QuerySet[Model]:
    return ContentItem.objects.filter(status=ItemStatus.REMOVED, removed_at__isnull=False)


def _removals(since_field: str) -> Timings:
    """K8: removed items, in the month of their removal, timed from their first notice or first report."""

    def timings(start: datetime, end: datetime, now: datetime) -> Iterator[Timing]:
        items = _removed().filter(
            removed_at__gte=start, removed_at__lt=end, **{f"{since_field}__isnull": False}
        )
        for country, since, removed_at in items.values_list(
            "agency__country", since_field, "removed_at"
        ).iterator(chunk_size=5000):
            yield Timing(
                country=country,
                area_id=None,
                group="",
                took=removed_at - since,
                ended_at=removed_at,
                in_share=False,
                on_time=False,
            )

    return timings


@dataclass(frozen=True)
class MeasureSpec:
    measure: Measure
    code: str
    title: str | Promise
    source: Source  # the page's section it is shown in
    date_field: str  # which month a record counts in
    records: Callable[[], QuerySet[Model]]  # for the months that have any
    timings: Timings
    ended_label: str | Promise  # the records the times are over
    waiting_label: str | Promise = ""  # those not ended by the period's end ("" when all have)
    share_label: str | Promise = ""  # the on-time share ("" when there is none; may name the reply target)
    groups: tuple[tuple[str, str | Promise], ...] = ()  # shown as tables of their own, after all
    national: bool = False
    share_over_ended: bool = False  # the share's records are those ended (held back with their count)


MEASURES: tuple[MeasureSpec, ...] = (
    MeasureSpec(
        Measure.REPORT_REPLY,
        "R9",
        _("Time from report to first reply"),
        Source.REPORTS,
        "created_at",
        SOURCES[Source.REPORTS].records,
        _report_replies,
        ended_label=_("Reports answered"),
        waiting_label=_("Not answered by the end of the period"),
        share_label=_("Answered within %(hours)s hours: share of the reports received"),
        groups=((URGENT, _("urgent reports")), (NOT_URGENT, _("reports not urgent"))),
    ),
    MeasureSpec(
        Measure.SAFETY_ASSESSMENT,
        "C11",
        _("Time to the safety assessment (C11), and assessed on time (C10)"),
        Source.CASES_OPENED,
        "opened_at",
        SOURCES[Source.CASES_OPENED].records,
        _safety_assessments,
        ended_label=_("Cases assessed"),
        waiting_label=_("Not assessed by the end of the period"),
        share_label=_("Assessed by the time due: share of the cases due"),
    ),
    MeasureSpec(
        Measure.REFERRAL_RESPONSE,
        "C13b",
        _("Referral response time"),
        Source.REFERRALS,
        "sent_at",
        SOURCES[Source.REFERRALS].records,
        _referral_responses,
        ended_label=_("Referrals answered"),
        waiting_label=_("Not answered by the end of the period"),
        share_label=_("Answered by the time due: share of the referrals answered"),
        share_over_ended=True,
    ),
    MeasureSpec(
        Measure.REMOVAL_FROM_NOTICE,
        "K8",
        _("Time to removal from the first notice"),
        Source.HOTLINE_REPORTED,
        "removed_at",
        _removed,
        _removals("first_notice_at"),
        ended_label=_("Items removed"),
        national=True,
    ),
    MeasureSpec(
        Measure.REMOVAL_FROM_REPORT,
        "K8b",
        _("Time to removal from the first report"),
        Source.HOTLINE_REPORTED,
        "removed_at",
        _removed,
        _removals("first_reported_at"),
        ended_label=_("Items removed"),
        national=True,
    ),
)


# Tallying (the background refresh).

TallyKey = tuple[str, int | None, str]  # country, today's province, group


@dataclass
class Tally:
    records: int = 0
    ended: int = 0
    in_share: int = 0
    on_time: int = 0
    minutes: Counter[str] = field(
        default_factory=Counter
    )  # bucket's first minute, as JSON keeps it -> records
    ended_in: Counter[str] = field(default_factory=Counter)  # "YYYY-MM" -> records

    def add(self, timing: Timing, ended_month: str) -> None:
        self.records += 1
        self.in_share += timing.in_share
        self.on_time += timing.on_time
        if timing.took is not None:
            self.ended += 1
            self.minutes[str(bucket_of(timing.took))] += 1
            self.ended_in[ended_month] += 1

    def merge(self, other: "Tally") -> None:
        self.records += other.records
        self.ended += other.ended
        self.in_share += other.in_share
        self.on_time += other.on_time
        self.minutes.update(other.minutes)
        self.ended_in.update(other.ended_in)


def measure_tally(
    spec: MeasureSpec,
    *,
    start: datetime,
    end: datetime,
    now: datetime,
    province_of: Callable[[int | None], int | None],
    month_of: Callable[[datetime], str],
) -> dict[TallyKey, Tally]:
    """The measure's records that started in [start, end), tallied by country, today's province and
    group; `month_of` names the month (in TIME_ZONE) each one ended in."""
    tallies: dict[TallyKey, Tally] = {}
    for timing in spec.timings(start, end, now):
        key = (timing.country, province_of(timing.area_id), timing.group)
        ended = month_of(timing.ended_at) if timing.ended_at is not None else ""
        tallies.setdefault(key, Tally()).add(timing, ended)
    return tallies


def tally_row(tally: Tally) -> dict[str, object]:
    """A tally's fields as `MonthlyDuration` holds them (JSON keys are text)."""
    return {
        "records": tally.records,
        "ended": tally.ended,
        "in_share": tally.in_share,
        "on_time": tally.on_time,
        "minutes": dict(sorted(tally.minutes.items(), key=lambda item: int(item[0]))),
        "ended_in": dict(sorted(tally.ended_in.items())),
    }


# Reading (the page).


class _Ranked(Sequence[timedelta]):
    """A histogram seen as the sorted list of its durations (each its bucket's first minute), without
    making the list: `percentile` reads two of its ranks."""

    def __init__(self, minutes: Mapping[str, int]) -> None:
        counted = sorted((int(bucket), n) for bucket, n in minutes.items() if n > 0)
        self.buckets = [bucket for bucket, _n in counted]
        self.ends = list(accumulate(n for _bucket, n in counted))

    def __len__(self) -> int:
        return self.ends[-1] if self.ends else 0

    @overload
    def __getitem__(self, rank: int) -> timedelta: ...
    @overload
    def __getitem__(self, rank: slice) -> Sequence[timedelta]: ...
    def __getitem__(self, rank: int | slice) -> timedelta | Sequence[timedelta]:
        if isinstance(rank, slice):
            return [self[index] for index in range(*rank.indices(len(self)))]
        if not 0 <= rank < len(self):
            raise IndexError(rank)
        return timedelta(minutes=self.buckets[bisect_right(self.ends, rank)])


def histogram_percentile(minutes: Mapping[str, int], fraction: float) -> timedelta | None:
    """The `fraction` percentile of the histogram's durations, or None when it holds none."""
    ranked = _Ranked(minutes)
    return percentile(ranked, fraction) if len(ranked) else None


def tally_rows(
    measure: Measure, *, country: str, province_id: int | None, periods: Sequence[list[date]]
) -> list[tuple[dict[str, Tally], datetime | None]]:
    """For each period, the measure's tally by group over its months at the place (the country, or one
    province), and when it was computed (the oldest row): one query for all the periods."""
    period_of = {month: index for index, months in enumerate(periods) for month in months}
    rows = MonthlyDuration.objects.filter(measure=measure, country=country, month__in=list(period_of))
    if province_id is not None:
        rows = rows.filter(province_id=province_id)
    found: list[tuple[dict[str, Tally], datetime | None]] = [({}, None) for _months in periods]
    fields = (
        "month",
        "group",
        "records",
        "ended",
        "in_share",
        "on_time",
        "minutes",
        "ended_in",
        "computed_at",
    )
    for month, group, records, ended, in_share, on_time, minutes, ended_in, computed_at in rows.values_list(
        *fields
    ).order_by():
        by_group, oldest = found[period_of[month]]
        tally = by_group.setdefault(group, Tally())
        tally.merge(Tally(records, ended, in_share, on_time, Counter(minutes), Counter(ended_in)))
        found[period_of[month]] = (by_group, computed_at if oldest is None else min(oldest, computed_at))
    return found


def duration_text(duration: timedelta) -> str:
    """A duration as a reader takes it in: minutes under an hour, hours under two days, days beyond."""
    minutes = duration.total_seconds() / 60
    if minutes < FINE_WIDTH:  # within the first bucket: its start, 0, would say nothing true
        return gettext("under %(minutes)s minutes") % {"minutes": FINE_WIDTH}
    if minutes < 60:
        whole = round(minutes)
        return ngettext("%(minutes)s minute", "%(minutes)s minutes", whole) % {"minutes": whole}
    if minutes < 48 * 60:
        hours = formats.number_format(round(minutes / 60, 1), 1)
        # A number with a decimal ("1.0 hours") takes the plural.
        return ngettext("%(hours)s hour", "%(hours)s hours", 2) % {"hours": hours}
    days = formats.number_format(round(minutes / 1440, 1), 1)
    return ngettext("%(days)s day", "%(days)s days", 2) % {"days": days}


@dataclass(frozen=True)
class DurationRow:
    item: str
    label: str
    shown: str
    previous_shown: str


@dataclass
class DurationTable:
    """One measure (and group) over a period beside the period before, as shown: durations and
    shares as text, counts suppressed, a median over too few records "not shown"."""

    key: str  # the measure and its group, unique on a page
    code: str
    title: str
    rows: list[DurationRow]
    computed_at: datetime | None
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Stats:
    """One tally as shown for one period: its counts as published, and what is read over them."""

    ended: str
    waiting: str
    median: str
    p90: str
    share: str
    median_held_back: bool  # not shown: over too few records
    share_held_back: bool
    beside_hidden: bool  # held back because its count is protected ("[c]")


def _stats(tally: Tally, *, ended: str, waiting: str, share_over_ended: bool, below: int) -> _Stats:
    """`ended` and `waiting` are the counts as published. A median or percentile is shown only over a
    count shown as a number: beside a hidden one ("[c]") it would narrow it (the median of an odd
    number of durations is one of them, of an even number the middle of two; the 90th percentile's
    weight between two ranks is a tenth of the count's remainder)."""
    not_shown = gettext("not shown")
    median = duration_shown(tally.ended, histogram_percentile(tally.minutes, 0.5), below=below)
    p90 = duration_shown(tally.ended, histogram_percentile(tally.minutes, 0.9), below=below)
    share = duration_shown(
        tally.in_share, tally.on_time / tally.in_share if tally.in_share else None, below=below
    )
    too_few = (median is None, share is None)
    if not ended.isdigit():
        median = p90 = None
        share = None if share_over_ended else share
    return _Stats(
        ended=ended,
        waiting=waiting,
        median=duration_text(median) if median is not None else not_shown,
        p90=duration_text(p90) if p90 is not None else not_shown,
        share=f"{formats.number_format(round(100 * share))}%" if share is not None else not_shown,
        median_held_back=too_few[0],
        share_held_back=too_few[1],
        beside_hidden=ended == HIDDEN,
    )


def duration_tables(
    source: Source,
    *,
    country: str,
    place: str,
    province_id: int | None,
    period: Period,
    previous: Period,
    published: "Published",
    below: int,
) -> list[DurationTable]:
    """The measures shown in the source's section, over `period` beside `previous` at the place (a
    national measure: the country whatever the province): durations from the monthly tallies, counts
    from the publications (`place` is the publications' name of the place, `province_id` its province
    or None)."""
    # Publication imports the measures to publish their counts: read here, once it is loaded.
    from childshield.insights.figures.publication import COUNTRY, ENDED, WAITING, duration_source

    specs = [spec for spec in MEASURES if spec.source == source]
    tables: list[DurationTable] = []
    for spec in specs:
        where = COUNTRY if spec.national else place
        periods = tally_rows(
            spec.measure,
            country=country,
            province_id=None if spec.national else province_id,
            periods=([m.first_day() for m in period.months()], [m.first_day() for m in previous.months()]),
        )
        group_codes = [code for code, _label in spec.groups]
        shown: list[dict[str, _Stats]] = []
        for (found, _computed_at), chosen in zip(periods, (period, previous), strict=True):
            tallies = {code: found.get(code, Tally()) for code in group_codes or [""]}
            if group_codes:
                tallies[""] = Tally()
                for code in group_codes:
                    tallies[""].merge(tallies[code])

            source_key, at = duration_source(spec), str(chosen)
            marks = {
                (quantity, code): published.cell(source_key, at, where, quantity, code)
                for quantity in (ENDED, WAITING)
                for code in tallies
            }
            shown.append(
                {
                    code: _stats(
                        tally,
                        # A count of none is not stored: it shows as small.
                        ended=(marks[(ENDED, code)] or (0, f"<{below}"))[1],
                        waiting=(marks[(WAITING, code)] or (0, f"<{below}"))[1],
                        share_over_ended=spec.share_over_ended,
                        below=below,
                    )
                    for code, tally in tallies.items()
                }
            )
        computed_at = periods[0][1]
        for code, label in [("", ""), *spec.groups]:
            tables.append(
                _table(
                    spec,
                    group=(code, label),
                    now=shown[0][code],
                    before=shown[1][code],
                    computed_at=computed_at,
                    below=below,
                )
            )
    return tables


def _table(
    spec: MeasureSpec,
    *,
    group: tuple[str, str | Promise],
    now: _Stats,
    before: _Stats,
    computed_at: datetime | None,
    below: int,
) -> DurationTable:
    """One group's (or all records') figures, this period beside the one before."""
    code, label = group
    rows = [
        DurationRow("median", gettext("Median"), now.median, before.median),
        DurationRow("p90", gettext("90th percentile"), now.p90, before.p90),
        DurationRow("ended", str(spec.ended_label), now.ended, before.ended),
    ]
    if spec.share_label:
        target = {"hours": settings.FIGURES_REPORT_REPLY_TARGET_HOURS}
        rows.append(DurationRow("share", str(spec.share_label) % target, now.share, before.share))
    if spec.waiting_label:
        rows.append(DurationRow("waiting", str(spec.waiting_label), now.waiting, before.waiting))
    notes = []
    held_back = [(stats.median_held_back, stats.share_held_back) for stats in (now, before)]
    if any(median or (share and bool(spec.share_label)) for median, share in held_back):
        notes.append(
            gettext(
                "A median, percentile or share over fewer than %(below)s records is not shown: "
                "it would be nearly one child's own time."
            )
            % {"below": below}
        )
    if now.beside_hidden or before.beside_hidden:
        notes.append(
            gettext(
                "Beside a count hidden to protect others ([c]), the median and percentile over those "
                "records are not shown either: they would tell something of the hidden count."
            )
        )
    return DurationTable(
        key=f"{spec.measure}-{code or 'all'}",
        code=spec.code,
        title=f"{spec.title}: {label}" if label else str(spec.title),
        rows=rows,
        computed_at=computed_at,
        notes=notes,
    )
