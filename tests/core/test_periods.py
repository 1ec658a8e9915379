"""Months, quarters and years: written and read back, their instants in TIME_ZONE, the one before, the
months they hold, their names in each language, and the recent ones a page offers."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from django.utils import timezone, translation

from childshield.core.periods import Period, PeriodKind, periods_recent

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize(
    ("text", "expected", "kind"),
    [
        ("2026", Period(2026), PeriodKind.YEAR),
        ("2026-07", Period(2026, month=7), PeriodKind.MONTH),
        ("2026-Q3", Period(2026, quarter=3), PeriodKind.QUARTER),
    ],
)
def test_it_reads_back_what_it_writes(text, expected, kind):
    period = Period.parse(text)
    assert period == expected
    assert period is not None and str(period) == text
    assert period.kind == kind


@pytest.mark.parametrize(
    "text",
    [
        "",
        "26",
        "2026-7",
        "2026-13",
        "2026-00",
        "2026-Q0",
        "2026-Q5",
        "2026-q3",
        "1999",
        "2101-01",
        "2026-Q3 ",
    ],
)
def test_it_reads_nothing_else(text):
    assert Period.parse(text) is None


def test_a_period_is_a_month_or_a_quarter_never_both():
    with pytest.raises(ValueError):
        Period(2026, month=7, quarter=3)
    with pytest.raises(ValueError):
        Period(2026, quarter=5)


@override_settings(TIME_ZONE="Asia/Ho_Chi_Minh")
def test_bounds_are_local_midnights_whatever_zone_a_request_activated():
    with timezone.override(ZoneInfo("UTC")):
        start, end = Period(2026, quarter=3).bounds()
    assert start == datetime(2026, 7, 1, tzinfo=HANOI)
    assert end == datetime(2026, 10, 1, tzinfo=HANOI)
    # Midnight in Hanoi is 17:00 the day before in UTC: a record at 23:30 UTC on 30 June is in July.
    assert start == datetime(2026, 6, 30, 17, tzinfo=ZoneInfo("UTC"))


@override_settings(TIME_ZONE="Asia/Ho_Chi_Minh")
def test_december_and_the_fourth_quarter_end_on_the_first_of_january():
    for period in (Period(2025, month=12), Period(2025, quarter=4), Period(2025)):
        assert period.bounds()[1] == datetime(2026, 1, 1, tzinfo=HANOI)
    assert Period(2025, month=12).bounds()[0] == datetime(2025, 12, 1, tzinfo=HANOI)


def test_the_previous_period_is_of_the_same_kind_across_years():
    assert Period(2026, quarter=1).previous() == Period(2025, quarter=4)
    assert Period(2026, quarter=3).previous() == Period(2026, quarter=2)
    assert Period(2026, month=1).previous() == Period(2025, month=12)
    assert Period(2026, month=7).previous() == Period(2026, month=6)
    assert Period(2026).previous() == Period(2025)


def test_months_are_those_the_period_covers():
    assert Period(2026, quarter=3).months() == [Period(2026, month=m) for m in (7, 8, 9)]
    assert Period(2026, quarter=1).months()[0] == Period(2026, month=1)
    assert Period(2026).months() == [Period(2026, month=m) for m in range(1, 13)]
    assert Period(2026, month=7).months() == [Period(2026, month=7)]


def test_a_period_contains_the_periods_within_it():
    q3 = Period(2026, quarter=3)
    assert q3.contains(Period(2026, month=9))
    assert not q3.contains(Period(2026, month=10))
    assert Period(2026).contains(q3)
    assert not q3.contains(Period(2026))
    assert not Period(2025).contains(Period(2026, month=1))
    assert q3.contains(q3)


@pytest.mark.parametrize(
    ("language", "month", "quarter"),
    [
        ("en", "July 2026", "Q3 2026"),
        ("vi", "Tháng 7 năm 2026", "Quý 3 năm 2026"),
        ("km", "ខែកក្កដា ឆ្នាំ2026", "ត្រីមាសទី3 ឆ្នាំ2026"),
    ],
)
def test_labels_are_in_the_readers_language(language, month, quarter):
    with translation.override(language):
        assert Period(2026, month=7).label() == month
        assert Period(2026, quarter=3).label() == quarter
        assert Period(2026).label() == "2026"


def test_recent_periods_end_with_the_one_holding_the_day_newest_first():
    day = date(2026, 2, 10)
    assert periods_recent(kind=PeriodKind.QUARTER, until=day, count=3) == [
        Period(2026, quarter=1),
        Period(2025, quarter=4),
        Period(2025, quarter=3),
    ]
    months = periods_recent(kind=PeriodKind.MONTH, until=day, count=12)
    assert months[0] == Period(2026, month=2) and months[-1] == Period(2025, month=3)
    assert periods_recent(kind=PeriodKind.YEAR, until=day, count=2) == [Period(2026), Period(2025)]
