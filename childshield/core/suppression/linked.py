"""Suppression across published tables that share cells, so that no subtraction recovers a hidden count.

Figures are counts keyed by an identity the caller chooses (any hashable, e.g. ("R1", "2026-Q3",
"VN-01", "sex=female")) and equations "total = sum of parts" between the keys: a country and its
provinces, a quarter and its months, a cross table's margins; a key that two tables reach (under two
filters) is the same key in both. `protect` hides the small counts and, smallest first, enough others
that no hidden count can be worked out from everything shown (`disclosure`), and that the hidden parts of
an equation never add up to a small number that the equation reveals. Dimensions where a record may have
several values (a report naming several harms) have no equation: `protect_multi_valued`.
"""

from collections.abc import Callable, Collection, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from childshield.core.suppression import HIDDEN
from childshield.core.suppression.disclosure import Memory, Unknown, disclosed

Key = Hashable
Equation = tuple[Key, Sequence[Key]]  # (total, parts): the total is the sum of the parts
Touching = dict[Key, list[int]]  # key -> the indices of the equations it is in
R = TypeVar("R", bound=Hashable)
C = TypeVar("C", bound=Hashable)
V = TypeVar("V")


def protect(
    counts: Mapping[Key, int],
    equations: Sequence[Equation],
    *,
    below: int,
    hidden: Collection[Key] = (),
    zeros_known: bool = False,
) -> dict[Key, str]:
    """What to show for every key: the count, "<N" under the threshold (a total too), or HIDDEN.

    `hidden` are keys already hidden elsewhere (another table that shares them, `protect_linked`):
    they stay hidden here, and what is hidden beside them is chosen knowing it. With `zeros_known`, a
    count of none is shown "<N" like the others but needs no protection: someone may work out that it
    is none (it tells of no one), never a count of one or more.

    No hidden count can be worked out exactly from the shown counts, the equations and the bounds the
    marks give (solved in chains, through keys shared between equations); in every equation the hidden
    parts add up to the threshold at least, or are two or more with the total hidden too. Cells are
    hidden smallest first, ties in the order of `counts`. Raises ValueError when a key of an equation
    has no count or an equation does not add up: the protection rests on the equations being true.
    """
    _check(counts, equations)
    order = {key: i for i, key in enumerate(counts)}
    small = _small(counts, below=below, zeros_known=zeros_known)
    extra: set[Key] = {key for key in hidden if key in counts and counts[key] >= below}
    memory = Memory()  # the hidden keys only grow: what a check proved stays proved
    touching = _touching(equations)
    while (
        key := _next_to_hide(
            counts,
            equations,
            small,
            extra,
            below=below,
            order=order,
            memory=memory,
            touching=touching,
            zeros_known=zeros_known,
        )
    ) is not None:
        extra.add(key)
    return {
        key: f"<{below}" if count < below else HIDDEN if key in extra else str(count)
        for key, count in counts.items()
    }


def protect_linked(
    counts: Mapping[Key, int],
    tables: Sequence[Sequence[Equation]],
    *,
    below: int,
    zeros_known: bool = False,
    checks: Sequence[Sequence[Equation]] | None = None,
) -> dict[Key, str]:
    """`protect` over many tables that share keys: what the one `protect` of all their equations
    guarantees, at a fraction of its cost.

    A publication too large for one `protect` (every province by every month, quarter and year, say) is
    a set of tables, each small: a province's months, quarters and year; one period's provinces and the
    country. Each is protected with every key hidden so far hidden in it too, round after round, until
    a round hides nothing new (modular protection, as statistical offices protect linked tables). Tables
    safe one by one can still give a count away together, so the system is then checked as a whole
    (`disclosure`); every count the check recovers hides one more beside it, and the rounds start again
    from the tables that hold those. `checks` splits that check into groups of equations checked each
    on its own (by default one group: every equation), for systems too large to check at once: then
    what is proved is that no group's equations recover a count, not all groups' together. Keys in no
    table stand alone against the threshold.
    """
    _check(counts, [equation for equations in tables for equation in equations])
    order = {key: i for i, key in enumerate(counts)}
    keyed = []
    for equations in tables:
        keys = sorted({key for total, parts in equations for key in (total, *parts)}, key=order.__getitem__)
        keyed.append(({key: counts[key] for key in keys}, equations))
    groups = []
    for group in checks if checks is not None else [[eq for equations in tables for eq in equations]]:
        # Every equation once (two tables may hold the same: a province's total in a month is in its
        # month's table and in its own).
        once = list({(total, tuple(parts)): (total, parts) for total, parts in group}.values())
        groups.append((once, _touching(once), Memory()))
    small = _small(counts, below=below, zeros_known=zeros_known)
    extra: set[Key] = set()
    unsettled = set(range(len(keyed)))
    while True:
        while unsettled:
            i = min(unsettled)
            unsettled.discard(i)
            table_counts, equations = keyed[i]
            shown = protect(table_counts, equations, below=below, hidden=extra, zeros_known=zeros_known)
            more = {key for key, mark in shown.items() if mark == HIDDEN and key not in extra}
            extra |= more
            unsettled |= _holding(more, keyed, but=i)
        more = set()
        for once, touching, memory in groups:
            more |= _next_hides(
                counts,
                once,
                small,
                extra,
                below=below,
                order=order,
                memory=memory,
                touching=touching,
                zeros_known=zeros_known,
            )
        if not more:
            break
        extra |= more
        unsettled |= _holding(more, keyed, but=None)
    return {
        key: f"<{below}" if count < below else HIDDEN if key in extra else str(count)
        for key, count in counts.items()
    }


