"""Small-cell suppression for published figures within one table (docs/architecture.md: figures count,
never list); tables that share cells go through `linked.protect` (docs/indicators.md, "Suppression").

A count under the threshold is shown as "<N"; further cells of the same table are hidden until
the hidden ones can neither be recovered from the table's total nor add up to less than the
threshold. Every figure published (insights, the helplines' CHI figures for publication) takes its
threshold from the one setting FIGURES_SUPPRESS_BELOW; the helpline's own confidential CHI submission
is exact (docs/decisions/0008).
"""

from dataclasses import dataclass

HIDDEN = "[c]"


@dataclass
class Cell:
    item: str
    label: str
    count: int
    shown: str = ""


def suppress(cells: list[Cell], total: Cell, *, below: int, total_published: bool = True) -> None:
    """Fill each cell's `shown`: the count, "<N" under the threshold, or HIDDEN to protect a small one."""
    for cell in [total, *cells]:
        cell.shown = f"<{below}" if cell.count < below else str(cell.count)
    if total.count < below or not total_published:
        # Nothing can be subtracted from a total that is not shown exactly.
        return
    hidden = [cell for cell in cells if cell.count < below]
    shown = sorted((cell for cell in cells if cell.count >= below), key=lambda cell: cell.count)
    # One hidden cell is the total minus the others; several must add up to the threshold at least.
    while hidden and shown and (len(hidden) == 1 or sum(cell.count for cell in hidden) < below):
        extra = shown.pop(0)
        extra.shown = HIDDEN
        hidden.append(extra)
