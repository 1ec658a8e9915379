"""Every figure of a source, country and year, protected together and stored as pages show it.

Pages put figures side by side: a province's page beside the country's, a month beside its quarter
and year, the country's table of provinces beside each province's page. Protected page by page, a
count hidden on one could be had by subtracting others (the country's girls minus every other
province's girls is this province's girls). So each source's figures of a year are one publication:
every month, quarter and the year, for the country, each province and the records that name none, by
every dimension, with every equation between them (a total is the sum of its values, the country the
sum of its provinces, a quarter of its months, the year of its quarters), protected at once
(`core.suppression.linked.protect_linked`) and stored (`PublishedCell`). Pages, charts and exports
read what is stored and nothing else.

Years are apart: nothing published adds a year's months to another's. A dimension of several values
per record (a report's harms) has no "total = sum of values" equation, but its country is still the
sum of its provinces and its year the sum of its months.

The counts the duration tables show (`figures.durations`: how many records ended, how many still
waited at the period's end) are publications of their own, one per measure (`duration_system`), read
as the source "duration:<measure>".
"""

from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import cast

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import ExtractYear
from django.utils import timezone

from childshield.core.periods import Period, PeriodKind
from childshield.core.suppression.linked import Equation, protect_linked
from childshield.insights.figures.durations import MEASURES, MeasureSpec, Tally
from childshield.insights.figures.sources import NOT_SAID, SOURCES, Source
from childshield.insights.models import MonthlyCount, MonthlyDuration, PublishedCell

COUNTRY = "country"  # the place of the whole country; a province is its id, no province NOT_SAID
TOTAL = ("", "")  # the dimension and value of a source's total
# A duration measure's counts: its publication's "dimensions", each by group ("" all the records).
ENDED, WAITING = "ended", "waiting"
Key = tuple[str, str, str, str]  # period, place, dimension, value


@dataclass
class System:
    """A publication's counts and the tables of equations that link them."""

    counts: dict[Key, int]
    tables: list[list[Equation]]
    # A stock's quarter or year is the figures of one of its months (its last begun): period -> month.
    same_as: dict[str, str] = field(default_factory=dict)
    # The whole is checked one dimension at a time (with the totals it shares): `protect_linked`'s checks.
    checks: list[list[Equation]] = field(default_factory=list)


def year_periods(year: int) -> tuple[Period, list[tuple[Period, list[Period]]]]:
    """The year, and its quarters each with its months."""
    return Period(year), [(quarter, quarter.months()) for quarter in _quarters(year)]


def _quarters(year: int) -> list[Period]:
    return [Period(year, quarter=quarter) for quarter in range(1, 5)]


def stock_months(months: list[date]) -> list[date]:
    """The month a stock is read at for a period of `months`: its last one that has begun (a year
    not over yet counts what is open now)."""
    this_month = timezone.localdate().replace(day=1)
    begun = [month for month in months if month <= this_month]
    return begun[-1:]


