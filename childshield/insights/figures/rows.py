"""A figure table's rows as a reader sees them, shared by the page's table and the exports.

Every value here is a cell's `shown` (the count only when the table is exact, where shown is the
count): a hidden value stays "[c]" or "<5", and the change between periods is worked out from shown
numbers only, so it can never give a hidden count away.
"""

from dataclasses import dataclass

from django.utils.translation import gettext, pgettext

from childshield.core.suppression import Cell
from childshield.insights.figures.table import FigureTable, shown_number


@dataclass(frozen=True)
class Row:
    item: str
    label: str
    shown: str
    number: int | None  # the shown number, None when hidden
    previous_shown: str | None = None  # None: not compared
    previous_number: int | None = None
    is_total: bool = False

    @property
    def change(self) -> int | None:
        """This period minus the previous one, when both are shown as numbers."""
        if self.number is None or self.previous_number is None:
            return None
        return self.number - self.previous_number

    @property
    def change_text(self) -> str:
        change = self.change
        if change is None:
            return ""
        return f"+{change}" if change > 0 else str(change)


def _row(cell: Cell, previous: Cell | None, *, compared: bool, is_total: bool = False) -> Row:
    previous_shown = (previous.shown if previous else "") if compared else None
    return Row(
        item=cell.item,
        label=gettext("Total") if is_total else str(cell.label),
        shown=cell.shown,
        number=shown_number(cell),
        previous_shown=previous_shown,
        previous_number=shown_number(previous) if previous else None,
        is_total=is_total,
    )


def is_compared(table: FigureTable) -> bool:
    return bool(table.previous) or table.previous_total is not None


def table_rows(table: FigureTable) -> list[Row]:
    """One row per cell, in the dimension's order, then the total. A previous cell is matched to its
    row by its item, so a value new this period has an empty previous value."""
    compared = is_compared(table)
    previous = {cell.item: cell for cell in table.previous}
    rows = [_row(cell, previous.get(cell.item), compared=compared) for cell in table.cells]
    rows.append(_row(table.total, table.previous_total, compared=compared, is_total=True))
    return rows


def headings(table: FigureTable, *, period_label: str, previous_label: str | None) -> list[str]:
    """The table's column headings: the dimension, this period, and when compared the previous period
    and the change."""
    columns = [str(table.dimension), period_label]
    if is_compared(table):
        columns += [previous_label or gettext("Previous period"), pgettext("between two periods", "Change")]
    return columns