def _holding(keys: set[Key], keyed: Sequence[tuple[dict[Key, int], object]], *, but: int | None) -> set[int]:
    """The tables (by index) that hold any of `keys`, but the one named."""
    if not keys:
        return set()
    return {j for j, (table_counts, _) in enumerate(keyed) if j != but and not keys.isdisjoint(table_counts)}


def protect_multi_valued(counts: Mapping[Key, int], *, below: int) -> dict[Key, str]:
    """Each count on its own against the threshold, for a dimension whose values a record may share.

    A report naming two harms counts under both, so the cells do not add up to the number of reports and
    no equation ties them: nothing can be subtracted, and there is nothing to hide beyond the small
    counts. The caller says so by calling this instead of `protect` (a FigureTable with `multi_valued`).
    """
    return {key: f"<{below}" if count < below else str(count) for key, count in counts.items()}


def duration_shown(values_count: int, value: V | None, *, below: int) -> V | None:
    """A median or percentile of durations, or None (not shown) when it is over fewer than the
    threshold records: the median of three cases is nearly one child's own time."""
    return value if values_count >= below else None


@dataclass(frozen=True)
class CrossShown(Generic[R, C]):
    """What to show of a two-way table and its margins."""

    cells: dict[tuple[R, C], str]
    row_totals: dict[R, str]
    column_totals: dict[C, str]
    total: str


def protect_cross(counts: Mapping[tuple[R, C], int], *, below: int) -> CrossShown[R, C]:
    """`protect` over a two-way table (e.g. sex by age band) with its row, column and grand totals,
    computed from the cells (a missing cell counts 0). Rows and columns keep their first order in
    `counts`. A cross table that also shares cells with other tables goes through `protect` with all
    their equations together."""
    rows = list(dict.fromkeys(row for row, _ in counts))
    columns = list(dict.fromkeys(column for _, column in counts))
    keyed: dict[Key, int] = {("cell", r, c): counts.get((r, c), 0) for r in rows for c in columns}
    keyed.update({("row", r): sum(counts.get((r, c), 0) for c in columns) for r in rows})
    keyed.update({("column", c): sum(counts.get((r, c), 0) for r in rows) for c in columns})
    keyed["total"] = sum(counts.values())
    equations: list[Equation] = [(("row", r), [("cell", r, c) for c in columns]) for r in rows]
    equations += [(("column", c), [("cell", r, c) for r in rows]) for c in columns]
    equations += [("total", [("row", r) for r in rows]), ("total", [("column", c) for c in columns])]
    shown = protect(keyed, equations, below=below)
    return CrossShown(
        cells={(r, c): shown[("cell", r, c)] for r in rows for c in columns},
        row_totals={r: shown[("row", r)] for r in rows},
        column_totals={c: shown[("column", c)] for c in columns},
        total=shown["total"],
    )


def _check(counts: Mapping[Key, int], equations: Sequence[Equation]) -> None:
    for total, parts in equations:
        missing = [key for key in (total, *parts) if key not in counts]
        if missing:
            raise ValueError(f"no count for {missing[0]!r} in the equation of {total!r}")
        if counts[total] != sum(counts[part] for part in parts):
            raise ValueError(f"the parts of {total!r} do not add up to it (a dimension with several values?)")


def _next_to_hide(
    counts: Mapping[Key, int],
    equations: Sequence[Equation],
    small: set[Key],
    extra: set[Key],
    *,
    below: int,
    order: dict[Key, int],
    memory: Memory,
    touching: Touching,
    zeros_known: bool = False,
) -> Key | None:
    """The next shown count to hide, or None when what is hidden is safe (or nothing more can help)."""
    hidden = small | extra
    smallest = _smallest_shown(
        counts, hidden, order, zeros_known=zeros_known, equations=equations, touching=touching
    )
    for _total, parts in _too_little(counts, equations, hidden, below=below):
        pick = smallest(parts)
        if pick is not None:
            return pick
    nearby = [
        eq
        for key in _disclosed(counts, equations, small, hidden, below=below, order=order, memory=memory)
        for eq in _around(key, equations, hidden, touching)
    ]
    # A part rather than a total: totals are the figures people read first.
    pick = smallest([part for _, parts in nearby for part in parts])
    return pick if pick is not None else smallest([total for total, _ in nearby])


