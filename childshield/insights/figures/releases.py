"""The programme's publications: the quarterly open-data file and the annual report.

The open-data file holds every published table of a finished quarter for the whole country and for
each province, one row per figure (period, area, indicator, dimension, value, label, the figure as
shown), for open-data portals. Each place's tables are the indicators page's for that quarter and
place, read from the year's publication (`figures.publication`: the country and every province
protected together), so a file never shows a count the page hides and no province's hidden count is
the country's minus the others'. Areas are today's provinces, as the counts are rolled
up (`figures.refresh`): a province merged away counts in its successor. The annual report is the
indicators page for a year (`dashboard.indicator_figures`), laid out to print.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext
from openpyxl import Workbook

from childshield.accounts.models import Membership
from childshield.accounts.permissions import require
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.core.periods import Period, PeriodKind, periods_recent
from childshield.helpline.figures import published_marking
from childshield.insights.figures.dashboard import NATIONAL_SOURCES
from childshield.insights.figures.exports import BOM, Value, text_safe, write_rows
from childshield.insights.figures.indicators import (
    BY_MONTH,
    BY_PROVINCE,
    INDICATORS,
    TOTAL,
    Indicator,
    Place,
    indicator_table,
)
from childshield.insights.figures.publication import Published, published_for
from childshield.insights.figures.sources import Source, dimension_of
from childshield.insights.figures.table import FigureTable
from childshield.insights.permissions import InsightsPerm
from childshield.insights.scope import figures_scope
from childshield.places.models import Area

OPEN_DATA_QUARTERS = 8  # the finished quarters the open-data page offers
LICENCE = (
    "Creative Commons Attribution 4.0 International (CC BY 4.0), https://creativecommons.org/licenses/by/4.0/"
)
ANNUAL_YEARS = 3  # the years the annual report offers: this one (provisional) and the two before
FIRST_YEAR = 2000
# The data's columns: names for machines (portals, scripts), the same in every language.
COLUMNS = (
    "period",
    "area_code",
    "area_name",
    "indicator_code",
    "indicator",
    "dimension",
    "value_code",
    "value_label",
    "value",
)


def finished_quarters(today: date) -> list[Period]:
    """The last `OPEN_DATA_QUARTERS` quarters over before `today`, newest first."""
    running = Period.of(PeriodKind.QUARTER, today)
    return periods_recent(
        kind=PeriodKind.QUARTER, until=running.previous().first_day(), count=OPEN_DATA_QUARTERS
    )


def quarter_refusal(text: str, today: date) -> str:
    """Why `text` names no quarter an open-data file can be made for, or "" when it does."""
    quarter = Period.parse(text)
    if quarter is None or quarter.kind != PeriodKind.QUARTER:
        return gettext("That is not a quarter: choose one of the quarters listed.")
    if quarter.day_after() > today:
        return gettext("%(quarter)s is not over yet: its open-data file can be made once it has ended.") % {
            "quarter": quarter.label()
        }
    if quarter.year < FIRST_YEAR:
        return gettext("That is not a quarter: choose one of the quarters listed.")
    return ""


def annual_years(today: date) -> list[int]:
    return [today.year - back for back in range(ANNUAL_YEARS)]


def annual_year_refusal(year: int, today: date) -> str:
    """Why no annual report is made for `year` (one not begun, or before the programme), or ""."""
    if FIRST_YEAR <= year <= today.year:
        return ""
    return gettext("There is no annual report for %(year)s: choose one of the years listed.") % {"year": year}


@dataclass(frozen=True)
class OpenDataRow:
    """One figure of the file: where and what it counts, and the value as published."""

    period: str
    area_code: str
    area_name: str
    indicator: str
    title: str
    dimension: str
    value_code: str
    label: str
    shown: str

    def values(self) -> list[Value]:
        """The row's columns; a figure shown as a number is a number, a hidden one its text."""
        number = int(self.shown) if self.shown.isdigit() else None
        return [
            self.period,
            self.area_code,
            self.area_name,
            self.indicator,
            self.title,
            self.dimension,
            self.value_code,
            self.label,
            self.shown if number is None else number,
        ]


@dataclass
class OpenData:
    quarter: Period
    rows: list[OpenDataRow]
    below: int
    computed_at: datetime
    areas_on: date  # the day whose provinces the records are counted in


def place_tables(*, place: Place, quarter: Period, published: Published) -> list[FigureTable]:
    """Every table the indicators page shows at `place` for `quarter`, as published. A province
    leaves out the sources that have no place and the dimensions counted for the whole country only
    (`Dimension.smallest_area`)."""
    return [
        indicator_table(indicator, place=place, period=quarter, previous=None, published=published)
        for source in Source
        if place.province is None or source not in NATIONAL_SOURCES
        for indicator in INDICATORS
        if indicator.source == source and (place.province is None or _by_province(indicator))
    ]


def _by_province(indicator: Indicator) -> bool:
    if indicator.dimension in (TOTAL, BY_PROVINCE, BY_MONTH):
        return True
    return dimension_of(indicator.source, indicator.dimension).by_province


