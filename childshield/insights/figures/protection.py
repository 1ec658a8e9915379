"""The tables of one source on one page, suppressed together (`core.suppression.protect`).

Every table of a source counts the same records split one way: they share one total, and each
single-valued table says "total = sum of its rows". Suppressed one by one, a total shown in one table
could recover a cell hidden in another; protected together, nothing hidden on the page can be worked
out from anything shown on it. A dimension whose records take several values (a report's harms) has
no equation: each of its cells stands against the threshold alone.
"""

from collections.abc import Hashable, Sequence

from childshield.core.suppression import Cell
from childshield.core.suppression.linked import protect
from childshield.insights.figures.table import FigureTable

_TOTAL = ("total",)


Equations = list[tuple[Hashable, list[Hashable]]]


def page_system(
    tables: Sequence[FigureTable], *, current: bool
) -> tuple[dict[Hashable, int], Equations, dict[Hashable, list[Cell]]]:
    """The counts, equations and cells of `tables` (this period's, or the period before's) as one
    system: what `protect` is given, and what a test's attacker reads."""
    counts: dict[Hashable, int] = {}
    equations: Equations = []
    cells: dict[Hashable, list[Cell]] = {}
    for table in tables:
        total = table.total if current else table.previous_total
        rows = table.cells if current else table.previous
        if total is None:
            continue
        counts[_TOTAL] = total.count
        cells.setdefault(_TOTAL, []).append(total)
        keys: list[Hashable] = []
        for cell in rows:
            key: Hashable = (table.code, cell.item)
            counts[key] = cell.count
            cells.setdefault(key, []).append(cell)
            keys.append(key)
        if keys and not table.multi_valued:
            equations.append((_TOTAL, keys))
    return counts, equations, cells


def protect_together(tables: Sequence[FigureTable], *, below: int) -> None:
    """Re-suppress `tables` (one source, one period and place) as one publication, this period's
    cells and the period before's apart; each cell's `shown` is replaced."""
    for current in (True, False):
        counts, equations, cells = page_system(tables, current=current)
        if not counts:
            continue
        shown = protect(counts, equations, below=below)
        for key, holding in cells.items():
            for cell in holding:
                cell.shown = shown[key]
