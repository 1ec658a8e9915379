"""Which hidden counts an attacker could work out exactly from what is published (the audit `protect` runs).

The attacker knows every shown count, every equation "total = sum of parts" and the bounds each mark
gives: a "<N" count lies in 0..N-1, a complementary hide ("[c]") is at least N (only counts of N or more
are hidden that way), and no count is negative. A hidden count is disclosed when every set of values
agreeing with all of that takes the same value for it. Taking the true counts as one such set, a count
is free exactly when some direction d (A·d = 0 over the equations) moves it while keeping every count
that sits on a bound inside it. The bounds no direction can leave (implicit equalities) come out of one
linear programme; the rest is exact linear algebra in whole numbers. The test is linear: it catches
anything solved by chains of equations, cells shared between equations, and bounds, as a linear
programme would; an integer-only deduction on tables whose equations are not of the ordinary nested or
two-way kind is outside it.

Made fast enough for pages (bench/suppression.py, docs/benchmarks.md) without changing any answer:
profiling showed nearly all the time in building the kernel's basis vectors over fractions and
recombining them for the stuck counts. Now (1) the reduced row echelon form is kept in whole numbers
(equations of counts have coefficients ±1, so they stay small) and read directly: with the stuck
counts' columns dropped, a count is fixed exactly when its reduced row holds nothing but itself;
(2) the basic directions (one per free variable) that keep every bound are tried first, and a sum of
them moves whole groups of counts off their bounds, so the linear programme only sees the tight
counts left, and is skipped when every count in question has moved; (3) `protect` hides one more
count at a time, and hiding more only widens what the attacker must allow, so a count once free stays
free and a group of counts seen before has the same answer (`Memory`): each round re-checks only the
group of equations the new hide joined, and only while it has a count not yet shown free. Not taken: a
graph test for two-way tables (a hidden cell is determined iff it lies on no cycle of hidden cells,
Cox 1980) covers `protect_cross` only, while pages link many tables through shared totals (not a
network), and the "<N" bounds would need their own argument; floating-point ranks, which could
misjudge a count.
"""

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import optimize, sparse

Key = Hashable
Row = dict[int, int]  # variable index -> coefficient
# A free variable's basic direction: the variables it moves, and by how much for one step of it.
Moves = dict[int, list[tuple[int, float]]]


@dataclass(frozen=True)
class Unknown:
    """A hidden count: its true value and the bounds its mark tells the attacker (upper None: none)."""

    value: int
    lower: int
    upper: int | None


@dataclass
class Memory:
    """What earlier checks over fewer hidden keys proved (see `disclosed`)."""

    free: set[Key] = field(default_factory=set)  # keys seen to take two values or more
    groups: dict[frozenset[Key], set[Key]] = field(default_factory=dict)  # a group's disclosed keys


def disclosed(
    unknowns: dict[Key, Unknown], equations: Sequence[dict[Key, int]], *, memory: Memory | None = None
) -> set[Key]:
    """The hidden keys whose value follows from the equations (coefficients over hidden keys only; the
    shown counts already moved to the other side) and the bounds.

    With `memory`, calls over a growing set of hidden keys (the same equations and bounds, more keys
    hidden each time) skip what earlier calls proved: hiding more only widens what the attacker must
    allow, so a count once free stays free, and a group of counts seen before has the same answer.
    """
    keys = list(unknowns)
    index = {key: i for i, key in enumerate(keys)}
    rows = [{index[k]: c for k, c in eq.items() if c} for eq in equations]
    rows = [row for row in rows if row]
    memory = memory if memory is not None else Memory()
    found: set[Key] = set()
    for variables, component_rows in _components(len(keys), rows):
        group = frozenset(keys[v] for v in variables)
        if group <= memory.free:
            continue
        if group not in memory.groups:
            local = {v: i for i, v in enumerate(variables)}
            matrix = [{local[v]: c for v, c in row.items()} for row in component_rows]
            values = [unknowns[keys[v]] for v in variables]
            open_ = [i for i, v in enumerate(variables) if keys[v] not in memory.free]
            fixed = {keys[variables[i]] for i in _fixed(matrix, values, open_)}
            memory.groups[group] = fixed
            memory.free |= group - fixed
        found |= memory.groups[group]
    return found


def _components(size: int, rows: list[Row]) -> list[tuple[list[int], list[Row]]]:
    """Groups of hidden counts tied together by equations (independent of each other)."""
    parent = list(range(size))

    def root(v: int) -> int:
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    for row in rows:
        first, *rest = row
        for v in rest:
            parent[root(v)] = root(first)
    groups: dict[int, tuple[list[int], list[Row]]] = {}
    for v in range(size):
        groups.setdefault(root(v), ([], []))[0].append(v)
    for row in rows:
        groups[root(next(iter(row)))][1].append(row)
    return list(groups.values())


