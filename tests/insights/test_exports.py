"""Figure tables as CSV and .xlsx: readable in spreadsheets in Vietnamese and Khmer, the marking first,
hidden values written as shown and never as counts (insights/figures/exports.py)."""

import csv
import io
from datetime import UTC, datetime

import openpyxl

from childshield.insights.figures.exports import BOM, sheet_name, tables_csv, tables_xlsx
from tests.insights.figure_tables import KHMER, VIETNAMESE, channel_table

MARKING = "For publication: small counts hidden."
WHEN = datetime(2025, 7, 1, 3, 0, tzinfo=UTC)


def _export(function, tables, **extra):
    return function(
        tables, marking=MARKING, period_label="2025", area_label="Quảng Trị", computed_at=WHEN, **extra
    )


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_csv_starts_with_a_byte_order_mark_and_the_marking_alone():
    data = _export(tables_csv, [channel_table()])
    assert data.startswith(BOM.encode("utf-8"))
    rows = _csv_rows(data)
    assert rows[0] == [MARKING]
    assert ["Period", "2025"] in rows and ["Area", "Quảng Trị"] in rows
    assert ["Figures computed at", "2025-07-01T10:00+07:00"] in rows  # in the project's time zone


def test_vietnamese_and_khmer_labels_round_trip_through_the_csv():
    rows = _csv_rows(_export(tables_csv, [channel_table()]))
    assert [VIETNAMESE, "4137"] in rows and [KHMER, "<5"] in rows


def test_the_csv_writes_hidden_values_as_shown_never_their_counts():
    data = _export(tables_csv, [channel_table(compared=True)], previous_label="2024")
    rows = _csv_rows(data)
    assert ["Channel", "2025", "2024", "Change"] in rows
    assert [VIETNAMESE, "4137", "[c]", ""] in rows
    assert ["SMS", "5021", "4900", "121"] in rows
    assert ["Web", "[c]", "", ""] in rows
    values = [value for row in rows for value in row]
    assert not {"3", "2", "1289", "4000"} & set(values)
    assert b"1289" not in data and b"4000" not in data


def test_tables_are_separated_by_a_blank_row_each_under_its_title():
    rows = _csv_rows(_export(tables_csv, [channel_table(), channel_table(title="Reports by channel, again")]))
    titles = [index for index, row in enumerate(rows) if row and row[0].startswith("R2 ")]
    assert len(titles) == 2 and all(rows[index - 1] == [] for index in titles)


def test_a_label_that_looks_like_a_formula_stays_text():
    table = channel_table()
    table.cells[2].label = "=HYPERLINK(1)"
    assert ["'=HYPERLINK(1)", "5021"] in _csv_rows(_export(tables_csv, [table]))
    sheet = openpyxl.load_workbook(io.BytesIO(_export(tables_xlsx, [table]))).active
    labels = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert "=HYPERLINK(1)" in labels  # a string cell, not a formula


def test_the_workbook_has_the_marking_in_bold_first_and_numbers_as_numbers():
    book = openpyxl.load_workbook(io.BytesIO(_export(tables_xlsx, [channel_table(compared=True)])))
    sheet = book.worksheets[0]
    assert sheet["A1"].value == MARKING and sheet["A1"].font.b
    rows = list(sheet.iter_rows(values_only=True))
    assert (VIETNAMESE, 4137, "[c]", None) in rows
    assert (KHMER, "<5", "<5", None) in rows
    assert ("SMS", 5021, 4900, 121) in rows
    assert ("Total", 10450, 8902, 1548) in rows
    values = {value for row in rows for value in row}
    assert not {3, 2, 1289, 4000, "3", "1289"} & values


def test_the_workbook_has_a_sheet_per_table_each_marked():
    tables = [channel_table(), channel_table(title="Reports by harm")]
    book = openpyxl.load_workbook(io.BytesIO(_export(tables_xlsx, tables)))
    assert book.sheetnames == ["R2 Reports by channel", "R2 Reports by harm"]
    assert all(sheet["A1"].value == MARKING for sheet in book.worksheets)


def test_sheet_names_keep_excels_rules_with_a_long_khmer_title():
    title = f"{KHMER}: [ករណី/កុមារ]? * {KHMER}"
    taken: set[str] = set()
    first, second = sheet_name(f"R2 {title}", taken=taken), sheet_name(f"R2 {title}", taken=taken)
    for name in (first, second):
        assert 0 < len(name) <= 31
        assert not set("[]:*?/\\") & set(name) and not name.startswith("'")
        assert not name.endswith("\u17d2")  # not cut inside a Khmer stack
    assert first != second and second.endswith(" (2)")
    book = openpyxl.load_workbook(io.BytesIO(_export(tables_xlsx, [channel_table(title=title)] * 2)))
    assert book.sheetnames == [first, second]
