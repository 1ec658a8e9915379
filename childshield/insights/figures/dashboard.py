"""The programme's indicators page: which tables, for which period and place, for whom.

The member's scope decides the place: a programme manager sees the whole country (a province chosen
from it narrows the figures); every figure is suppressed, compared with the period before, and says
when it was computed. The reading is audited (what was read, never a record).
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from childshield.accounts.models import Membership
from childshield.accounts.permissions import require
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.core import soft_cache
from childshield.core.periods import Period, PeriodKind, periods_recent
from childshield.helpline.figures import published_marking
from childshield.insights.figures.charts import Chart, FigureTableView, bar_chart, figure_table, time_chart
from childshield.insights.figures.durations import DurationTable, duration_tables
from childshield.insights.figures.exports import tables_csv, tables_xlsx
from childshield.insights.figures.indicators import (
    BY_MONTH,
    INDICATORS,
    TOTAL,
    Place,
    indicator_table,
    place_key,
)
from childshield.insights.figures.pairs import PAIR_DIMENSIONS, PairTable, pair_block, pair_table
from childshield.insights.figures.publication import final_on, is_final, published_for
from childshield.insights.figures.refresh import figures_version
from childshield.insights.figures.sources import SOURCES, Source
from childshield.insights.figures.table import FigureTable
from childshield.insights.permissions import InsightsPerm
from childshield.insights.scope import figures_scope
from childshield.places.models import Area
from childshield.places.selectors import area_roll_up


@dataclass
class Panel:
    """One indicator on the page: its table, and its chart (which carries the table for screen
    readers), or the table alone for a total."""

    table: FigureTable
    chart: Chart | None
    view: FigureTableView


@dataclass
class Section:
    source: Source
    title: str | Promise
    tables: list[FigureTable] = field(default_factory=list)
    note: str | Promise = ""
    panels: list[Panel] = field(default_factory=list)
    durations: list[DurationTable] = field(default_factory=list)  # medians and shares on time
    pairs: PairTable | None = None  # referrals per pair of agencies (C12d), with their rates


# A page's tables and charts, kept until the counts are next refreshed (`figures_version` changes) or
# this long, in the cache for what may be forgotten: a cache outage only costs the work again.
PAGE_CACHE_SECONDS = 3600

# Hotline items, notices and blocked pictures have no place: their figures are the country's.
NATIONAL_SOURCES = frozenset(
    {
        Source.HOTLINE_CONFIRMED,
        Source.HOTLINE_REPORTED,
        Source.NOTICES,
        Source.BLOCKED_HASHES,
        Source.HOTLINE_REMOVED,
        Source.HOTLINE_NOTICED,
        Source.BLOCK_REQUESTS,
        Source.SELF_SUBMITTED_HASHES,
        Source.LOOKUPS,
    }
)


@dataclass
class IndicatorFigures:
    period: Period
    previous: Period
    place: Place
    below: int
    sections: list[Section]
    provinces: list[Area]
    periods: list[Period]
    # Why the place asked for is not the one shown (an area that no longer exists, another country's).
    place_note: str | Promise = ""

    @property
    def final_on(self) -> date:
        """The day the period's year becomes final (`publication.final_on`)."""
        return final_on(self.period.year)

    @property
    def final(self) -> bool:
        return is_final(self.period.year)

    @property
    def computed_at(self) -> datetime | None:
        times = [
            table.computed_at for section in self.sections for table in section.tables if table.computed_at
        ]
        return min(times) if times else None


def offered_periods(today: date) -> list[Period]:
    """This year and the two before, the last eight quarters, then the last twelve months, newest first."""
    return [
        *periods_recent(kind=PeriodKind.YEAR, until=today, count=3),
        *periods_recent(kind=PeriodKind.QUARTER, until=today, count=8),
        *periods_recent(kind=PeriodKind.MONTH, until=today, count=12),
    ]


def _province(country: str, code: str, today: date) -> tuple[Area | None, str | Promise]:
    """The province asked for by its code; a merged-away one gives its successor, said so."""
    if not code:
        return None, ""
    area = Area.objects.filter(country=country, level=Area.Level.PROVINCE, code=code).first()
    if area is None:
        return None, _("That province is not one of your country's: the whole country is shown.")
    if area.is_valid_on(today):
        return area, ""
    successor = area_roll_up(area=area, level=Area.Level.PROVINCE, on=today)
    if successor is None:
        return None, _("That province no longer exists: the whole country is shown.")
    return successor, _("%(old)s is now part of %(new)s: the figures are %(new)s's.") % {
        "old": area.name,
        "new": successor.name,
    }


