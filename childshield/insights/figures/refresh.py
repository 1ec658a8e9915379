"""Counting the records into `MonthlyCount`, in the background (Celery beat), month by month.

Every run recounts the months it is given from the records and replaces their rows in one
transaction, so a page never reads half a month. The scheduled run recounts this month and the one
before (records of last month still arrive: a contact logged the next morning); a nightly run
recounts every month, so nothing edited later stays counted wrong for more than a day.
"""

import uuid
from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.admin.utils import get_fields_from_path
from django.db import transaction
from django.db.models import Count, DateField, DateTimeField, Max, Min, Sum, Value
from django.db.models.functions import TruncMonth
from django.utils import timezone

from childshield.core import soft_cache
from childshield.insights.figures.durations import MEASURES, MeasureSpec, measure_tally, tally_row
from childshield.insights.figures.publication import publish
from childshield.insights.figures.sources import NOT_SAID, SOURCES, Source, SourceSpec
from childshield.insights.models import MonthlyCount, MonthlyDuration
from childshield.places.models import Area
from childshield.places.selectors import area_roll_up

_Key = tuple[str, date, int | None, str, str]  # country, month, province, dimension, value


def month_bounds(month: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime(month.year, month.month, 1))
    following = datetime(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return start, timezone.make_aware(following)


class _Provinces:
    """Today's province of each recorded area (a merged-away province counts in its successor)."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.known: dict[int | None, int | None] = {None: None}

    def today_of(self, area_id: int | None) -> int | None:
        if area_id not in self.known and area_id is not None:
            area = Area.objects.filter(pk=area_id).first()
            found = area_roll_up(area=area, level=Area.Level.PROVINCE, on=self.today) if area else None
            self.known[area_id] = found.pk if found else None
        return self.known[area_id]


def _month_of(value: datetime | date) -> date:
    return date(value.year, value.month, 1)


def _count_source(spec: SourceSpec, start: datetime, end: datetime, provinces: _Provinces) -> Counter[_Key]:
    zone = ZoneInfo(settings.TIME_ZONE)
    if spec.open_at is not None:
        # A stock: the records open at the month's end, all counted in that month.
        records = spec.open_at(end)
        in_months = records.annotate(month=Value(start.date(), output_field=DateField()))
    else:
        records = spec.records().filter(**{f"{spec.date_field}__gte": start, f"{spec.date_field}__lt": end})
        # A moment's month where it happened (TIME_ZONE); a day (a DateField) is already local.
        # The date may be a related record's (an attendance's session's day).
        is_moment = isinstance(get_fields_from_path(records.model, spec.date_field)[-1], DateTimeField)
        in_months = records.annotate(month=TruncMonth(spec.date_field, tzinfo=zone if is_moment else None))
    counts: Counter[_Key] = Counter()
    # Records, or the counts they hold (an aggregate source: a day's visits); only fields split those.
    tally = Sum(spec.count_field) if spec.count_field else Count("pk")
    grouped_by = ["month", spec.country_field, *([spec.province_field] if spec.province_field else [])]

    def key_of(row: dict[str, Any]) -> tuple[str, date, int | None]:
        province = provinces.today_of(row[spec.province_field]) if spec.province_field else None
        return row[spec.country_field], _month_of(row["month"]), province

    for row in in_months.values(*grouped_by).annotate(n=tally).order_by():
        counts[(*key_of(row), "", "")] += row["n"]
    keys: dict[int, tuple[str, date, int | None]] | None = None  # each record's key, read once
    for dimension in spec.dimensions:
        if dimension.values_of is not None:
            if keys is None:
                where = records.values_list(
                    "pk", spec.country_field, spec.date_field, spec.province_field or spec.country_field
                )
                keys = {
                    pk: (
                        country,
                        _month_of(start if spec.is_stock else timezone.localtime(moment, zone)),
                        provinces.today_of(area) if spec.province_field else None,
                    )
                    for pk, country, moment, area in where.iterator(chunk_size=5000)
                }
            for pk, values in dimension.values_of(records).items():
                if pk in keys:
                    for value in values:
                        counts[(*keys[pk], dimension.code, value)] += 1
            continue
        for row in in_months.values(*grouped_by, dimension.field).annotate(n=tally).order_by():
            value = row[dimension.field]
            counts[(*key_of(row), dimension.code, NOT_SAID if value in (None, "") else str(value))] += row[
                "n"
            ]
    return counts


VERSION_KEY = "insights:figures-version"


def figures_version() -> str:
    """What the counts are at: changed by every refresh, so pages made from older counts are not
    reused (empty while the cache is unreachable: nothing is reused then)."""
    version = soft_cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        soft_cache.set(VERSION_KEY, version, 30 * 86400)
    return str(version)


def refresh(
    months: Iterable[date] | None = None,
    *,
    sources: Iterable[Source] = tuple(Source),
    final_too: bool = False,
) -> int:
    """Recount `months` (first days; every month that has records when None) for `sources`, and
    publish their years again (`figures.publication`; a final year's publication is kept unless
    `final_too`); the number of counts written."""
    provinces = _Provinces(timezone.localdate())
    now = timezone.now()
    written = 0
    years: set[int] = set()
    chosen_sources = tuple(sources)
    for source in chosen_sources:
        spec = SOURCES[source]
        chosen = sorted(set(months)) if months is not None else _months_with_records(spec)
        for month in chosen:
            start, end = month_bounds(month)
            counts = _count_source(spec, start, end, provinces)
            rows = [
                MonthlyCount(
                    source=source,
                    country=country,
                    month=month_of,
                    province_id=province,
                    dimension=dimension,
                    value=value[:60],
                    count=count,
                    computed_at=now,
                )
                for (country, month_of, province, dimension, value), count in counts.items()
                if month_of == month
            ]
            with transaction.atomic():
                MonthlyCount.objects.filter(source=source, month=month).delete()
                MonthlyCount.objects.bulk_create(rows, batch_size=2000)
            written += len(rows)
            years.add(month.year)
        for measure in MEASURES:
            if measure.source == source:
                written += _refresh_durations(measure, months, provinces, now)
    # What pages show is published from the counts: the years recounted are protected again.
    publish(None if months is None else years, sources=chosen_sources, final_too=final_too)
    soft_cache.set(VERSION_KEY, uuid.uuid4().hex, 30 * 86400)
    return written


def _refresh_durations(
    spec: MeasureSpec, months: Iterable[date] | None, provinces: _Provinces, now: datetime
) -> int:
    """Tally the measure's records of `months` (by its own date: a removal's month for K8) into
    `MonthlyDuration`, each month replaced in one transaction; the number of rows written."""
    zone = ZoneInfo(settings.TIME_ZONE)
    written = 0
    for month in sorted(set(months)) if months is not None else _months_with_records(spec):
        start, end = month_bounds(month)
        tallies = measure_tally(
            spec,
            start=start,
            end=end,
            now=now,
            province_of=provinces.today_of,
            month_of=lambda moment: f"{timezone.localtime(moment, zone):%Y-%m}",
        )
        rows = [
            MonthlyDuration(
                measure=spec.measure,
                country=country,
                month=month,
                province_id=province,
                group=group,
                computed_at=now,
                **tally_row(tally),
            )
            for (country, province, group), tally in tallies.items()
        ]
        with transaction.atomic():
            MonthlyDuration.objects.filter(measure=spec.measure, month=month).delete()
            MonthlyDuration.objects.bulk_create(rows, batch_size=2000)
        written += len(rows)
    return written


def _months_with_records(spec: SourceSpec | MeasureSpec) -> list[date]:
    """The months from the first record's to the last's; for a stock, to this month (what was open
    stays open after the last record was made)."""
    span = spec.records().aggregate(first=Min(spec.date_field), last=Max(spec.date_field))
    if span["first"] is None:
        return []
    first, last = span["first"], span["last"]
    if isinstance(first, datetime):  # a day (a DateField) is already local
        first, last = timezone.localtime(first), timezone.localtime(last)
    if isinstance(spec, SourceSpec) and spec.is_stock:
        last = max(last, timezone.localtime())
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(date(year, month, 1))
        year, month = (year, month + 1) if month < 12 else (year + 1, 1)
    return months


def recent_months(today: date) -> list[date]:
    """This month and the one before: what the frequent run recounts."""
    this = date(today.year, today.month, 1)
    before = date(this.year - (this.month == 1), (this.month - 2) % 12 + 1, 1)
    return [before, this]
