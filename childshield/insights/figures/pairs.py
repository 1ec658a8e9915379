"""Referrals per pair of agencies (C12 and C13 per pair), published per pair of kinds of agency (a
school to social services): one row per pair, as published.

The referrals source counts each referral under its pair ("<sending kind>><receiving kind>",
`figures.record_values` says why kinds), its pair and status and its pair and timeliness
(`figures.sources`); those are published and protected with the rest of the year
(`figures.publication`: the answers within their pair, and over the pairs, the statuses). This module
names a pair by its kinds and sets a pair's figures side by side: sent, accepted, completed,
declined, waiting, and the acceptance rate and the share answered by the time due, each worked out
only when every count it is made of is shown as a number, so no rate stands for a hidden count.
"""

from dataclasses import dataclass, field

from django.utils import formats
from django.utils.translation import gettext

from childshield.accounts.models import AgencyKind
from childshield.core.periods import Period
from childshield.core.suppression import Cell
from childshield.insights.figures.record_values import (
    GROUP_SEPARATOR,
    PAIR_ANSWER_GROUPS,
    PAIR_IN_TIME_GROUPS,
    PAIR_SEPARATOR,
)
from childshield.insights.figures.sources import Source, dimension_of
from childshield.insights.figures.table import FigureTable, shown_number

PAIR_DIMENSIONS = ("pair", "pair_answer", "pair_in_time")
PAIRS_CODE = "C12d"


def _split(value: str) -> tuple[str, str]:
    """A value's pair and its group ("" for a pair alone)."""
    if GROUP_SEPARATOR in value:
        pair, _separator, group = value.rpartition(GROUP_SEPARATOR)
        return pair, group
    return value, ""


def _group_labels() -> dict[str, str]:
    return {
        "sent": gettext("waiting"),
        "accepted": gettext("accepted"),
        "completed": gettext("completed"),
        "declined": gettext("declined"),
        "cancelled": gettext("cancelled"),
        "waiting": gettext("waiting"),
        "on_time": gettext("answered by the time due"),
        "late": gettext("answered late"),
    }


def pair_names(values: list[str]) -> dict[str, str]:
    """Each pair's name, "From → To", the kinds of agency the pairs `values` name."""
    kinds = dict(AgencyKind.choices)
    named = {}
    for pair in {_split(value)[0] for value in values}:
        sender, _separator, receiver = pair.partition(PAIR_SEPARATOR)
        known = sender in kinds and receiver in kinds
        named[pair] = f"{kinds[sender]} → {kinds[receiver]}" if known else pair
    return named


def pair_labels(values: list[str]) -> list[tuple[str, str]]:
    """The values of a pair dimension with their labels ("From → To: accepted"), ordered by the pair's
    name and then the groups' order."""
    names = pair_names(values)
    groups = _group_labels()
    order = {group: index for index, group in enumerate((*PAIR_ANSWER_GROUPS, *PAIR_IN_TIME_GROUPS))}

    def label(value: str) -> str:
        pair, group = _split(value)
        return names[pair] if not group else f"{names[pair]}: {groups.get(group, group)}"

    def position(value: str) -> tuple[str, int, str]:
        pair, group = _split(value)
        return names[pair].casefold(), order.get(group, -1), value

    return [(value, label(value)) for value in sorted(values, key=position)]


@dataclass(frozen=True)
class PairRow:
    """One pair's referrals in the period, as shown ("<5", "[c]" or a number)."""

    pair: str
    name: str
    sent: str
    accepted: str
    completed: str
    declined: str
    waiting: str
    cancelled: str
    acceptance_rate: str  # "75%", or "not shown"
    in_time_share: str  # of those answered, by the time due; "not shown"


@dataclass
class PairTable:
    code: str
    title: str
    rows: list[PairRow]
    notes: list[str] = field(default_factory=list)
    empty: str = ""  # what the table says when it has no row
    answers: bool = True  # False on a province's page: how many each pair sent, not their answers


def _share(parts: list[Cell], others: list[Cell]) -> str:
    """sum(parts) / (sum(parts) + sum(others)), when every one is shown as a number and not all none;
    else "not shown"."""
    shown = [shown_number(cell) for cell in (*parts, *others)]
    if any(number is None for number in shown):
        return gettext("not shown")
    part = sum(number or 0 for number in shown[: len(parts)])
    whole = sum(number or 0 for number in shown)
    if whole == 0:
        return gettext("not shown")
    return f"{formats.number_format(round(100 * part / whole))}%"


