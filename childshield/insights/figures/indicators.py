"""The indicators of docs/indicators.md, as tables read from the monthly counts and suppressed.

An indicator counts one source, split by one dimension (or by province, or by month, or not at all).
`indicator_table` adds up the months of a period and the provinces of a place and returns a
`FigureTable` whose cells are already suppressed (`core.suppression`): pages, charts and exports never
see a count below the threshold. A dimension of several values per record (a report's harms) is
suppressed cell by cell, since its cells do not add up to the total.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db.models import Min, Sum
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from childshield.core.ethnic_groups import ethnicity_choices
from childshield.core.suppression import Cell, suppress
from childshield.insights.figures.derived import link_choices
from childshield.insights.figures.sources import (
    NOT_SAID,
    NOT_SAID_LABEL,
    SOURCES,
    Source,
    category_choices,
    dimension_of,
)
from childshield.insights.figures.table import FigureTable
from childshield.insights.models import MonthlyCount
from childshield.places.models import Area

BY_PROVINCE = "province"
BY_MONTH = "month"
TOTAL = ""


@dataclass(frozen=True)
class Indicator:
    code: str
    title: str | Promise
    source: Source
    dimension: str = TOTAL  # a dimension of the source, BY_PROVINCE, BY_MONTH, or TOTAL
    # What a reader must know to read it right, under its table (and in the export); `%(days)s` is
    # the reopening window (FIGURES_REOPEN_WINDOW_DAYS).
    note: str | Promise = ""


OPEN_AT_THE_END = _(
    "Counted on the last day of the period (so far, for a period not over): months are not added up."
)


INDICATORS: tuple[Indicator, ...] = (
    Indicator("R1", _("Reports received"), Source.REPORTS),
    Indicator("R2", _("Reports by channel"), Source.REPORTS, "channel"),
    Indicator("R3", _("Reports by kind of link"), Source.REPORTS, "link_kind"),
    Indicator("R3b", _("Reports by link"), Source.REPORTS, "link"),
    Indicator("R4", _("Reports by what happened"), Source.REPORTS, "harm"),
    Indicator("R4b", _("Reports by where it happened"), Source.REPORTS, "platform"),
    Indicator("R5", _("Reports by age"), Source.REPORTS, "age_band"),
    Indicator("R6", _("Reports by gender"), Source.REPORTS, "gender"),
    Indicator("R7", _("Reports by province"), Source.REPORTS, BY_PROVINCE),
    Indicator("R8", _("Reports by month"), Source.REPORTS, BY_MONTH),
    Indicator("H1", _("Helpline contacts"), Source.CONTACTS),
    Indicator("H2", _("Helpline contacts by kind"), Source.CONTACTS, "kind"),
    Indicator("H3", _("Helpline contacts by channel"), Source.CONTACTS, "channel"),
    Indicator("H4", _("Counselling contacts"), Source.COUNSELLING),
    Indicator("H5", _("Counselling contacts by CHI category"), Source.COUNSELLING, "category"),
    Indicator("H6", _("Counselling contacts by age"), Source.COUNSELLING, "age_band"),
    Indicator("H7", _("Counselling contacts by gender"), Source.COUNSELLING, "gender"),
    Indicator("H8", _("Counselling contacts by province"), Source.COUNSELLING, BY_PROVINCE),
    Indicator("H9", _("Counselling contacts by ethnic group"), Source.COUNSELLING, "ethnicity"),
    Indicator("H10", _("Counselling contacts by disability"), Source.COUNSELLING, "disability"),
    Indicator(
        "H11", _("Counselling contacts about online protection"), Source.COUNSELLING, "online_protection"
    ),
    Indicator("H12", _("Counselling contacts by who called"), Source.COUNSELLING, "caller_type"),
    Indicator("H13", _("Counselling contacts by outcome"), Source.COUNSELLING, "outcome"),
    Indicator("C1", _("Cases opened"), Source.CASES_OPENED),
    Indicator("C4", _("Cases opened by harm"), Source.CASES_OPENED, "harm_type"),
    Indicator("C5", _("Cases opened by sex"), Source.CASES_OPENED, "sex"),
    Indicator("C6", _("Cases opened by age"), Source.CASES_OPENED, "age_band"),
    Indicator("C7", _("Cases opened by ethnic group"), Source.CASES_OPENED, "ethnicity"),
    Indicator("C8", _("Cases opened by disability"), Source.CASES_OPENED, "disability"),
    Indicator("C9", _("Cases opened by province"), Source.CASES_OPENED, BY_PROVINCE),
    Indicator("C9b", _("Cases opened by risk level"), Source.CASES_OPENED, "risk_level"),
    Indicator("C2", _("Cases open at the end of the period"), Source.CASES_OPEN, note=OPEN_AT_THE_END),
    Indicator("C2b", _("Cases open by province"), Source.CASES_OPEN, BY_PROVINCE, OPEN_AT_THE_END),
    Indicator("C2c", _("Cases open by harm"), Source.CASES_OPEN, "harm_type", OPEN_AT_THE_END),
    Indicator("C2d", _("Cases open by sex"), Source.CASES_OPEN, "sex", OPEN_AT_THE_END),
    Indicator("C2e", _("Cases open by age"), Source.CASES_OPEN, "age_band", OPEN_AT_THE_END),
    Indicator("C2f", _("Cases open by ethnic group"), Source.CASES_OPEN, "ethnicity", OPEN_AT_THE_END),
    Indicator("C2g", _("Cases open by disability"), Source.CASES_OPEN, "disability", OPEN_AT_THE_END),
    Indicator("C3", _("Cases closed"), Source.CASES_CLOSED),
    Indicator("C16", _("Cases closed by reason"), Source.CASES_CLOSED, "reason"),
    Indicator(
        "C17",
        _("Closures followed by a reopening"),
        Source.CLOSURES_FOLLOWED,
        "reopened",
        _(
            "Closures decided in the period at least %(days)s days ago; reopened: the case was reopened "
            "within %(days)s days of its closure."
        ),
    ),
    Indicator("C14", _("Services delivered by kind"), Source.SERVICES_COMPLETED, "kind"),
    Indicator("C14b", _("Services added to plans, where they stand now"), Source.SERVICES_PLANNED, "status"),
    Indicator("C14c", _("Services added to plans by kind"), Source.SERVICES_PLANNED, "kind"),
    Indicator("C12", _("Referrals sent"), Source.REFERRALS),
    Indicator("C12b", _("Referrals by answer"), Source.REFERRALS, "status"),
    Indicator("C13", _("Referrals answered in time"), Source.REFERRALS, "answered_in_time"),
    Indicator("C12c", _("Referrals by urgency"), Source.REFERRALS, "urgency"),
    Indicator("K1", _("Hotline items reported"), Source.HOTLINE_REPORTED),
    Indicator("K1b", _("Hotline items reported, where they stand now"), Source.HOTLINE_REPORTED, "status"),
    Indicator(
        "K2", _("Hotline items confirmed by classification"), Source.HOTLINE_CONFIRMED, "classification"
    ),
    Indicator("K3", _("Abuse material by severity"), Source.HOTLINE_CONFIRMED, "category"),
    Indicator(
        "K5", _("Hotline items confirmed by hosting country"), Source.HOTLINE_CONFIRMED, "hosting_country"
    ),
    Indicator("K4", _("Hotline items confirmed by content type"), Source.HOTLINE_CONFIRMED, "content_type"),
    Indicator("K6", _("Notices to remove by recipient"), Source.NOTICES, "recipient_kind"),
    Indicator("K6b", _("Notices to remove by delivery"), Source.NOTICES, "state"),
    Indicator("K7", _("Hotline items removed"), Source.HOTLINE_REMOVED),
    Indicator(
        "K7b",
        _("Hotline items with a notice, removed or not"),
        Source.HOTLINE_NOTICED,
        "removed",
        _("Items first sent a notice in the period: the share removed is the removal rate."),
    ),
    Indicator("K9", _("Requests to block a picture or video"), Source.BLOCK_REQUESTS),
    Indicator(
        "K10", _("Pictures and videos children asked to block, by kind"), Source.BLOCKED_HASHES, "kind"
    ),
    Indicator(
        "K10b", _("Pictures and videos children asked to block, by decision"), Source.BLOCKED_HASHES, "state"
    ),
    Indicator("K11", _("Children's own hashes added to the bank"), Source.SELF_SUBMITTED_HASHES, "algorithm"),
    Indicator(
        "K12",
        _("Lookups that matched a child's own hash, by channel"),
        Source.LOOKUPS,
        "self_submitted_match",
    ),
    Indicator("K12b", _("Hashes looked up, by channel"), Source.LOOKUPS, "channel"),
)
BY_CODE = {indicator.code: indicator for indicator in INDICATORS}


@dataclass(frozen=True)
class Place:
    """Where the figures count: a country, or one province of it (today's; records in provinces
    merged into it count too)."""

    country: str
    province: Area | None = None


@dataclass
class SourceCounts:
    """Everything one page reads of one source over some months at one place, in two queries."""

    by_dimension: dict[tuple[str, str], int]  # (dimension, value) -> count
    by_province: dict[str, int]
    by_month: dict[str, int]
    total: int
    computed_at: datetime | None


Memo = dict[tuple[Source, str, int | None, tuple[date, ...]], SourceCounts]


def source_counts(source: Source, place: Place, months: list[date], memo: Memo | None = None) -> SourceCounts:
    """The source's counts over `months` at `place` (kept in `memo` for the rest of the page). A stock
    (cases open) is not added up over months: a period's is its last month's so far."""
    if SOURCES[source].is_stock:
        months = stock_months(months)
    key = (source, place.country, place.province.pk if place.province else None, tuple(months))
    if memo is not None and key in memo:
        return memo[key]
    rows = MonthlyCount.objects.filter(source=source, country=place.country, month__in=months)
    if place.province is not None:
        rows = rows.filter(province=place.province)
    by_dimension: dict[tuple[str, str], int] = {}
    computed_at = None
    for row in (
        rows.exclude(dimension="")
        .values("dimension", "value")
        .annotate(n=Sum("count"), at=Min("computed_at"))
        .order_by()
    ):
        by_dimension[(row["dimension"], row["value"])] = row["n"]
        computed_at = row["at"] if computed_at is None else min(computed_at, row["at"])
    by_province: dict[str, int] = {}
    by_month: dict[str, int] = {}
    total = 0
    for row in (
        rows.filter(dimension="")
        .values("province", "month")
        .annotate(n=Sum("count"), at=Min("computed_at"))
        .order_by()
    ):
        province = str(row["province"] or NOT_SAID)
        month = f"{row['month']:%Y-%m}"
        by_province[province] = by_province.get(province, 0) + row["n"]
        by_month[month] = by_month.get(month, 0) + row["n"]
        total += row["n"]
        computed_at = row["at"] if computed_at is None else min(computed_at, row["at"])
    found = SourceCounts(by_dimension, by_province, by_month, total, computed_at)
    if memo is not None:
        memo[key] = found
    return found


def stock_months(months: list[date]) -> list[date]:
    """The month a stock is read at for a period of `months`: its last one that has begun (a year
    not over yet counts what is open now)."""
    this_month = timezone.localdate().replace(day=1)
    begun = [month for month in months if month <= this_month]
    return begun[-1:]


def _rows_of(indicator: Indicator, counts: SourceCounts) -> dict[str, int]:
    """Counts by row key."""
    if indicator.dimension == BY_PROVINCE:
        return counts.by_province
    if indicator.dimension == BY_MONTH:
        return counts.by_month
    if indicator.dimension == TOTAL:
        return {}
    return {
        value: n for (dimension, value), n in counts.by_dimension.items() if dimension == indicator.dimension
    }


def _row_labels(indicator: Indicator, place: Place, months: list[date]) -> list[tuple[str, str | Promise]]:
    if indicator.dimension == TOTAL:
        return []
    if indicator.dimension == BY_MONTH:
        return [(f"{month:%Y-%m}", formats.date_format(month, "YEAR_MONTH_FORMAT")) for month in months]
    if indicator.dimension == BY_PROVINCE:
        today = timezone.localdate()
        provinces = Area.objects.filter(country=place.country, level=Area.Level.PROVINCE)
        if place.province is not None:
            provinces = provinces.filter(pk=place.province.pk)
        shown = [area for area in provinces.order_by("code") if area.is_valid_on(today)]
        return [(str(area.pk), area.name) for area in shown] + [(NOT_SAID, NOT_SAID_LABEL)]
    dimension = dimension_of(indicator.source, indicator.dimension)
    if indicator.source == Source.COUNSELLING and indicator.dimension == "category":
        return list(category_choices())
    if indicator.source == Source.REPORTS and indicator.dimension == "link":
        return list(link_choices(place.country))
    if dimension.code == "ethnicity" and indicator.source in (Source.CASES_OPENED, Source.CASES_OPEN):
        # The groups of the place's country, then "not said" (a case that does not say, or prefers not).
        offered = [(code, label) for code, label in ethnicity_choices(place.country) if code]
        return [*offered, (NOT_SAID, NOT_SAID_LABEL)]
    return dimension.ordered_values()


def indicator_table(
    indicator: Indicator,
    *,
    place: Place,
    months: list[date],
    previous_months: list[date] | None,
    below: int,
    memo: Memo | None = None,
) -> FigureTable:
    """The indicator over `months` at `place`, suppressed; compared with `previous_months` when given.
    Tables of one page share a `memo`, so each source is read once per period."""
    labels = _row_labels(indicator, place, months)
    counts = source_counts(indicator.source, place, months, memo)
    multi_valued = (
        indicator.dimension not in (TOTAL, BY_PROVINCE, BY_MONTH)
        and dimension_of(indicator.source, indicator.dimension).multi_valued
    )
    cells, total = _suppressed(indicator, counts, labels, below=below, multi_valued=multi_valued)
    previous: list[Cell] = []
    previous_total = None
    if previous_months:
        previous_labels = (
            labels if indicator.dimension != BY_MONTH else _row_labels(indicator, place, previous_months)
        )
        before = source_counts(indicator.source, place, previous_months, memo)
        previous, previous_total = _suppressed(
            indicator, before, previous_labels, below=below, multi_valued=multi_valued
        )
    notes: list[str | Promise] = []
    if indicator.note:
        notes.append(indicator.note % {"days": settings.FIGURES_REOPEN_WINDOW_DAYS})
    if multi_valued:
        notes.append(_("A record may count in several rows: the rows add up to more than the total."))
    return FigureTable(
        code=indicator.code,
        title=indicator.title,
        dimension=_dimension_heading(indicator),
        cells=cells,
        total=total,
        multi_valued=multi_valued,
        previous=previous if indicator.dimension != BY_MONTH else [],
        previous_total=previous_total,
        computed_at=counts.computed_at,
        notes=notes,
    )


def _suppressed(
    indicator: Indicator,
    counts: SourceCounts,
    labels: list[tuple[str, str | Promise]],
    *,
    below: int,
    multi_valued: bool,
) -> tuple[list[Cell], Cell]:
    by, counted = _rows_of(indicator, counts), counts.total
    cells = [Cell(item=key, label=str(label), count=by.get(key, 0)) for key, label in labels]
    # Values no longer offered (a retired choice) still count, under their code.
    known = {key for key, _label in labels}
    cells += [Cell(item=key, label=key, count=count) for key, count in sorted(by.items()) if key not in known]
    total = Cell(item="total", label=str(_("Total")), count=counted)
    if multi_valued:
        suppress([], total, below=below)
        for cell in cells:
            suppress([], cell, below=below)
    else:
        suppress(cells, total, below=below)
    return cells, total


def _dimension_heading(indicator: Indicator) -> str | Promise:
    if indicator.dimension == BY_PROVINCE:
        return _("Province")
    if indicator.dimension == BY_MONTH:
        return _("Month")
    if indicator.dimension == TOTAL:
        return ""
    return dimension_of(indicator.source, indicator.dimension).label
