"""Figure tables as files to download: CSV and an .xlsx workbook, with the same rows as the page.

Both start with the marking alone in the first row (what a spreadsheet shows first: published with
small counts hidden, or confidential), then a block naming the period, the place and when the figures
were computed, then each table: its title, its headings, one row per cell with its translated label
and its SHOWN value (a hidden value stays "[c]" or "<5", never its count), the total, and the
previous period and the change when the table is compared.

The workbook has one sheet per table, each opening with the same marking and block: a table then
stands alone as a range a spreadsheet can sort, filter and chart, a sheet copied or printed on its
own still carries its marking, and the tabs list the tables.
"""

import csv
import io
from collections.abc import Sequence
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from childshield.insights.figures.durations import DurationTable
from childshield.insights.figures.labels import fit
from childshield.insights.figures.rows import headings, is_compared, table_rows
from childshield.insights.figures.table import FigureTable

# A byte-order mark: spreadsheet programs then read the file as UTF-8, Vietnamese and Khmer intact.
BOM = "\ufeff"
SHEET_NAME_LIMIT = 31  # Excel's
_SHEET_FORBIDDEN = str.maketrans({char: " " for char in "[]:*?/\\"})
# A text starting with one of these is a formula to a spreadsheet (a label from data must stay text).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Value = str | int


def _preamble(
    *, marking: str, period_label: str, area_label: str, computed_at: datetime
) -> list[list[Value]]:
    return [
        [marking],
        [gettext("Period"), period_label],
        [gettext("Area"), area_label],
        [gettext("Figures computed at"), timezone.localtime(computed_at).isoformat(timespec="minutes")],
    ]


def _title(table: FigureTable) -> str:
    return f"{table.code} {table.title}".strip()


def _block(table: FigureTable, *, period_label: str, previous_label: str | None) -> list[list[Value]]:
    """One table's rows: title, headings, cells, total, notes. Numbers are ints, hidden values text."""
    rows: list[list[Value]] = [[_title(table)]]
    if table.exact:
        rows.append([gettext("Confidential: exact counts, for your agency only")])
    rows.append(list(headings(table, period_label=period_label, previous_label=previous_label)))
    compared = is_compared(table)
    for row in table_rows(table):
        values: list[Value] = [row.label, row.shown if row.number is None else row.number]
        if compared:
            previous: Value = row.previous_shown or ""
            values += [previous if row.previous_number is None else row.previous_number]
            values += ["" if row.change is None else row.change]
        rows.append(values)
    rows += [[str(note)] for note in table.notes]
    return rows


def _duration_block(
    table: DurationTable, *, period_label: str, previous_label: str | None
) -> list[list[Value]]:
    """A duration table's rows: title, headings, each statistic as shown (text), notes."""
    rows: list[list[Value]] = [[f"{table.code} {table.title}"]]
    rows.append(["", period_label, *([previous_label] if previous_label else [])])
    for row in table.rows:
        rows.append([row.label, row.shown, *([row.previous_shown] if previous_label else [])])
    rows += [[note] for note in table.notes]
    return rows


def text_safe(value: Value) -> Value:
    """A text a spreadsheet will not take for a formula (a label may come from data, as source links do)."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def tables_csv(
    tables: Sequence[FigureTable],
    *,
    marking: str,
    period_label: str,
    area_label: str,
    computed_at: datetime,
    previous_label: str | None = None,
    blocks: Sequence[Sequence[Sequence[Value]]] = (),
    durations: Sequence[DurationTable] = (),
) -> bytes:
    """The tables, then the duration tables, as one CSV file in UTF-8 with a byte-order mark; a blank
    row between blocks. `blocks` follow: rows of figures that are not one-dimension tables (several
    columns each)."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    preamble = _preamble(
        marking=marking, period_label=period_label, area_label=area_label, computed_at=computed_at
    )
    writer.writerows([[text_safe(value) for value in row] for row in preamble])
    for table in tables:
        writer.writerow([])
        block = _block(table, period_label=period_label, previous_label=previous_label)
        writer.writerows([[text_safe(value) for value in row] for row in block])
    for duration in durations:
        writer.writerow([])
        block = _duration_block(duration, period_label=period_label, previous_label=previous_label)
        writer.writerows([[text_safe(value) for value in row] for row in block])
    for rows in blocks:
        writer.writerow([])
        writer.writerows([[text_safe(value) for value in row] for row in rows])
    return out.getvalue().encode("utf-8")