def publication_system(
    source: Source, year: int, monthly: Iterable[tuple[date, str, str, str, int]]
) -> System:
    """The counts of a year's publication from its monthly counts (month, place, dimension, value,
    count), and its equations, grouped in small tables that share keys: one per period and dimension
    (the provinces and the country), one per place and dimension (the months, quarters and year)."""
    by_month: Counter[Key] = Counter()
    for month, place, dimension, value, count in monthly:
        for where in (place, COUNTRY):
            by_month[(str(Period(month.year, month=month.month)), where, dimension, value)] += count
    whole, quarters = year_periods(year)
    stock = SOURCES[source].is_stock
    if stock and any(d.smallest_period != PeriodKind.MONTH for d in SOURCES[source].dimensions):
        raise ValueError("a stock is published by month: each of its dimensions must be too")
    periods = [*(month for _q, months in quarters for month in months), *(q for q, _m in quarters), whole]
    same_as: dict[str, str] = {}
    if stock:
        # What is open is counted at each month's end: months do not add up, a quarter or the year is
        # its last begun month's figures (the same figures, so they are not published twice).
        for period in [*(q for q, _m in quarters), whole]:
            for month in stock_months([month.first_day() for month in period.months()]):
                same_as[str(period)] = str(Period(month.year, month=month.month))
        periods = [month for _q, months in quarters for month in months]
    places = [*sorted({place for _p, place, _d, _v in by_month if place != COUNTRY}), COUNTRY]
    declared = {d.code: d for d in SOURCES[source].dimensions}

    def by_province(dimension: str) -> bool:
        found = declared.get(dimension)
        return found is None or found.by_province

    def places_of(dimension: str) -> list[str]:
        """The places a dimension is published for (`Dimension.smallest_area`)."""
        return places if by_province(dimension) else [COUNTRY]

    values: dict[tuple[str, str], list[str]] = {}
    for _period, place, dimension, value in sorted(by_month):
        if place not in places_of(dimension):
            continue
        held = values.setdefault((place, dimension), [])
        if value not in held:
            held.append(value)

    def periods_of(dimension: str) -> list[Period]:
        """The periods a dimension is published for (`Dimension.smallest_period`: a pair's quarters and
        year, not its months)."""
        found = declared.get(dimension)
        return periods if found is None else [p for p in periods if found.published_for(p.kind)]

    counts: dict[Key, int] = {}
    for place in places:
        for (where, dimension), held in values.items():
            if where != place:
                continue
            for value in held:
                for period in periods_of(dimension):
                    months = period.months()
                    counts[(str(period), place, dimension, value)] = sum(
                        by_month.get((str(month), place, dimension, value), 0) for month in months
                    )
    dimensions = sorted({dimension for (_place, dimension) in values})
    adding_up = {dimension for dimension in dimensions if dimension and _adds_up(source, dimension, counts)}
    tables: list[list[Equation]] = []
    of_dimension: dict[str, list[Equation]] = {}
    for dimension in dimensions:
        for period in periods_of(dimension):
            table: list[Equation] = []
            for value in values.get((COUNTRY, dimension), []) if by_province(dimension) else []:
                parts = [
                    (str(period), place, dimension, value)
                    for place in places[:-1]
                    if value in values.get((place, dimension), [])
                ]
                table.append(((str(period), COUNTRY, dimension, value), parts))
            if dimension in adding_up:
                table += [
                    _values_add_up(str(period), place, dimension, values) for place in places_of(dimension)
                ]
                table += [
                    equation
                    for place in places_of(dimension)
                    for equation in _parts_add_up(source, str(period), place, dimension, values, counts)
                ]
            tables.append(table)
            of_dimension.setdefault(_family(source, dimension), []).extend(table)
    for place in places if not stock else []:
        for dimension in dimensions:
            if place not in places_of(dimension):
                continue
            table = []
            found = declared.get(dimension)
            smallest = found.smallest_period if found is not None else PeriodKind.MONTH
            for value in values.get((place, dimension), []):
                table += _in_time(place, dimension, value, whole, quarters, smallest=smallest)
            if dimension in adding_up:
                table += [
                    _values_add_up(str(period), place, dimension, values) for period in periods_of(dimension)
                ]
            tables.append(table)
            of_dimension.setdefault(_family(source, dimension), []).extend(table)
    totals = of_dimension.get(TOTAL[0], [])
    checks = [equations + totals for dimension, equations in of_dimension.items() if dimension] or [totals]
    return System(
        counts=counts,
        tables=[table for table in tables if table],
        same_as=same_as,
        checks=[check for check in checks if check],
    )


