"""Suppression across tables at the size a page publishes, with counts as small as a province's: the
differencing attacker still fails, and the disclosure check that remembers earlier rounds answers as a
fresh one would."""

import random

from childshield.core.suppression.disclosure import Memory, Unknown, disclosed
from childshield.core.suppression.linked import protect
from tests.core.test_suppression_differencing import (
    BELOW,
    Attacker,
    assert_safe,
    flat,
    lattice,
    published_naively,
)

SMALL_COUNTS = [0, 0, 1, 2, 3, 5, 8, 12, 20, 40]  # many zeros and cells under 5, as per province


def provinces_by_dimensions(rng, provinces, dimensions, values):
    """Each province's total shared by one table per dimension, the country's margin per value and
    the country's total: every table of a page over one source, in one system of equations."""
    cells = {}
    for p in range(provinces):
        first = [rng.choice(SMALL_COUNTS) for _ in range(values)]
        for d in range(dimensions):
            row = first if d == 0 else _spread(sum(first), [rng.choice(SMALL_COUNTS) for _ in range(values)])
            cells.update({(p, d, v): count for v, count in enumerate(row)})
    counts = {("province", p): sum(cells[(p, 0, v)] for v in range(values)) for p in range(provinces)}
    for d in range(dimensions):
        for v in range(values):
            counts[("country", d, v)] = sum(cells[(p, d, v)] for p in range(provinces))
    counts["country"] = sum(counts[("province", p)] for p in range(provinces))
    counts.update({("cell", *key): count for key, count in cells.items()})
    equations = [
        (("province", p), [("cell", p, d, v) for v in range(values)])
        for p in range(provinces)
        for d in range(dimensions)
    ]
    for d in range(dimensions):
        equations += [
            (("country", d, v), [("cell", p, d, v) for p in range(provinces)]) for v in range(values)
        ]
        equations.append(("country", [("country", d, v) for v in range(values)]))
    equations.append(("country", [("province", p) for p in range(provinces)]))
    return counts, equations


def _spread(total, weights):
    weights = weights if any(weights) else [1] * len(weights)
    parts = [total * w // sum(weights) for w in weights]
    parts[weights.index(max(weights))] += total - sum(parts)
    return parts


def test_provinces_by_four_dimensions_sharing_their_totals_give_no_count_away():
    rng = random.Random(1)
    counts, equations = provinces_by_dimensions(rng, provinces=12, dimensions=4, values=5)
    assert Attacker(published_naively(counts, equations), equations).recovered()
    assert_safe(counts, equations, protect(counts, equations, below=BELOW))


def test_a_wide_cross_table_of_small_counts_gives_no_count_away():
    rng = random.Random(1)
    rows, columns = range(20), range(5)
    counts, equations = lattice(
        [flat(rows), flat(columns)], {(r, c): rng.choice(SMALL_COUNTS) for r in rows for c in columns}
    )
    assert Attacker(published_naively(counts, equations), equations).recovered()
    assert_safe(counts, equations, protect(counts, equations, below=BELOW))


def test_a_check_that_remembers_earlier_rounds_finds_what_a_fresh_check_finds():
    rng = random.Random(3)
    counts, equations = provinces_by_dimensions(rng, provinces=6, dimensions=3, values=4)
    order = list(counts)
    rng.shuffle(order)
    memory = Memory()
    disclosed_seen = 0
    for size in range(1, len(order) + 1, 3):
        hidden = set(order[:size])
        unknowns = {
            key: Unknown(counts[key], 0, BELOW - 1)
            if counts[key] < BELOW
            else Unknown(counts[key], BELOW, None)
            for key in order[:size]
        }
        rows = [
            {key: sign for key, sign in [(total, 1), *((part, -1) for part in parts)] if key in hidden}
            for total, parts in equations
        ]
        fresh = disclosed(unknowns, rows)
        assert disclosed(unknowns, rows, memory=memory) == fresh
        disclosed_seen += len(fresh)
    assert disclosed_seen
