"""Which hidden counts an attacker could work out exactly from what is published (the audit `protect` runs).

The attacker knows every shown count, every equation "total = sum of parts" and the bounds each mark
gives: a "<N" count lies in 0..N-1, a complementary hide ("[c]") is at least N (only counts of N or more
are hidden that way), and no count is negative. A hidden count is disclosed when every set of values
agreeing with all of that takes the same value for it. Taking the true counts as one such set, a count
is free exactly when some direction d (A·d = 0 over the equations) moves it while keeping every count
that sits on a bound inside it. The bounds no direction can leave (implicit equalities) come out of one
linear programme; the rest is exact linear algebra over fractions. The test is linear: it catches
anything solved by chains of equations, cells shared between equations, and bounds, as a linear
programme would; an integer-only deduction on tables whose equations are not of the ordinary nested or
two-way kind is outside it.
"""

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

Key = Hashable
Row = dict[int, Fraction]  # variable index -> coefficient
_EPS = 1e-9


@dataclass(frozen=True)
class Unknown:
    """A hidden count: its true value and the bounds its mark tells the attacker (upper None: none)."""

    value: int
    lower: int
    upper: int | None


def disclosed(unknowns: dict[Key, Unknown], equations: Sequence[dict[Key, int]]) -> set[Key]:
    """The hidden keys whose value follows from the equations (coefficients over hidden keys only; the
    shown counts already moved to the other side) and the bounds."""
    keys = list(unknowns)
    index = {key: i for i, key in enumerate(keys)}
    rows = [{index[k]: Fraction(c) for k, c in eq.items() if c} for eq in equations]
    rows = [row for row in rows if row]
    found: set[Key] = set()
    for variables, component_rows in _components(len(keys), rows):
        local = {v: i for i, v in enumerate(variables)}
        matrix = [{local[v]: c for v, c in row.items()} for row in component_rows]
        values = [unknowns[keys[v]] for v in variables]
        for i in _fixed(matrix, values):
            found.add(keys[variables[i]])
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


def _fixed(rows: list[Row], values: list[Unknown]) -> list[int]:
    """Indices of the variables of one component that take one value only."""
    size = len(values)
    basis = _kernel(rows, size)  # the directions the equations allow, one vector per free variable
    pinned = [i for i, u in enumerate(values) if u.lower == u.upper]
    tight = [i for i, u in enumerate(values) if i not in pinned and u.value in (u.lower, u.upper)]
    stuck = pinned + (_stuck_bounds(basis, values, tight) if basis and tight else [])
    if stuck:
        # Directions must also keep the stuck counts where they are.
        constraints = [{j: vector[i] for j, vector in enumerate(basis) if vector[i]} for i in stuck]
        combos = _kernel(constraints, len(basis))
        basis = [
            [sum((c * basis[j][i] for j, c in enumerate(combo)), Fraction(0)) for i in range(size)]
            for combo in combos
        ]
    return [i for i in range(size) if all(vector[i] == 0 for vector in basis)]


def _kernel(rows: list[Row], size: int) -> list[list[Fraction]]:
    """A basis of {x : row·x = 0 for every row}, exactly (reduced row echelon form over fractions)."""
    pivots: list[tuple[int, Row]] = []  # (pivot column, row normalised to 1 there, reduced)
    for original in rows:
        row = dict(original)
        for column, pivot_row in pivots:
            factor = row.get(column)
            if factor:
                for j, c in pivot_row.items():
                    row[j] = row.get(j, Fraction(0)) - factor * c
                row = {j: c for j, c in row.items() if c}
        if not row:
            continue
        column = min(row)
        scale = row[column]
        row = {j: c / scale for j, c in row.items()}
        for k, (other_column, other) in enumerate(pivots):
            factor = other.get(column)
            if factor:
                merged = {
                    j: other.get(j, Fraction(0)) - factor * row.get(j, Fraction(0)) for j in {*other, *row}
                }
                pivots[k] = (other_column, {j: c for j, c in merged.items() if c})
        pivots.append((column, row))
    pivot_columns = {column for column, _ in pivots}
    basis = []
    for free in range(size):
        if free in pivot_columns:
            continue
        vector = [Fraction(0)] * size
        vector[free] = Fraction(1)
        for column, row in pivots:
            vector[column] = -row.get(free, Fraction(0))
        basis.append(vector)
    return basis


def _stuck_bounds(basis: list[list[Fraction]], values: list[Unknown], tight: list[int]) -> list[int]:
    """The counts on a bound that no allowed direction can move off it.

    Maximise the sum of t_i over the tight counts i, with sign_i·(B·z)_i >= t_i, 0 <= t_i <= 1 and z
    free (B: the kernel basis). Moving off bound i is possible iff some direction has t_i > 0, and the
    sum of such directions, scaled, has every such t_i = 1 at once: at the optimum each t_i is 1
    (movable) or 0 (stuck), so reading them needs no fine tolerance.
    """
    k, t = len(basis), len(tight)
    signs = [1.0 if values[i].value == values[i].lower else -1.0 for i in tight]
    # Columns: z+ (k), z- (k), t (t), slacks (2t). Rows: the t direction rows, then t caps.
    width = 2 * k + 3 * t
    table = np.zeros((2 * t + 1, width + 1))
    for r, (i, sign) in enumerate(zip(tight, signs, strict=True)):
        for j in range(k):
            coefficient = -sign * float(basis[j][i])
            table[r, j] = coefficient
            table[r, k + j] = -coefficient
        table[r, 2 * k + r] = 1.0
        table[r, 2 * k + t + r] = 1.0
        table[t + r, 2 * k + r] = 1.0
        table[t + r, 2 * k + 2 * t + r] = 1.0
        table[t + r, width] = 1.0
    table[-1, 2 * k : 2 * k + t] = -1.0  # objective row: reduced costs (negative: worth entering)
    basic = [2 * k + t + r for r in range(2 * t)]
    for _ in range(50 * (width + 2 * t)):
        entering = next((j for j in range(width) if table[-1, j] < -_EPS), None)
        if entering is None:
            break
        column = table[:-1, entering]
        candidates = [r for r in range(2 * t) if column[r] > _EPS]
        if not candidates:
            return tight  # cannot happen (the objective is at most t); stay on the safe side
        ratios = [(table[r, width] / column[r], basic[r], r) for r in candidates]
        best = min(ratio for ratio, _, _ in ratios)
        leaving = min((b, r) for ratio, b, r in ratios if ratio <= best + _EPS)[1]  # Bland's rule
        table[leaving] /= table[leaving, entering]
        pivot_row = table[leaving].copy()
        table -= np.outer(table[:, entering], pivot_row)
        table[leaving] = pivot_row
        basic[leaving] = entering
    else:
        return tight  # no answer in time: treat every tight count as stuck (hides more, never less)
    level = {column: table[r, width] for r, column in enumerate(basic)}
    return [i for r, i in enumerate(tight) if level.get(2 * k + r, 0.0) < 0.5]
