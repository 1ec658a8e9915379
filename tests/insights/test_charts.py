"""Charts of figure tables drawn as SVG on the server: well-formed, escaped, accessible, and never
drawing a hidden count (insights/figures/charts.py and its templates)."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from childshield.core.suppression import Cell, suppress
from childshield.insights.figures import charts
from childshield.insights.figures.table import FigureTable
from tests.insights.figure_tables import KHMER, channel_table

SVG = "{http://www.w3.org/2000/svg}"


def _bar(table: FigureTable, **labels: str) -> str:
    chart = charts.bar_chart(table, period_label="2025", area_label="Quảng Trị", **labels)
    return render_to_string("insights/figures/_bar_chart.html", {"chart": chart})


def _svg(html: str) -> ET.Element:
    found = re.search(r"<svg.*?</svg>", html, re.S)
    assert found, "no SVG in the chart"
    return ET.fromstring(found.group(0))


def _texts(svg: ET.Element, kind: str = "") -> list[str]:
    """The texts drawn (of one class when given), a label's lines joined by a space."""
    return [
        " ".join(part.strip() for part in element.itertext() if part.strip())
        for element in svg.iter(f"{SVG}text")
        if kind in element.get("class", "")
    ]


def _month_table(counts: list[int]) -> FigureTable:
    cells = [Cell(f"{month:02}", f"Month {month}", count) for month, count in enumerate(counts, start=1)]
    total = Cell("total", "Total", sum(counts))
    suppress(cells, total, below=5)
    return FigureTable(code="R1", title="Reports by month", dimension="Month", cells=cells, total=total)


@pytest.mark.parametrize("language", ["en", "vi", "km"])
def test_the_chart_is_well_formed_svg_with_plain_numbers_in_every_language(language):
    with translation.override(language):
        html = _bar(channel_table(compared=True), previous_label="2024")
    svg = _svg(html)
    # Vietnamese writes 12,5 for 12.5: the drawing's numbers must stay numbers whatever the language.
    width, height = (float(value) for value in svg.get("viewBox", "").split()[2:])
    assert width == 640 and height > 0
    for rect in svg.iter(f"{SVG}rect"):
        assert all(float(rect.get(name, "")) >= 0 for name in ("x", "y", "width", "height"))
    assert svg.get("role") == "img"
    assert svg.get("aria-describedby") == "figure-r2-table" and 'id="figure-r2-table"' in html
    title = svg.find(f"{SVG}title")
    assert title is not None and title.get("id") == svg.get("aria-labelledby")
    assert "Reports by channel · 2025 · Quảng Trị" in title.text


def test_a_hidden_count_appears_nowhere_in_the_chart_or_its_table():
    html = _bar(channel_table(compared=True), previous_label="2024")
    texts = _texts(_svg(html))
    assert "4137" in texts and "5021" in texts and "<5" in texts and "[c]" in texts
    # The hidden counts this period (3, 1289) and the previous (2, 4000) are nowhere, as text or as a cell.
    assert "1289" not in html and "4000" not in html
    assert not {"3", "2"} & set(texts)
    assert not re.search(r"<td>\s*[32]\s*</td>", html)


def test_a_hidden_count_changes_nothing_drawn():
    # Other hidden counts with the same total: not a length, a position or a word may differ.
    assert _bar(channel_table(small=3, beside=1289)) == _bar(channel_table(small=2, beside=1290))


def test_a_hidden_cell_is_an_outlined_empty_bar_labelled_with_what_is_shown():
    svg = _svg(_bar(channel_table()))
    hidden = [rect for rect in svg.iter(f"{SVG}rect") if "chart-hidden" in rect.get("class", "")]
    bars = [rect for rect in hidden if re.search(r"chart-(current|previous)", rect.get("class", ""))]
    assert bars and all(rect.get("fill") == "none" and rect.get("stroke-dasharray") for rect in bars)
    assert len({rect.get("width") for rect in bars}) == 1  # one length for every hidden value