def indicator_figures(
    *, acting: Membership, period: Period, province_code: str = "", exported_as: str = ""
) -> IndicatorFigures:
    """The page's figures; with `exported_as` (csv, xlsx) the reading is audited as an export."""
    require(acting, InsightsPerm.INDICATORS_VIEW)
    today = timezone.localdate()
    scope = figures_scope(acting)
    country = scope.country
    province, note = _province(country, province_code, today)
    if scope.province is not None and province != scope.province:
        # A manager limited to a province sees that province's figures, whatever the address asks.
        note = (
            _("Your figures are %(province)s's.") % {"province": scope.province.name} if province_code else ""
        )
        province = scope.province
    place = Place(country=country, province=province)
    below = settings.FIGURES_SUPPRESS_BELOW
    previous = period.previous()
    version = figures_version()
    cache_key = (
        f"insights:page:{version}:{country}:{province.pk if province else ''}:{period}:{get_language()}"
        if version
        else ""
    )
    cached = soft_cache.get(cache_key) if cache_key else None
    sections: list[Section] = (
        cached
        if cached is not None
        else _sections(country=country, province=province, period=period, previous=previous, place=place)
    )
    if cached is None and cache_key:
        soft_cache.set(cache_key, sections, PAGE_CACHE_SECONDS)
    audit.record(
        action=AuditAction.EXPORT if exported_as else AuditAction.VIEW,
        actor=acting.user,
        agency=acting.agency,
        object_type="insights.indicators",
        reason=f"indicators {period} {province.code if province else country}"
        + (f" as {exported_as}" if exported_as else ""),
    )
    provinces = [
        area
        for area in Area.objects.filter(country=country, level=Area.Level.PROVINCE).order_by("code")
        if area.is_valid_on(today) and (scope.province is None or area == scope.province)
    ]
    return IndicatorFigures(
        period=period,
        previous=previous,
        place=place,
        below=below,
        sections=sections,
        provinces=provinces,
        periods=offered_periods(today),
        place_note=note,
    )


def indicator_export(figures: IndicatorFigures, *, as_format: str) -> bytes:
    """Every table of the page in one file, suppressed as on the page and marked for publication."""
    tables = [table for section in figures.sections for table in section.tables]
    durations = [table for section in figures.sections for table in section.durations]
    area = figures.place.province.name if figures.place.province else str(_("The whole country"))
    export = tables_xlsx if as_format == "xlsx" else tables_csv
    return export(
        tables,
        marking=published_marking(below=figures.below),
        period_label=figures.period.label(),
        area_label=area,
        computed_at=figures.computed_at or timezone.now(),
        previous_label=figures.previous.label(),
        durations=durations,
        blocks=[pair_block(section.pairs) for section in figures.sections if section.pairs is not None],
    )


def _sections(
    *, country: str, province: Area | None, period: Period, previous: Period, place: Place
) -> list[Section]:
    """Every source's tables as published (protected with every page and period), with their charts."""
    sections = []
    published = published_for(country=country, place=place_key(place), periods=[period, previous])
    for source in Source:
        national = source in NATIONAL_SOURCES
        section = Section(
            source=source,
            title=SOURCES[source].label,
            note=_("These records have no place: the figures are the whole country's.")
            if national and province
            else "",
        )
        for indicator in INDICATORS:
            if indicator.source == source:
                section.tables.append(
                    indicator_table(
                        indicator,
                        place=Place(country=country) if national else place,
                        period=period,
                        previous=previous,
                        published=published,
                    )
                )
        area_label = str(province.name if province and not national else _("The whole country"))
        for indicator, table in zip(
            (i for i in INDICATORS if i.source == source), section.tables, strict=True
        ):
            if source == Source.REFERRALS and indicator.dimension in PAIR_DIMENSIONS:
                continue  # one table of pairs, below, rather than a chart per dimension
            labels = {
                "period_label": period.label(),
                "area_label": area_label,
                "previous_label": previous.label(),
            }
            chart = None
            if indicator.dimension == BY_MONTH:
                chart = time_chart(table, period_label=period.label(), area_label=area_label)
            elif indicator.dimension != TOTAL:
                chart = bar_chart(table, **labels)
            view = chart.table if chart is not None else figure_table(table, **labels)
            section.panels.append(Panel(table=table, chart=chart, view=view))
        if source == Source.REFERRALS:
            by_code = {table.code: table for table in section.tables}
            section.pairs = pair_table(
                sent=by_code["C12d"],
                answers=by_code["C12e"],
                in_time=by_code["C13c"],
                period=period,
                national=national or province is None,
                below=settings.FIGURES_SUPPRESS_BELOW,
            )
        section.durations = duration_tables(
            source,
            country=country,
            place=place_key(place),
            province_id=province.pk if province else None,
            period=period,
            previous=previous,
            published=published,
            below=settings.FIGURES_SUPPRESS_BELOW,
        )
        sections.append(section)
    return sections
