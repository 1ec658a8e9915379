"""Charts of figure tables drawn on the server as SVG: the geometry the chart templates draw.

Every length comes from a cell's shown number (`shown_number`), never its count: a hidden cell ("[c]"
or "<5") is an outlined empty bar of one fixed length, labelled with what is shown, so neither its
text nor its size says anything about the count. Each chart goes with its table
(`insights/figures/_figure_table.html`), which screen readers read and which holds the full labels.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.text import slugify
from django.utils.translation import gettext

from childshield.core.suppression import Cell
from childshield.insights.figures.labels import text_width, wrap
from childshield.insights.figures.rows import Row, headings, is_compared, table_rows
from childshield.insights.figures.table import FigureTable, shown_number

# Colours on the page's white (--paper): text 4.5:1 at least, bars and outlines 3:1 at least (WCAG
# 2.2 AA; tests/insights/test_charts.py checks them). In forced colours app.css replaces them; the
# bars' thickness and outlines, not their colours, tell this period, the previous one and a hidden
# value apart.
BACKGROUND = "#ffffff"
INK = "#1b1f24"  # text, hidden outlines, the time chart's previous-period marker
BAR = "#0b5cab"  # this period
PREVIOUS = "#4d5560"  # the previous period, thinner
AXIS = "#4d5560"

WIDTH = 640  # the viewBox's width; the SVG scales to the page's width
FONT = 13  # text size in viewBox units
SMALL = 11
LINE = 17  # one line of text
GAP = 6
HIDDEN_LENGTH = 36  # an outlined (hidden) bar's length, the same for every hidden cell
# Bar chart
LABEL_WIDTH = 200
PLOT_X = LABEL_WIDTH + 8
VALUE_SPACE = 56
BAR_HEIGHT = 18
PREVIOUS_HEIGHT = 7
# Time chart
PLOT_HEIGHT = 180
COLUMN_MAX = 48


@dataclass(frozen=True)
class Label:
    x: float
    lines: list[tuple[float, str]]  # (baseline y, text) of each line
    full: str
    shortened: bool  # cut short: the table holds the full label
    anchor: str = "end"


@dataclass(frozen=True)
class Mark:
    """One drawn value: a bar, a column, or the previous period's bar or marker."""

    x: float
    y: float
    width: float
    height: float
    shown: str  # the text drawn beside it: what the table shows
    hidden: bool
    text_x: float
    text_y: float
    text_anchor: str = "start"


@dataclass(frozen=True)
class Entry:
    label: Label
    mark: Mark
    previous: Mark | None = None


@dataclass(frozen=True)
class LegendKey:
    kind: str  # "current", "previous" or "hidden"
    text: str
    x: float
    y: float  # the key's top


@dataclass(frozen=True)
class FigureTableView:
    """What `_figure_table.html` shows: the caption, the headings and the rows with their total."""

    table_id: str
    caption: str
    exact: bool
    compared: bool
    headings: list[str]
    rows: list[Row]
    notes: list[str]


@dataclass(frozen=True)
class Chart:
    kind: str  # "bar" or "time"
    figure_id: str
    title_id: str
    title: str  # the SVG's accessible name
    caption: str
    width: int
    height: float
    entries: list[Entry]
    legend: list[LegendKey]
    axis: tuple[float, float, float, float]  # x1, y1, x2, y2 of the baseline
    table: FigureTableView
    colours: dict[str, str]


def _caption(table: FigureTable, *, period_label: str, area_label: str) -> str:
    return " · ".join(part for part in (str(table.title), period_label, area_label) if part)


def figure_table(
    table: FigureTable,
    *,
    period_label: str,
    area_label: str,
    previous_label: str | None = None,
    id_prefix: str | None = None,
) -> FigureTableView:
    """The table of a figure as the page shows it (and as a chart's `aria-describedby` names it)."""
    return FigureTableView(
        table_id=f"{_prefix(table, id_prefix)}-table",
        caption=_caption(table, period_label=period_label, area_label=area_label),
        exact=table.exact,
        compared=is_compared(table),
        headings=headings(table, period_label=period_label, previous_label=previous_label),
        rows=table_rows(table),
        notes=[str(note) for note in table.notes],
    )