def test_labels_are_escaped():
    table = channel_table()
    table.cells[2].label = '<script>alert("x")</script> & co'
    html = _bar(table)
    assert "<script>" not in html
    assert '<script>alert("x")</script> & co' in _texts(_svg(html))


def test_the_previous_period_legend_appears_only_when_compared():
    compared = _texts(_svg(_bar(channel_table(compared=True), previous_label="2024")))
    alone = _texts(_svg(_bar(channel_table())))
    assert "2024" in compared
    assert "2024" not in alone and "Previous period" not in alone
    # Without a label the previous period is named as such.
    assert "Previous period" in _texts(_svg(_bar(channel_table(compared=True))))


def test_the_table_compares_shown_numbers_only():
    html = _bar(channel_table(compared=True), previous_label="2024")
    headings = re.findall(r'<th scope="col">(.*?)</th>', html)
    assert headings == ["Channel", "2025", "2024", "Change"]
    sms = re.search(r'data-item="sms".*?</tr>', html, re.S)
    assert sms and "+121" in sms.group(0)  # 5021 - 4900
    phone = re.search(r'data-item="phone".*?</tr>', html, re.S)
    assert phone and "[c]" in phone.group(0) and "not worked out" in phone.group(0)


def test_a_long_khmer_label_is_shortened_in_the_chart_and_whole_in_the_table():
    table = channel_table()
    table.cells[1].label = KHMER * 3
    html = _bar(table)
    svg = _svg(html)
    lines = [
        [span.text for span in text.iter(f"{SVG}tspan")]
        for text in svg.iter(f"{SVG}text")
        if "chart-label" in text.get("class", "")
    ]
    khmer = next(found for found in lines if found and found[0].startswith(KHMER[:4]))
    assert len(khmer) == 2 and khmer[-1].endswith("…")
    assert khmer[-1][-2] != "\u17d2"  # never cut after a COENG, which joins the next letter
    assert f'<th scope="row">{KHMER * 3}</th>' in html


def test_the_time_chart_draws_a_column_per_month_and_hides_small_ones():
    counts = [4137, 5021, 3, 2210, 2300, 2400, 2500, 2600, 2700, 2800, 2900, 1289]
    table = _month_table(counts)
    chart = charts.time_chart(
        table, period_label="2025", area_label="Viet Nam", ticks=[str(m) for m in range(1, 13)]
    )
    html = render_to_string("insights/figures/_time_chart.html", {"chart": chart})
    svg = _svg(html)
    columns = [rect for rect in svg.iter(f"{SVG}rect") if "chart-current" in rect.get("class", "")]
    assert len(columns) == 12
    values = _texts(svg, "chart-value")
    assert len(values) == 12 and values[:3] == ["4137", "5021", "<5"] and "[c]" in values
    assert "1289" not in html and 'id="figure-r1-table"' in html


def test_the_time_chart_marks_the_previous_period_with_a_legend_only_when_compared():
    table = _month_table([100 + month for month in range(12)])
    plain = charts.time_chart(table, period_label="2025", area_label="Viet Nam")
    assert plain.legend == [] and all(entry.previous is None for entry in plain.entries)
    table.previous = [Cell(cell.item, cell.label, 90, "90") for cell in table.cells]
    compared = charts.time_chart(table, period_label="2025", area_label="Viet Nam", previous_label="2024")
    assert [key.text for key in compared.legend] == ["2025", "2024"]
    assert all(entry.previous is not None for entry in compared.entries)


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(one: str, other: str) -> float:
    lighter, darker = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_the_colours_meet_wcag_aa_on_the_page():
    assert _contrast(charts.INK, charts.BACKGROUND) >= 4.5  # text
    for colour in (charts.BAR, charts.PREVIOUS, charts.AXIS, charts.INK):
        assert _contrast(colour, charts.BACKGROUND) >= 3  # bars, outlines, markers