def _in_time(
    place: str,
    dimension: str,
    value: str,
    whole: Period,
    quarters: list[tuple[Period, list[Period]]],
    *,
    smallest: PeriodKind = PeriodKind.MONTH,
) -> list[Equation]:
    """A count's equations in time at a place: each quarter the sum of its months, the year of its
    quarters — those of the periods it is published for (from `smallest` up)."""
    equations: list[Equation] = []
    if smallest == PeriodKind.MONTH:
        equations += [
            (
                (str(quarter), place, dimension, value),
                [(str(month), place, dimension, value) for month in held],
            )
            for quarter, held in quarters
        ]
    if smallest in (PeriodKind.MONTH, PeriodKind.QUARTER):
        year = [(str(quarter), place, dimension, value) for quarter, _m in quarters]
        equations.append(((str(whole), place, dimension, value), year))
    return equations


def _values_add_up(
    period: str, place: str, dimension: str, values: dict[tuple[str, str], list[str]]
) -> Equation:
    return (
        (period, place, *TOTAL),
        [(period, place, dimension, value) for value in values.get((place, dimension), [])],
    )


def _family(source: Source, dimension: str) -> str:
    """The dimension a dimension's values are parts of (`Dimension.within`), else itself: a family is
    checked as one system, its parts with the values they add up to, and with the dimension their
    parts sum to over the pairs (`Dimension.across`: a status, each pair's referrals of it)."""
    declared = {d.code: d for d in SOURCES[source].dimensions}
    found = declared.get(dimension)
    if found is not None and found.within:
        return found.within
    summing = next((d for d in declared.values() if d.across == dimension), None)
    return (summing.within or summing.code) if summing is not None else dimension


def _parts_add_up(
    source: Source,
    period: str,
    place: str,
    dimension: str,
    values: dict[tuple[str, str], list[str]],
    counts: dict[Key, int],
) -> list[Equation]:
    """For a dimension counted within another (`Dimension.within`: a pair's answers within the pair),
    each of the other's values at `place` is the sum of its parts ("<value>:<part>"), where the counts
    bear it out (`protect` refuses an equation that does not add up)."""
    declared = next((d for d in SOURCES[source].dimensions if d.code == dimension), None)
    if declared is None or not declared.within:
        return []
    parent = declared.within
    parts: dict[str, list[Key]] = {}
    for value in values.get((place, dimension), []):
        whole, _separator, _part = value.rpartition(":")
        parts.setdefault(whole, []).append((period, place, dimension, value))
    equations: list[Equation] = []
    for whole in values.get((place, parent), []):
        total: Key = (period, place, parent, whole)
        found = parts.get(whole, [])
        if found and counts.get(total, 0) == sum(counts.get(part, 0) for part in found):
            equations.append((total, found))
    if declared.across:
        # Summed over the pairs, the parts of one value are that value of `across`.
        over: dict[str, list[Key]] = {}
        for value in values.get((place, dimension), []):
            over.setdefault(value.rpartition(":")[2], []).append((period, place, dimension, value))
        for value in values.get((place, declared.across), []):
            total = (period, place, declared.across, value)
            found = over.get(value, [])
            if found and counts.get(total, 0) == sum(counts.get(part, 0) for part in found):
                equations.append((total, found))
    return equations


def _adds_up(source: Source, dimension: str, counts: dict[Key, int]) -> bool:
    """Whether a dimension's values add up to the total everywhere: one value per record, declared so
    and true of the counts (a dimension some records leave out would not)."""
    declared = next((d for d in SOURCES[source].dimensions if d.code == dimension), None)
    if declared is None or declared.multi_valued:
        return False
    sums: Counter[tuple[str, str]] = Counter()
    for (period, place, counted, _value), count in counts.items():
        if counted == dimension:
            sums[(period, place)] += count
    kinds = {period: cast(Period, Period.parse(period)).kind for period, _place, _d, _v in counts}
    return all(
        sums.get((period, place), 0) == count
        for (period, place, counted, _value), count in counts.items()
        if (counted, _value) == TOTAL
        and declared.published_for(kinds[period])
        and (declared.by_province or place == COUNTRY)
    )


def duration_source(spec: MeasureSpec) -> str:
    """The publication a duration measure's counts are stored under (`PublishedCell.source`)."""
    return f"duration:{spec.measure}"