def _prefix(table: FigureTable, id_prefix: str | None) -> str:
    return slugify(id_prefix or f"figure-{table.code}") or "figure"


def _scale(table: FigureTable) -> int:
    """The largest shown number of the cells drawn (never a count: a hidden one does not set it)."""
    numbers = [shown_number(cell) for cell in (*table.cells, *table.previous)]
    return max((number for number in numbers if number is not None), default=0) or 1


@dataclass(frozen=True)
class Labels:
    period_label: str
    area_label: str
    previous_label: str | None


def _legend(table: FigureTable, labels: Labels) -> tuple[list[LegendKey], float]:
    """The keys in lines across the top, and the height they take. The previous period's key only
    when the table is compared; the hidden key only when a drawn value is hidden."""
    texts: list[tuple[str, str]] = []
    if is_compared(table):
        texts += [
            ("current", labels.period_label),
            ("previous", labels.previous_label or gettext("Previous period")),
        ]
    if any(shown_number(cell) is None for cell in (*table.cells, *table.previous)):
        texts.append(("hidden", gettext("Dashed outline: count hidden to protect children")))
    keys: list[LegendKey] = []
    x, y = 0.0, 0.0
    for kind, text in texts:
        width = 22 + text_width(text) * SMALL + 16
        if x and x + width > WIDTH:
            x, y = 0.0, y + LINE
        keys.append(LegendKey(kind=kind, text=text, x=x, y=y))
        x += width
    return keys, (y + LINE + GAP if keys else 0.0)


def _label(text: str, *, x: float, first: float, width: float, anchor: str) -> Label:
    """The text in at most two lines of `width`, the first line's baseline at `first`."""
    lines, shortened = wrap(text, width=width / FONT, lines=2)
    return Label(
        x=x,
        lines=[(round(first + index * LINE, 1), line) for index, line in enumerate(lines)],
        full=text,
        shortened=shortened,
        anchor=anchor,
    )


def _bar(cell: Cell, *, y: float, height: float, scale: int) -> Mark:
    number = shown_number(cell)
    length = HIDDEN_LENGTH if number is None else number / scale * (WIDTH - PLOT_X - VALUE_SPACE)
    return Mark(
        x=PLOT_X,
        y=y,
        width=round(length, 1),
        height=height,
        shown=cell.shown,
        hidden=number is None,
        text_x=round(PLOT_X + length + 5, 1),
        text_y=round(y + height / 2 + (FONT if height > 10 else SMALL) * 0.35, 1),
    )


def bar_chart(
    table: FigureTable,
    *,
    period_label: str,
    area_label: str,
    previous_label: str | None = None,
    id_prefix: str | None = None,
) -> Chart:
    """Horizontal bars, one per cell, the shown number at each bar's end; when the table is compared,
    a thin bar for the previous period under each."""
    labels = Labels(period_label=period_label, area_label=area_label, previous_label=previous_label)
    legend, top = _legend(table, labels)
    scale = _scale(table)
    compared = is_compared(table)
    previous = {cell.item: cell for cell in table.previous}
    block = BAR_HEIGHT + (2 + PREVIOUS_HEIGHT if compared else 0)
    entries: list[Entry] = []
    y = top
    for cell in table.cells:
        lines = len(wrap(str(cell.label), width=LABEL_WIDTH / FONT, lines=2)[0])
        height = max(lines * LINE, block) + 2 * GAP
        middle = y + height / 2
        first = middle - (lines - 1) * LINE / 2 + FONT * 0.35
        label = _label(str(cell.label), x=LABEL_WIDTH, first=first, width=LABEL_WIDTH, anchor="end")
        bar_top = middle - block / 2
        mark = _bar(cell, y=bar_top, height=BAR_HEIGHT, scale=scale)
        before = previous.get(cell.item)
        earlier = None
        if compared and before is not None:
            earlier = _bar(before, y=bar_top + BAR_HEIGHT + 2, height=PREVIOUS_HEIGHT, scale=scale)
        entries.append(Entry(label=label, mark=mark, previous=earlier))
        y += height
    axis = (PLOT_X, top, PLOT_X, round(y, 1))
    return _chart(
        table,
        labels,
        id_prefix=id_prefix,
        kind="bar",
        entries=entries,
        legend=legend,
        height=y + 2,
        axis=axis,
    )