def _table_rows(
    table: FigureTable, *, period: str, area: Area | None, country: str, area_name: str, codes: dict[str, str]
) -> list[OpenDataRow]:
    """A table's cells then its total, one row each; a province row names the province's code."""
    indicator = next(indicator for indicator in INDICATORS if indicator.code == table.code)
    dimension = indicator.dimension or "total"
    common = {
        "period": period,
        "area_code": area.code if area else country,
        "area_name": area_name,
        "indicator": table.code,
        "title": str(table.title),
    }
    rows = [
        OpenDataRow(
            **common,
            dimension=dimension,
            value_code=codes.get(cell.item, cell.item) if indicator.dimension == BY_PROVINCE else cell.item,
            label=str(cell.label),
            shown=cell.shown,
        )
        for cell in table.cells
    ]
    rows.append(
        OpenDataRow(
            **common,
            dimension=dimension,
            value_code="total",
            label=gettext("Total"),
            shown=table.total.shown,
        )
    )
    return rows


def open_data(*, acting: Membership, quarter: Period, as_format: str) -> OpenData:
    """Every published table of `quarter` for the member's country and each of its provinces (a
    manager limited to a province: that province only), audited as an export. The quarter must be
    over (`quarter_refusal`): a running quarter's figures still move."""
    require(acting, InsightsPerm.INDICATORS_VIEW)
    today = timezone.localdate()
    if quarter_refusal(str(quarter), today):
        raise ValueError("an open-data file is made for a finished quarter only")
    scope = figures_scope(acting)
    below = settings.FIGURES_SUPPRESS_BELOW
    provinces = [
        area
        for area in Area.objects.filter(country=scope.country, level=Area.Level.PROVINCE).order_by("code")
        if area.is_valid_on(today)
    ]
    codes = {str(area.pk): area.code for area in provinces}
    places: list[tuple[Area | None, str]] = (
        [(scope.province, scope.province.name)]
        if scope.province
        else [
            (None, _country_name(scope.country)),
            *[(area, area.name) for area in provinces],
        ]
    )
    published = published_for(country=scope.country, place=None, periods=[quarter])
    rows: list[OpenDataRow] = []
    times: list[datetime] = []
    for area, name in places:
        for table in place_tables(
            place=Place(country=scope.country, province=area), quarter=quarter, published=published
        ):
            rows += _table_rows(
                table, period=str(quarter), area=area, country=scope.country, area_name=name, codes=codes
            )
            if table.computed_at:
                times.append(table.computed_at)
    published_area = scope.province.code if scope.province else scope.country
    audit.record(
        action=AuditAction.EXPORT,
        actor=acting.user,
        agency=acting.agency,
        object_type="insights.indicators",
        reason=f"open data {quarter} {published_area} as {as_format}",
    )
    return OpenData(
        quarter=quarter,
        rows=rows,
        below=below,
        computed_at=min(times, default=timezone.now()),
        areas_on=today,
    )


def _country_name(country: str) -> str:
    area = Area.objects.filter(country=country, level=Area.Level.COUNTRY).first()
    return area.name if area else country


def readme(data: OpenData) -> list[str]:
    """What the file is, how it is suppressed, when it was computed, its areas and licence."""
    return [
        published_marking(below=data.below),
        gettext("Open data: the programme's indicators for %(quarter)s, one row per figure.")
        % {"quarter": data.quarter.label()},
        gettext(
            "Each row gives the period, the area (the whole country or a province), the indicator, the "
            "dimension it is split by, the value and its label, and the figure as published."
        ),
        gettext("Figures computed at %(at)s.")
        % {"at": timezone.localtime(data.computed_at).isoformat(timespec="minutes")},
        gettext(
            "Records are counted in the province that holds their area on %(day)s: a province merged "
            "away counts in the province it became part of."
        )
        % {"day": data.areas_on.isoformat()},
        gettext("Licence: %(licence)s.") % {"licence": LICENCE},
    ]


def open_data_csv(data: OpenData) -> bytes:
    """UTF-8 with a byte-order mark: the README lines, a blank row, then the header and the rows."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows([[line] for line in readme(data)])
    writer.writerow([])
    writer.writerow(COLUMNS)
    writer.writerows([[text_safe(value) for value in row.values()] for row in data.rows])
    return out.getvalue().encode("utf-8")


def open_data_xlsx(data: OpenData) -> bytes:
    """A README sheet, then the data sheet: the header in bold, one row per figure."""
    workbook = Workbook()
    about = workbook.active
    about.title = "README"  # the sheets' names, like the columns', are for machines too
    write_rows(about, [[line] for line in readme(data)], bold_rows={1})
    about.column_dimensions["A"].width = 100
    sheet = workbook.create_sheet("Data")
    header: list[Value] = [*COLUMNS]
    write_rows(sheet, [header, *[row.values() for row in data.rows]], bold_rows={1})
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDEFGHI", (10, 10, 24, 10, 40, 18, 18, 30, 10), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def open_data_file(data: OpenData, *, as_format: str) -> bytes:
    return open_data_xlsx(data) if as_format == "xlsx" else open_data_csv(data)