def duration_system(spec: MeasureSpec, year: int, monthly: Iterable[tuple[date, str, str, Tally]]) -> System:
    """A measure's counts of a year (month, place, group, tally: the records that started in the month)
    as a publication: for every month, quarter and the year, place (the country, each province, none;
    the country only for a national measure) and group ("" all the records, the sum of the groups):
    how many ended, and how many still waited at the period's end.

    The ended add up as counts do, over places, groups and time. The waiting add up over places and
    groups only: a quarter's waiting are its records not ended by the quarter's end, not the sum of
    its months' waiting at each month's end; like a stock, they have no equation in time."""
    started: Counter[tuple[str, str, str]] = Counter()
    ended: Counter[tuple[str, str, str]] = Counter()
    ended_in: dict[tuple[str, str, str], Counter[str]] = {}
    for month, place, group, tally in monthly:
        for where in (COUNTRY,) if spec.national else (place, COUNTRY):
            for kept in dict.fromkeys((group, "")):
                key = (str(Period(month.year, month=month.month)), where, kept)
                started[key] += tally.records
                ended[key] += tally.ended
                ended_in.setdefault(key, Counter()).update(tally.ended_in)
    whole, quarters = year_periods(year)
    months = [month for _q, held in quarters for month in held]
    periods = [*months, *(quarter for quarter, _m in quarters), whole]
    places = [*sorted({place for _m, place, _g in started if place != COUNTRY}), COUNTRY]
    declared = [code for code, _label in spec.groups]
    seen = {group for _m, _p, group in started if group}
    groups = [*(code for code in declared if code in seen), *sorted(seen - set(declared))]
    present = {(place, group) for _m, place, group in started}
    held_groups = {place: [group for group in groups if (place, group) in present] for place in places}
    quantities = [ENDED, *([WAITING] if spec.waiting_label else [])]
    counts: dict[Key, int] = {}
    for quantity in quantities:
        for place in places:
            for group in [*held_groups[place], ""]:
                for period in periods:
                    of = [(str(month), place, group) for month in period.months()]
                    if quantity == ENDED:
                        count = sum(ended.get(key, 0) for key in of)
                    else:
                        last = str(period.months()[-1])
                        count = sum(
                            started.get(key, 0)
                            - sum(n for month, n in ended_in.get(key, Counter()).items() if month <= last)
                            for key in of
                        )
                    counts[(str(period), place, quantity, group)] = count
    tables: list[list[Equation]] = []
    checks: dict[str, list[Equation]] = {quantity: [] for quantity in quantities}
    for quantity in quantities:
        for period in periods:
            at = str(period)
            table: list[Equation] = []
            if len(places) > 1:
                for group in [*groups, ""]:
                    parts = [
                        (at, place, quantity, group)
                        for place in places[:-1]
                        if _holds(held_groups, place, group)
                    ]
                    table.append(((at, COUNTRY, quantity, group), parts))
            if groups:
                table += [
                    (
                        (at, place, quantity, ""),
                        [(at, place, quantity, group) for group in held_groups[place]],
                    )
                    for place in places
                ]
            tables.append(table)
            checks[quantity] += table
    for place in places:  # the ended add up in time
        table = []
        for group in [*held_groups[place], ""]:
            table += _in_time(place, ENDED, group, whole, quarters)
        if groups:
            table += [
                (
                    (str(period), place, ENDED, ""),
                    [(str(period), place, ENDED, group) for group in held_groups[place]],
                )
                for period in periods
            ]
        tables.append(table)
        checks[ENDED] += table
    return System(
        counts=counts,
        tables=[table for table in tables if table],
        checks=[check for check in checks.values() if check],
    )


def _holds(held_groups: dict[str, list[str]], place: str, group: str) -> bool:
    return group == "" or group in held_groups[place]


def final_on(year: int) -> date:
    """The day a year's publications become final (`FIGURES_FINAL_AFTER_DAYS` after the year ends)."""
    return date(year + 1, 1, 1) + timedelta(days=settings.FIGURES_FINAL_AFTER_DAYS)