def sheet_name(title: str, *, taken: set[str]) -> str:
    """A sheet name Excel accepts: none of []:*?/\\, no apostrophe at either end, at most 31
    characters cut between letters, not "History", and unlike the names `taken` (any case)."""
    name = " ".join(title.translate(_SHEET_FORBIDDEN).split()).strip("'").strip() or gettext("Figures")
    candidate = fit(name, SHEET_NAME_LIMIT).rstrip()
    number = 1
    while candidate.casefold() in taken or candidate.casefold() == "history":
        number += 1
        suffix = f" ({number})"
        candidate = fit(name, SHEET_NAME_LIMIT - len(suffix)).rstrip() + suffix
    taken.add(candidate.casefold())
    return candidate


def tables_xlsx(
    tables: Sequence[FigureTable],
    *,
    marking: str,
    period_label: str,
    area_label: str,
    computed_at: datetime,
    previous_label: str | None = None,
    durations: Sequence[DurationTable] = (),
    blocks: Sequence[Sequence[Sequence[Value]]] = (),
) -> bytes:
    """The tables (then the duration tables, then `blocks`: tables of several columns, each opening
    with its title) as an .xlsx workbook, one sheet per table (see the module's note); the marking in
    bold in each sheet's first row; shown numbers as numbers, hidden values as text."""
    workbook = Workbook()
    preamble = _preamble(
        marking=marking, period_label=period_label, area_label=area_label, computed_at=computed_at
    )
    taken: set[str] = set()
    sheets = [(sheet_name(_title(table), taken=taken), table) for table in tables]
    first = workbook.active
    for index, (name, table) in enumerate(sheets or [(gettext("Figures"), None)]):
        sheet = first if index == 0 else workbook.create_sheet()
        sheet.title = name
        write_rows(sheet, preamble, bold_rows={1})
        if table is not None:
            start = len(preamble) + 2  # after a blank row
            block = _block(table, period_label=period_label, previous_label=previous_label)
            heading_row = start + (2 if table.exact else 1)
            total_row = heading_row + len(table.cells) + 1
            write_rows(sheet, block, first_row=start, bold_rows={start, heading_row, total_row})
        sheet.column_dimensions["A"].width = 40
        for column in "BCD":
            sheet.column_dimensions[column].width = 16
    for duration in durations:
        sheet = workbook.create_sheet(sheet_name(f"{duration.code} {duration.title}", taken=taken))
        write_rows(sheet, preamble, bold_rows={1})
        start = len(preamble) + 2
        block = _duration_block(duration, period_label=period_label, previous_label=previous_label)
        write_rows(sheet, block, first_row=start, bold_rows={start, start + 1})
        sheet.column_dimensions["A"].width = 40
        for column in "BC":
            sheet.column_dimensions[column].width = 16
    for rows in blocks:
        title = str(rows[0][0]) if rows and rows[0] else gettext("Figures")
        sheet = workbook.create_sheet(sheet_name(title, taken=taken))
        write_rows(sheet, preamble, bold_rows={1})
        start = len(preamble) + 2
        write_rows(sheet, [list(row) for row in rows], first_row=start, bold_rows={start, start + 1})
        sheet.column_dimensions["A"].width = 40
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def write_rows(sheet: Worksheet, rows: list[list[Value]], *, first_row: int = 1, bold_rows: set[int]) -> None:
    """`rows` into `sheet` from `first_row` on; a text stays text (never a formula), `bold_rows` in bold."""
    bold = Font(bold=True)
    for offset, values in enumerate(rows):
        number = first_row + offset
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=number, column=column, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
            if number in bold_rows:
                cell.font = bold