def _fixed(rows: list[Row], values: list[Unknown], open_: list[int]) -> list[int]:
    """Indices of the variables of one component that take one value only (of those in `open_`, the
    ones not already known to be free; the others are free)."""
    pinned = {i for i, u in enumerate(values) if u.lower == u.upper}
    if pinned:
        rows = _without(rows, pinned)
    pivots = _reduce(rows)
    # The allowed directions: one per free variable f, moving f by 1 and each pivot p by
    # -row_p[f] / row_p[p] (a pivot row holds its pivot and free variables only).
    moves: Moves = {f: [(f, 1.0)] for f in range(len(values)) if f not in pivots and f not in pinned}
    for p, row in pivots.items():
        for f, c in row.items():
            if f != p:
                moves[f].append((p, -c / row[p]))
    tight = {
        i: 1 if u.value == u.lower else -1
        for i, u in enumerate(values)
        if i not in pinned and u.value in (u.lower, u.upper)
    }
    moved = _moved_cheaply(moves, tight)
    if all(i in moved for i in open_ if i not in pinned):
        return sorted(pinned)
    stuck = _stuck_bounds(moves, tight, [i for i in tight if i not in moved])
    if stuck:
        pivots = _reduce(_without(rows, set(stuck)))
    ones = [p for p, row in pivots.items() if len(row) == 1]
    return sorted({*pinned, *stuck, *ones})


def _without(rows: list[Row], columns: set[int]) -> list[Row]:
    """The rows with these variables held where they are (their columns dropped)."""
    return [{j: c for j, c in row.items() if j not in columns} for row in rows]


def _reduce(rows: list[Row]) -> dict[int, Row]:
    """Reduced row echelon form, exactly, in whole numbers: pivot column -> its row (primitive, the
    pivot positive, nothing in the other pivot columns). Equations of counts have small whole
    coefficients, so whole numbers stay small and cost far less than fractions."""
    pivots: dict[int, Row] = {}
    for original in rows:
        row = dict(original)
        # A pivot row has nothing in the other pivot columns: one pass clears them all.
        for column in [j for j in row if j in pivots]:
            row = _combine(row, pivots[column], column)
        if not row:
            continue
        column = min(row)
        if row[column] < 0:
            row = {j: -c for j, c in row.items()}
        for other_column, other in pivots.items():
            if column in other:
                pivots[other_column] = _combine(other, row, column)
        pivots[column] = row
    return pivots


def _combine(row: Row, pivot_row: Row, column: int) -> Row:
    """`row` with `column` cleared by a multiple of `pivot_row` (a positive pivot), divided by the common
    factor when the pivot is not 1."""
    a, b = pivot_row[column], row[column]
    merged = dict(row) if a == 1 else {j: a * c for j, c in row.items()}
    for j, c in pivot_row.items():
        value = merged.get(j, 0) - b * c
        if value:
            merged[j] = value
        else:
            merged.pop(j, None)
    if a == 1:
        return merged
    common = 0
    for c in merged.values():
        common = math.gcd(common, c)
    return {j: c // common for j, c in merged.items()} if common > 1 else merged


def _moved_cheaply(moves: Moves, tight: dict[int, int]) -> set[int]:
    """Counts that one of the basic directions, or a sum of them, moves without leaving a bound.

    A direction that keeps every tight count not yet moved inside its bound is allowed once added to
    a large multiple of the directions found before (they move the others inward). What is moved here
    is certainly free; the linear programme then only has to look at the tight counts left.
    """
    # Per direction: what it moves, and for each tight count it moves, + inward, - outward.
    pending = [
        ([i for i, _ in move], [(i, tight[i] * c) for i, c in move if i in tight]) for move in moves.values()
    ]
    moved: set[int] = set()
    changed = True
    while changed:
        changed = False
        left = []
        for support, signs in pending:
            if moved.issuperset(support):
                continue
            ways = [s for i, s in signs if i not in moved]
            if all(s > 0 for s in ways) or all(s < 0 for s in ways):
                moved.update(support)
                changed = True
            else:
                left.append((support, signs))
        pending = left
    return moved


def _stuck_bounds(moves: Moves, tight: dict[int, int], undecided: list[int]) -> list[int]:
    """The counts of `undecided` (on a bound, not yet moved) that no allowed direction moves off it.

    Maximise the sum of t_i over them, with sign_i·d_i(z) >= t_i, 0 <= t_i <= 1 and z free (d(z):
    the direction with weight z_f on the basic direction of each free variable f). Moving off bound i
    is possible iff some direction has t_i > 0, and the sum of such directions, scaled, has every such
    t_i = 1 at once: at the optimum each t_i is 1 (movable) or 0 (stuck), so reading them needs no
    fine tolerance. The tight counts already moved need no row: a direction that moves them inward,
    added large enough, makes up for anything another direction does to them.
    """
    if not undecided:
        return []
    row_of = {i: r for r, i in enumerate(undecided)}
    weights = {f: [(row_of[i], c) for i, c in move if i in row_of] for f, move in moves.items()}
    weights = {f: entries for f, entries in weights.items() if entries}
    k, t = len(weights), len(undecided)
    # Columns: z (k, free), then t (t, in 0..1). Row r: t_r - sign_r * d_r(z) <= 0. Sparse, solved by
    # HiGHS: a year's publication checks thousands of tight counts at once.
    rows, columns, data = [], [], []
    for j, entries in enumerate(weights.values()):
        for r, c in entries:
            rows.append(r)
            columns.append(j)
            data.append(-tight[undecided[r]] * c)
    rows += list(range(t))
    columns += [k + r for r in range(t)]
    data += [1.0] * t
    constraints = sparse.csr_array((data, (rows, columns)), shape=(t, k + t))
    result = optimize.linprog(
        c=np.concatenate([np.zeros(k), -np.ones(t)]),
        A_ub=constraints,
        b_ub=np.zeros(t),
        bounds=[(None, None)] * k + [(0.0, 1.0)] * t,
        method="highs",
    )
    if result.status != 0:
        return undecided  # no answer: treat them all as stuck (hides more, never less)
    return [i for r, i in enumerate(undecided) if result.x[k + r] < 0.5]