def is_final(year: int, *, today: date | None = None) -> bool:
    return (today or timezone.localdate()) >= final_on(year)


def publish(
    years: Iterable[int] | None = None, *, sources: Iterable[Source] = tuple(Source), final_too: bool = False
) -> int:
    """Protect and store the publications of `years` (every year counted when None) for `sources`,
    with the counts of their duration measures; the number of figures stored.

    A year once final (`final_on`) keeps what was published of it: a record entered or changed later
    is not in it. Published again at every count, the same cell could be hidden in one version and
    shown in the next (one record more), and the two versions subtracted. `final_too` publishes final
    years again all the same (`manage.py publish_figures --final`, when the way figures are published
    has changed); a year never published is published, final or not."""
    below = settings.FIGURES_SUPPRESS_BELOW
    chosen_sources = tuple(sources)
    today = timezone.localdate()

    def kept(pair: tuple[str, int], stored: set[tuple[str, int]]) -> bool:
        return not final_too and pair in stored and is_final(pair[1], today=today)

    written = 0
    for source in chosen_sources:
        counted = MonthlyCount.objects.filter(source=source).annotate(year=ExtractYear("month"))
        pairs = set(counted.values_list("country", "year").distinct().order_by())
        stored = set(
            PublishedCell.objects.filter(source=source).values_list("country", "year").distinct().order_by()
        )
        chosen = set(years) if years is not None else {year for _country, year in pairs | stored}
        for country, year in sorted(pair for pair in pairs | stored if pair[1] in chosen):
            if not kept((country, year), stored):
                written += _publish_year(source, country, year, below=below)
    for spec in MEASURES:
        if spec.source not in chosen_sources:
            continue
        tallied = MonthlyDuration.objects.filter(measure=spec.measure).annotate(year=ExtractYear("month"))
        pairs = set(tallied.values_list("country", "year").distinct().order_by())
        stored = set(
            PublishedCell.objects.filter(source=duration_source(spec))
            .values_list("country", "year")
            .distinct()
            .order_by()
        )
        chosen = set(years) if years is not None else {year for _country, year in pairs | stored}
        for country, year in sorted(pair for pair in pairs | stored if pair[1] in chosen):
            if not kept((country, year), stored):
                written += _publish_duration_year(spec, country, year, below=below)
    return written


# What `protect_linked` gave for a year's counts, the last few (it depends on nothing but the counts
# and the threshold).
_PROTECTED: dict[tuple[object, ...], dict[Hashable, str]] = {}
_PROTECTED_KEPT = 64


def _protected(remembered: tuple[object, ...], system: System, *, below: int) -> dict[Hashable, str]:
    """The system protected, or as it was protected before in this process: a recount that changed
    nothing (most of a year, most nights) costs no second protection."""
    shown = _PROTECTED.get(remembered)
    if shown is None:
        shown = protect_linked(
            cast(dict[Hashable, int], system.counts),
            system.tables,
            below=below,
            zeros_known=True,
            checks=system.checks,
        )
        if len(_PROTECTED) >= _PROTECTED_KEPT:
            _PROTECTED.pop(next(iter(_PROTECTED)))
        _PROTECTED[remembered] = shown
    return shown


def _publish_year(source: Source, country: str, year: int, *, below: int) -> int:
    rows = list(
        MonthlyCount.objects.filter(source=source, country=country, month__year=year).values_list(
            "month", "province_id", "dimension", "value", "count", "computed_at"
        )
    )
    monthly = sorted(
        (month, str(province) if province else NOT_SAID, d, v, n) for month, province, d, v, n, _at in rows
    )
    system = publication_system(source, year, monthly)
    shown = _protected((source, year, below, tuple(monthly)), system, below=below)
    computed_at = min((at for *_rest, at in rows), default=timezone.now())
    published = [(key, count, shown[key]) for key, count in system.counts.items() if count]
    published += [
        ((period, place, dimension, value), count, mark)
        for period, month in system.same_as.items()
        for (of, place, dimension, value), count, mark in list(published)
        if of == month
    ]
    return _store(source, country, year, published, computed_at=computed_at)