def pair_table(
    *,
    sent: FigureTable,
    answers: FigureTable,
    in_time: FigureTable,
    period: Period,
    national: bool,
    below: int,
) -> PairTable:
    """The pairs of `sent` (the referrals per pair, C12d), each with its answers (C12e) and whether
    answered by the time due (C13c), every count as published. A period the pairs are not published
    for (a month: `Dimension.smallest_period`) has no row, and says why; a province's page (not
    `national`) shows how many each pair sent, and says why not its answers (counted for the whole
    country only: `Dimension.smallest_area`)."""
    if not dimension_of(Source.REFERRALS, "pair").published_for(period.kind):
        return PairTable(
            code=PAIRS_CODE,
            title=gettext("Referrals by pair of agencies"),
            rows=[],
            empty=gettext(
                "Referrals by pair of agencies are counted for quarters and years only: a pair sends "
                "few referrals a month, too few to show without giving a child's referral away. "
                "Choose a quarter or a year."
            ),
        )
    by_answer = {cell.item: cell for cell in answers.cells}
    by_time = {cell.item: cell for cell in in_time.cells}
    absent = f"<{below}"  # a value not published is none, shown as small as on every table

    def shown(cells: dict[str, Cell], pair: str, group: str) -> str:
        return cell_of(cells, pair, group).shown

    def cell_of(cells: dict[str, Cell], pair: str, group: str) -> Cell:
        return cells.get(f"{pair}{GROUP_SEPARATOR}{group}") or Cell(item="", label="", count=0, shown=absent)

    if not national and not dimension_of(Source.REFERRALS, "pair_answer").by_province:
        not_shown = gettext("not shown")
        return PairTable(
            code=PAIRS_CODE,
            title=gettext("Referrals by pair of agencies"),
            rows=[PairRow(cell.item, str(cell.label), cell.shown, *[not_shown] * 7) for cell in sent.cells],
            empty=gettext("No referrals in this period."),
            answers=False,
            notes=[
                gettext(
                    "How each pair's referrals were answered is counted for the whole country only: in "
                    "one province a pair's answers are too few to show. The country's page shows them."
                )
            ],
        )
    rows = [
        PairRow(
            pair=cell.item,
            name=str(cell.label),
            sent=cell.shown,
            accepted=shown(by_answer, cell.item, "accepted"),
            completed=shown(by_answer, cell.item, "completed"),
            declined=shown(by_answer, cell.item, "declined"),
            waiting=shown(by_answer, cell.item, "sent"),
            cancelled=shown(by_answer, cell.item, "cancelled"),
            acceptance_rate=_share(
                [cell_of(by_answer, cell.item, "accepted"), cell_of(by_answer, cell.item, "completed")],
                [cell_of(by_answer, cell.item, "declined")],
            ),
            in_time_share=_share(
                [cell_of(by_time, cell.item, "on_time")], [cell_of(by_time, cell.item, "late")]
            ),
        )
        for cell in sent.cells
    ]
    return PairTable(
        code=PAIRS_CODE,
        title=gettext("Referrals by pair of agencies"),
        rows=rows,
        empty=gettext("No referrals in this period."),
        notes=[
            gettext(
                "Acceptance rate: accepted (or completed) of those accepted or declined; answered by the "
                "time due: of those answered. A rate is shown only when every count it is made of is "
                "shown as a number: worked out from a count shown as “<%(below)s” or “[c]”, it would give "
                "that count away."
            )
            % {"below": below},
        ],
    )


def pair_block(table: PairTable) -> list[list[str | int]]:
    """The table as rows of a CSV file: its title, headings, one row per pair, its note."""
    headings = pair_headings() if table.answers else pair_headings()[:2]
    rows: list[list[str | int]] = [[f"{table.code} {table.title}"], headings]
    for row in table.rows:
        values = [row.sent, row.accepted, row.completed, row.declined, row.waiting, row.cancelled]
        rates = [row.acceptance_rate, row.in_time_share]
        rows.append(
            [row.name, *[int(value) if value.isdigit() else value for value in values], *rates][
                : len(headings)
            ]
        )
    if not table.rows:
        rows.append([table.empty])
    rows += [[note] for note in table.notes]
    return rows


def pair_headings() -> list[str | int]:
    return [
        gettext("Pair of agencies"),
        gettext("Sent"),
        gettext("Accepted"),
        gettext("Completed"),
        gettext("Declined"),
        gettext("Waiting for an answer"),
        gettext("Cancelled"),
        gettext("Acceptance rate"),
        gettext("Answered by the time due"),
    ]