def _next_hides(
    counts: Mapping[Key, int],
    equations: Sequence[Equation],
    small: set[Key],
    extra: set[Key],
    *,
    below: int,
    order: dict[Key, int],
    memory: Memory,
    touching: Touching,
    zeros_known: bool = False,
) -> set[Key]:
    """`_next_to_hide` for a whole publication at once: one shown count beside every equation whose
    hidden parts add up to too little, or else beside every count the check recovers (the smallest
    part, else total, of the equations around it). Empty when what is hidden is safe. One check of a
    year's figures is costly; hiding beside every finding at once keeps the checks few."""
    hidden = small | extra
    smallest = _smallest_shown(
        counts, hidden, order, zeros_known=zeros_known, equations=equations, touching=touching
    )
    picks = {smallest(parts) for _total, parts in _too_little(counts, equations, hidden, below=below)}
    if not picks - {None}:
        for key in _disclosed(counts, equations, small, hidden, below=below, order=order, memory=memory):
            nearby = _around(key, equations, hidden, touching)
            pick = smallest([part for _, parts in nearby for part in parts])
            picks.add(pick if pick is not None else smallest([total for total, _ in nearby]))
    return {pick for pick in picks if pick is not None}


def _small(counts: Mapping[Key, int], *, below: int, zeros_known: bool) -> set[Key]:
    """The counts under the threshold, shown "<N" and protected; with `zeros_known`, a zero is shown
    "<N" too but taken as known (an attacker is allowed to know it is none: it tells of no one), so it
    is neither protected nor hidden beside anything."""
    return {key for key, count in counts.items() if count < below and (count or not zeros_known)}


def _smallest_shown(
    counts: Mapping[Key, int],
    hidden: set[Key],
    order: dict[Key, int],
    *,
    zeros_known: bool,
    equations: Sequence[Equation] = (),
    touching: Touching | None = None,
) -> Callable[[Sequence[Key]], Key | None]:
    """The count of some keys best hidden next, or None: the one whose hiding leaves the fewest
    equations with it as their only hidden key (each such equation would give it away and call for
    one more hidden beside it: hiding a count in a row and a column that already hold hidden ones
    closes the pattern, where a smaller count elsewhere would start a new one), then the smallest
    (ties in the order of the counts); with `zeros_known`, never a zero (hiding what is known to be
    none protects nothing)."""

    def alone(key: Key) -> int:
        if touching is None:
            return 0
        return sum(
            1
            for i in touching.get(key, ())
            if not any(other in hidden for other in (equations[i][0], *equations[i][1]) if other != key)
        )

    def smallest(keys: Sequence[Key]) -> Key | None:
        shown = [key for key in dict.fromkeys(keys) if key not in hidden and (counts[key] or not zeros_known)]
        return min(shown, key=lambda key: (alone(key), counts[key], order[key]), default=None)

    return smallest


def _too_little(
    counts: Mapping[Key, int], equations: Sequence[Equation], hidden: set[Key], *, below: int
) -> Iterator[Equation]:
    """The equations whose hidden parts add up to less than the threshold, but for two or more with
    the total hidden too: the total less the shown parts would tell the hidden ones' small sum."""
    for total, parts in equations:
        hidden_parts = [part for part in parts if part in hidden]
        if hidden_parts and not (
            sum(counts[part] for part in hidden_parts) >= below
            or (len(hidden_parts) >= 2 and total in hidden)
        ):
            yield total, parts


def _disclosed(
    counts: Mapping[Key, int],
    equations: Sequence[Equation],
    small: set[Key],
    hidden: set[Key],
    *,
    below: int,
    order: dict[Key, int],
    memory: Memory,
) -> set[Key]:
    """The hidden counts an attacker works out from every shown count and equation (`disclosure`).
    A hidden count in no equation cannot be worked out (its mark leaves it a range): left out."""
    held = {key for total, parts in equations for key in (total, *parts) if key in hidden}
    unknowns = {
        key: Unknown(counts[key], 0, below - 1) if key in small else Unknown(counts[key], below, None)
        for key in sorted(held, key=order.__getitem__)
    }
    rows: list[dict[Key, int]] = []
    for total, parts in equations:
        row: dict[Key, int] = {}
        for key, sign in ((total, 1), *((part, -1) for part in parts)):
            if key in hidden:
                row[key] = row.get(key, 0) + sign
        rows.append(row)
    return disclosed(unknowns, rows, memory=memory)


def _around(key: Key, equations: Sequence[Equation], hidden: set[Key], touching: Touching) -> list[Equation]:
    """The equations nearest `key` that have a shown count: its own, or, when all of theirs are hidden,
    those reached from it through hidden keys (a chain)."""
    reached, frontier = {key}, [key]
    while frontier:
        nearby = [equations[i] for i in sorted({i for k in frontier for i in touching.get(k, ())})]
        keys = [k for total, parts in nearby for k in (total, *parts)]
        if any(k not in hidden for k in keys):
            return nearby
        frontier = [k for k in dict.fromkeys(keys) if k not in reached]
        reached.update(frontier)
    return []


def _touching(equations: Sequence[Equation]) -> Touching:
    """Each key's equations (their indices, in order), as its total or one of its parts."""
    touching: Touching = {}
    for i, (total, parts) in enumerate(equations):
        for key in dict.fromkeys((total, *parts)):
            touching.setdefault(key, []).append(i)
    return touching
