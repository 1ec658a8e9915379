"""Figure tables for the chart and export tests: shown counts that stand out (4137, 5021) and hidden
ones (3 under the threshold, 1289 hidden beside it) that must never appear in what is drawn or written."""

from childshield.core.suppression import HIDDEN, Cell, suppress
from childshield.insights.figures.table import FigureTable

VIETNAMESE = "Trẻ em dân tộc thiểu số"
KHMER = "ការកេងប្រវ័ញ្ចផ្លូវភេទលើកុមារតាមអនឡាញ"
SHOWN = (4137, 5021)
HIDDEN_COUNTS = (3, 1289)


def channel_cells(*, small: int = 3, beside: int = 1289) -> tuple[list[Cell], Cell]:
    cells = [
        Cell("phone", VIETNAMESE, 4137),
        Cell("chat", KHMER, small),
        Cell("sms", "SMS", 5021),
        Cell("web", "Web", beside),
    ]
    total = Cell("total", "Total", sum(cell.count for cell in cells))
    suppress(cells, total, below=5)
    assert [cell.shown for cell in cells] == ["4137", "<5", "5021", HIDDEN]
    return cells, total


def channel_table(
    *,
    compared: bool = False,
    small: int = 3,
    beside: int = 1289,
    exact: bool = False,
    title: str = "Reports by channel",
) -> FigureTable:
    cells, total = channel_cells(small=small, beside=beside)
    table = FigureTable(code="R2", title=title, dimension="Channel", cells=cells, total=total, exact=exact)
    if compared:
        previous = [Cell("phone", VIETNAMESE, 4000), Cell("chat", KHMER, 2), Cell("sms", "SMS", 4900)]
        previous_total = Cell("total", "Total", 8902)
        suppress(previous, previous_total, below=5)
        table.previous, table.previous_total = previous, previous_total
    return table