def _publish_duration_year(spec: MeasureSpec, country: str, year: int, *, below: int) -> int:
    rows = list(
        MonthlyDuration.objects.filter(measure=spec.measure, country=country, month__year=year).values_list(
            "month", "province_id", "group", "records", "ended", "ended_in", "computed_at"
        )
    )
    monthly = [
        (
            month,
            str(province) if province else NOT_SAID,
            group,
            Tally(records, ended, ended_in=Counter(months)),
        )
        for month, province, group, records, ended, months, _at in rows
    ]
    monthly.sort(key=lambda row: row[:3])
    system = duration_system(spec, year, monthly)
    remembered = (duration_source(spec), year, below, tuple(system.counts.items()))
    shown = _protected(remembered, system, below=below)
    computed_at = min((at for *_rest, at in rows), default=timezone.now())
    published = [(key, count, shown[key]) for key, count in system.counts.items() if count]
    return _store(duration_source(spec), country, year, published, computed_at=computed_at)


def _store(
    source: str, country: str, year: int, published: list[tuple[Key, int, str]], *, computed_at: datetime
) -> int:
    """Replace the publication of a source (or measure), country and year, in one transaction."""
    cells = [
        PublishedCell(
            source=source,
            country=country,
            year=year,
            period=period,
            place=place,
            dimension=dimension,
            value=value,
            count=count,
            shown=mark,
            computed_at=computed_at,
        )
        for (period, place, dimension, value), count, mark in published
    ]
    with transaction.atomic():
        PublishedCell.objects.filter(source=source, country=country, year=year).delete()
        PublishedCell.objects.bulk_create(cells, batch_size=2000)
    return len(cells)


@dataclass
class Published:
    """What one page reads of the publications: (source, period, place, dimension, value) ->
    (count, shown), and when each source's figures were counted."""

    cells: dict[tuple[str, str, str, str, str], tuple[int, str]]
    computed_at: dict[str, datetime]
    # (source, period, place, dimension) -> its values, in order: made once, on the first `values`.
    _tables: dict[tuple[str, str, str, str], list[str]] | None = None

    def cell(
        self, source: str, period: str, place: str, dimension: str, value: str
    ) -> tuple[int, str] | None:
        """One figure (a source's, or a duration measure's: `duration_source`), None when not stored."""
        return self.cells.get((source, period, place, dimension, value))

    def values(self, source: Source, period: str, place: str, dimension: str) -> list[str]:
        """The values published for one table (a dimension at a period and place), in order."""
        if self._tables is None:
            self._tables = {}
            for key in sorted(self.cells):
                self._tables.setdefault(key[:4], []).append(key[4])
        return self._tables.get((source, period, place, dimension), [])


def published_for(*, country: str, place: str | None, periods: Iterable[Period]) -> Published:
    """Every published figure of `periods` (and their months) at `place` and at the country (whose
    figures national sources show on a province's page too), with each province's total; at every
    place when `place` is None (a file of every province)."""
    chosen = list(periods)
    codes = {str(period) for period in chosen} | {
        str(month) for period in chosen for month in period.months()
    }
    rows = PublishedCell.objects.filter(country=country, period__in=codes)
    if place is not None:
        rows = rows.filter(
            Q(place__in={place, COUNTRY}) | Q(dimension="", period__in={str(period) for period in chosen})
        )
    cells: dict[tuple[str, str, str, str, str], tuple[int, str]] = {}
    computed_at: dict[str, datetime] = {}
    for source, period, where, dimension, value, count, shown, at in rows.values_list(
        "source", "period", "place", "dimension", "value", "count", "shown", "computed_at"
    ).iterator(chunk_size=5000):
        cells[(source, period, where, dimension, value)] = (count, shown)
        computed_at[source] = min(at, computed_at.get(source, at))
    return Published(cells=cells, computed_at=computed_at)