def _chart(
    table: FigureTable,
    labels: Labels,
    *,
    id_prefix: str | None,
    kind: str,
    entries: list[Entry],
    legend: list[LegendKey],
    height: float,
    axis: tuple[float, float, float, float],
) -> Chart:
    prefix = _prefix(table, id_prefix)
    caption = _caption(table, period_label=labels.period_label, area_label=labels.area_label)
    view = figure_table(
        table,
        period_label=labels.period_label,
        area_label=labels.area_label,
        previous_label=labels.previous_label,
        id_prefix=id_prefix,
    )
    return Chart(
        kind=kind,
        figure_id=prefix,
        title_id=f"{prefix}-title",
        title=caption,
        caption=caption,
        width=WIDTH,
        height=round(height, 1),
        entries=entries,
        legend=legend,
        axis=axis,
        table=view,
        colours=COLOURS,
    )


def _column(cell: Cell, *, centre: float, width: float, baseline: float, scale: int) -> Mark:
    number = shown_number(cell)
    height = HIDDEN_LENGTH if number is None else number / scale * PLOT_HEIGHT
    return Mark(
        x=round(centre - width / 2, 1),
        y=round(baseline - height, 1),
        width=round(width, 1),
        height=round(height, 1),
        shown=cell.shown,
        hidden=number is None,
        text_x=round(centre, 1),
        text_y=round(baseline - height - 4, 1),
        text_anchor="middle",
    )


def _marker(cell: Cell, *, centre: float, width: float, baseline: float, scale: int) -> Mark:
    """The previous period's value as a short thick line across the column (outlined when hidden)."""
    number = shown_number(cell)
    level = baseline - (HIDDEN_LENGTH if number is None else number / scale * PLOT_HEIGHT)
    return Mark(
        x=round(centre - width / 2, 1),
        y=round(level - 2, 1),
        width=round(width, 1),
        height=4,
        shown=cell.shown,
        hidden=number is None,
        text_x=round(centre, 1),
        text_y=round(level - 2, 1),
        text_anchor="middle",
    )


def time_chart(
    table: FigureTable,
    *,
    period_label: str,
    area_label: str,
    ticks: Sequence[str] | None = None,
    previous_label: str | None = None,
    id_prefix: str | None = None,
) -> Chart:
    """Columns for a series in time (the months of a year): one per cell, in order, each labelled
    below with its tick (a short label, "1" or "Jan"; the cell's own label by default) and above
    with its shown number; when the table is compared, a marker at the previous period's value."""
    labels = Labels(period_label=period_label, area_label=area_label, previous_label=previous_label)
    legend, top = _legend(table, labels)
    scale = _scale(table)
    names = list(ticks) if ticks is not None else [str(cell.label) for cell in table.cells]
    previous = {cell.item: cell for cell in table.previous}
    slot = (WIDTH - 16) / max(len(table.cells), 1)
    width = min(slot * 0.6, COLUMN_MAX)
    baseline = top + FONT + 8 + PLOT_HEIGHT
    entries: list[Entry] = []
    for index, (name, cell) in enumerate(zip(names, table.cells, strict=True)):
        centre = 8 + slot * (index + 0.5)
        label = _label(name, x=centre, first=baseline + 6 + FONT, width=slot - 4, anchor="middle")
        mark = _column(cell, centre=centre, width=width, baseline=baseline, scale=scale)
        before = previous.get(cell.item)
        marker = None
        if before is not None:
            marker = _marker(
                before, centre=centre, width=min(slot * 0.8, width + 12), baseline=baseline, scale=scale
            )
        entries.append(Entry(label=label, mark=mark, previous=marker))
    lines = max((len(entry.label.lines) for entry in entries), default=1)
    height = baseline + 6 + lines * LINE + 2
    axis = (4.0, baseline, WIDTH - 4.0, baseline)
    return _chart(
        table,
        labels,
        id_prefix=id_prefix,
        kind="time",
        entries=entries,
        legend=legend,
        height=height,
        axis=axis,
    )


COLOURS = {"ink": INK, "bar": BAR, "previous": PREVIOUS, "axis": AXIS, "background": BACKGROUND}
