"""One table of figures as pages, charts and exports show it.

A table counts one indicator over one period and one place, split by one dimension (a row per value
of the dimension, and the total). Counts are suppressed before a table leaves the selector that made
it (`core.suppression`): what is drawn or exported is each cell's `shown`, never its `count`, unless
the table is `exact` (an agency's own operational figures, marked confidential).
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.functional import Promise

from childshield.core.suppression import Cell


@dataclass
class FigureTable:
    code: str  # the indicator's code in docs/indicators.md, e.g. "R2"
    title: str | Promise  # what is counted, e.g. "Reports by channel"
    dimension: str | Promise  # the rows' heading, e.g. "Channel"
    cells: list[Cell]  # one per value of the dimension, in the dimension's order
    total: Cell
    # Cells may add up to more than the total (a report may name several harms).
    multi_valued: bool = False
    # Exact counts (operational, inside one agency), marked confidential; otherwise suppressed.
    exact: bool = False
    # The same rows in the previous period of the same length, for comparison (empty: not compared).
    previous: list[Cell] = field(default_factory=list)
    previous_total: Cell | None = None
    computed_at: datetime | None = None
    notes: list[str | Promise] = field(default_factory=list)  # e.g. why cells are hidden


def shown_number(cell: Cell) -> int | None:
    """The count a chart may draw: the shown number, or None when the cell is hidden or under the
    threshold (a chart never draws a suppressed count)."""
    return int(cell.shown) if cell.shown.isdigit() else None
