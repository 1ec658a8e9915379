"""Periods that figures count over: a month, a quarter or a year, in the project's time zone.

A period is written "2026", "2026-07" or "2026-Q3" in addresses and files (`str()` and `Period.parse`
round-trip), and shown with `label()` in the reader's language.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext

_PERIOD = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<month>\d{2})|Q(?P<quarter>\d)))?$")
# Figures begin with the programme's records; a year outside these is a typing mistake.
FIRST_YEAR, LAST_YEAR = 2000, 2100


class PeriodKind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


@dataclass(frozen=True)
class Period:
    """A year; a month of it when `month` is set; a quarter of it when `quarter` is set (never both)."""

    year: int
    month: int | None = None
    quarter: int | None = None

    def __post_init__(self) -> None:
        if self.month is not None and self.quarter is not None:
            raise ValueError("a period is a month or a quarter, not both")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"no month {self.month}")
        if self.quarter is not None and not 1 <= self.quarter <= 4:
            raise ValueError(f"no quarter {self.quarter}")

    @classmethod
    def parse(cls, text: str) -> "Period | None":
        """The period written as "2026", "2026-07" or "2026-Q3"; None for anything else."""
        match = _PERIOD.match(text)
        if match is None:
            return None
        year = int(match["year"])
        month = int(match["month"]) if match["month"] else None
        quarter = int(match["quarter"]) if match["quarter"] else None
        if not FIRST_YEAR <= year <= LAST_YEAR:
            return None
        if (month is not None and not 1 <= month <= 12) or (quarter is not None and not 1 <= quarter <= 4):
            return None
        return cls(year=year, month=month, quarter=quarter)

    @classmethod
    def of(cls, kind: PeriodKind, day: date) -> "Period":
        """The period of this kind that holds `day`."""
        if kind == PeriodKind.MONTH:
            return cls(year=day.year, month=day.month)
        if kind == PeriodKind.QUARTER:
            return cls(year=day.year, quarter=(day.month - 1) // 3 + 1)
        return cls(year=day.year)

    def __str__(self) -> str:
        if self.month is not None:
            return f"{self.year}-{self.month:02d}"
        if self.quarter is not None:
            return f"{self.year}-Q{self.quarter}"
        return f"{self.year}"

    @property
    def kind(self) -> PeriodKind:
        if self.month is not None:
            return PeriodKind.MONTH
        if self.quarter is not None:
            return PeriodKind.QUARTER
        return PeriodKind.YEAR

    def _first_month(self) -> int:
        if self.month is not None:
            return self.month
        return 1 if self.quarter is None else 3 * (self.quarter - 1) + 1

    def _length_in_months(self) -> int:
        return {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}[self.kind]

    def first_day(self) -> date:
        return date(self.year, self._first_month(), 1)

    def day_after(self) -> date:
        """The first day after the period (1 January of the next year after December)."""
        index = self.year * 12 + self._first_month() - 1 + self._length_in_months()
        return date(index // 12, index % 12 + 1, 1)

    def bounds(self) -> tuple[datetime, datetime]:
        """The period's first instant and the first instant after it, in TIME_ZONE (whatever zone a
        request has activated: figures do not move with the reader)."""
        zone = timezone.get_default_timezone()
        start, end = self.first_day(), self.day_after()
        return (
            timezone.make_aware(datetime(start.year, start.month, 1), zone),
            timezone.make_aware(datetime(end.year, end.month, 1), zone),
        )

    def previous(self) -> "Period":
        """The period of the same kind just before this one."""
        if self.month is not None:
            return (
                Period(self.year - 1, month=12)
                if self.month == 1
                else Period(self.year, month=self.month - 1)
            )
        if self.quarter is not None:
            if self.quarter == 1:
                return Period(self.year - 1, quarter=4)
            return Period(self.year, quarter=self.quarter - 1)
        return Period(self.year - 1)

    def months(self) -> list["Period"]:
        """The months the period covers, in order."""
        first = self._first_month()
        return [Period(self.year, month=month) for month in range(first, first + self._length_in_months())]

    def contains(self, other: "Period") -> bool:
        """Whether every day of `other` is a day of this period."""
        return self.first_day() <= other.first_day() and other.day_after() <= self.day_after()

    def label(self) -> str:
        """The period in the active language: "July 2026", "Q3 2026", "2026"."""
        if self.month is not None:
            month = date_format(self.first_day(), "F")
            return pgettext("a month of a year", "%(month)s %(year)s") % {"month": month, "year": self.year}
        if self.quarter is not None:
            return gettext("Q%(quarter)s %(year)s") % {"quarter": self.quarter, "year": self.year}
        return str(self.year)


def periods_recent(*, kind: PeriodKind, until: date, count: int) -> list[Period]:
    """The `count` periods of a kind up to the one holding `until`, newest first."""
    periods = [Period.of(kind, until)]
    while len(periods) < count:
        periods.append(periods[-1].previous())
    return periods
