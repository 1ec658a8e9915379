"""Differencing attacks on published figures: an attacker who knows every shown count and every equation
between tables tries to work out hidden counts, and must fail on what `protect` publishes."""

import itertools
import math
import random
from fractions import Fraction

import pytest

from childshield.core.suppression import HIDDEN, Cell, suppress
from childshield.core.suppression.linked import (
    duration_shown,
    protect,
    protect_cross,
    protect_linked,
    protect_multi_valued,
)

BELOW = 5


class Attacker:
    """Reads published figures as bounds (a number exactly, "<N" as 0..N-1, a complementary hide as N or
    more) and narrows them: every equation bounds its total by its parts and each part by the total
    minus the others (which solves any equation with one unknown left), and elimination over the
    equations with the counts found so far substituted. Returns the hidden counts it pinned down."""

    def __init__(self, shown, equations, *, below=BELOW):
        self.equations = [(total, list(parts)) for total, parts in equations]
        self.hidden = {key for key, text in shown.items() if not text.isdigit()}
        self.low, self.high = {}, {}
        for key, text in shown.items():
            if text.isdigit():
                self.low[key] = self.high[key] = int(text)
            elif text == HIDDEN:
                self.low[key], self.high[key] = below, math.inf
            else:
                self.low[key], self.high[key] = 0, below - 1

    def recovered(self):
        while self._narrow() | self._eliminate():
            pass
        return {key: self.low[key] for key in self.hidden if self.low[key] == self.high[key]}

    def _set(self, key, low, high):
        low, high = max(self.low[key], low, 0), min(self.high[key], high)
        assert low <= high, "the published figures contradict the equations"
        changed = (low, high) != (self.low[key], self.high[key])
        self.low[key], self.high[key] = low, high
        return changed

    def _narrow(self):
        changed = False
        for total, parts in self.equations:
            changed |= self._set(total, sum(self.low[p] for p in parts), sum(self.high[p] for p in parts))
            for i, part in enumerate(parts):
                others = parts[:i] + parts[i + 1 :]
                low = self.low[total] - sum(self.high[p] for p in others)
                high = self.high[total] - sum(self.low[p] for p in others)
                changed |= self._set(part, low, high)
        return changed

    def _eliminate(self):
        unknown = sorted({k for k in self.low if self.low[k] != self.high[k]}, key=repr)
        rows = []
        for total, parts in self.equations:
            row, constant = {}, Fraction(0)
            for key, sign in [(total, 1)] + [(p, -1) for p in parts]:
                if self.low[key] == self.high[key]:
                    constant -= sign * self.low[key]
                else:
                    row[key] = row.get(key, 0) + sign
            rows.append(({k: Fraction(c) for k, c in row.items() if c}, constant))
        reduced = []  # (pivot, row, constant), each row reduced by the pivots before it
        for row, constant in rows:
            for pivot, prow, pconstant in reduced:
                factor = row.get(pivot, 0)
                if factor:
                    for k, c in prow.items():
                        row[k] = row.get(k, 0) - factor * c
                    constant -= factor * pconstant
                    row = {k: c for k, c in row.items() if c}
            if row:
                pivot = min(row, key=unknown.index)
                scale = row[pivot]
                reduced.append((pivot, {k: c / scale for k, c in row.items()}, constant / scale))
        changed = False
        for _ in range(len(reduced)):  # back-substitute whatever became one unknown
            for pivot, row, constant in reduced:
                open_keys = [k for k in row if self.low[k] != self.high[k]]
                if open_keys == [pivot]:
                    value = constant - sum(c * self.low[k] for k, c in row.items() if k != pivot)
                    changed |= self._set(pivot, value, value)
        return changed


def lattice(dimensions, leaf_counts):
    """Counts and equations of every table over some dimensions: each dimension a tree (node -> its
    children, leaves have none, the root is "*"); a key is a node per dimension; every key whose node
    has children is the sum over them, in each such dimension (a cell is shared by several tables)."""
    nodes = [list(tree) for tree in dimensions]
    counts = {}

    def count(key):
        if key not in counts:
            for d, node in enumerate(key):
                if dimensions[d][node]:
                    counts[key] = sum(
                        count((*key[:d], child, *key[d + 1 :])) for child in dimensions[d][node]
                    )
                    break
            else:
                counts[key] = leaf_counts[key]
        return counts[key]

    keys = list(itertools.product(*nodes))
    for key in keys:
        count(key)
    equations = [
        (key, [(*key[:d], child, *key[d + 1 :]) for child in dimensions[d][node]])
        for key in keys
        for d, node in enumerate(key)
        if dimensions[d][node]
    ]
    return {key: counts[key] for key in keys}, equations


def flat(values):
    return {"*": list(values), **{v: [] for v in values}}


def assert_safe(counts, equations, shown):
    assert Attacker(shown, equations).recovered() == {}
    for key, count in counts.items():
        assert shown[key] in (str(count), HIDDEN, f"<{BELOW}")
        assert (shown[key] == f"<{BELOW}") == (count < BELOW)
    for total, parts in equations:
        hidden = [p for p in parts if not shown[p].isdigit()]
        if hidden:
            total_hidden = not shown[total].isdigit()
            # (One part, as a province with a single district, is its total: both hidden alike.)
            enough = len(hidden) >= 2 or len(parts) == 1
            assert sum(counts[p] for p in hidden) >= BELOW or (enough and total_hidden)


def published_naively(counts, equations):
    """Each table suppressed on its own with `suppress`; the attacker reads every table."""
    shown = {}
    for total, parts in equations:
        cells = [Cell(str(p), str(p), counts[p]) for p in parts]
        total_cell = Cell(str(total), str(total), counts[total])
        suppress(cells, total_cell, below=BELOW)
        for key, cell in zip([total, *parts], [total_cell, *cells], strict=True):
            if cell.shown.isdigit() or key not in shown:
                shown[key] = cell.shown
    return shown


def test_the_attacker_recovers_a_small_count_from_tables_suppressed_one_by_one():
    # Girls by province hides province A (3) and B (7); province B by sex shows its girls (7).
    counts = {"girls": 20, "girls-A": 3, "girls-B": 7, "girls-C": 10, "B": 15, "boys-B": 8}
    equations = [("girls", ["girls-A", "girls-B", "girls-C"]), ("B", ["girls-B", "boys-B"])]
    naive = published_naively(counts, equations)
    assert naive["girls-A"] == "<5"
    assert Attacker(naive, equations).recovered() == {"girls-A": 3}
    assert_safe(counts, equations, protect(counts, equations, below=BELOW))


def test_a_province_table_with_its_country_total_hides_one_more_province_the_smallest():
    counts = {"VN": 29, "VN-01": 3, "VN-02": 6, "VN-03": 20}
    equations = [("VN", ["VN-01", "VN-02", "VN-03"])]
    shown = protect(counts, equations, below=BELOW)
    assert shown == {"VN": "29", "VN-01": "<5", "VN-02": HIDDEN, "VN-03": "20"}
    assert_safe(counts, equations, shown)


def test_two_small_provinces_that_add_up_to_less_than_the_threshold_take_a_third_with_them():
    counts = {"VN": 40, "VN-01": 1, "VN-02": 2, "VN-03": 12, "VN-04": 25}
    equations = [("VN", ["VN-01", "VN-02", "VN-03", "VN-04"])]
    shown = protect(counts, equations, below=BELOW)
    assert shown["VN-03"] == HIDDEN and shown["VN-04"] == "25"
    assert_safe(counts, equations, shown)


def test_a_quarter_and_its_three_months_cannot_be_subtracted():
    counts = {"2026-Q3": 21, "2026-07": 4, "2026-08": 9, "2026-09": 8}
    equations = [("2026-Q3", ["2026-07", "2026-08", "2026-09"])]
    shown = protect(counts, equations, below=BELOW)
    assert shown["2026-07"] == "<5" and shown["2026-09"] == HIDDEN and shown["2026-08"] == "9"
    assert_safe(counts, equations, shown)


def test_months_by_provinces_with_both_margins_resist_row_and_column_differencing():
    months = flat(["07", "08", "09"])
    provinces = flat(["VN-01", "VN-02", "VN-03", "VN-04"])
    leaves = [[2, 9, 14, 6], [7, 0, 11, 8], [12, 6, 3, 15]]
    leaf_counts = {
        (m, p): leaves[i][j] for i, m in enumerate(["07", "08", "09"]) for j, p in enumerate(provinces["*"])
    }
    counts, equations = lattice([months, provinces], leaf_counts)
    shown = protect(counts, equations, below=BELOW)
    assert shown[("*", "*")] == str(sum(map(sum, leaves)))
    assert_safe(counts, equations, shown)


def test_a_cross_table_of_sex_by_age_band_keeps_its_margins_and_hides_a_rectangle():
    counts = {("female", "10-13"): 3, ("female", "14-17"): 9, ("male", "10-13"): 7, ("male", "14-17"): 12}
    shown = protect_cross(counts, below=BELOW)
    assert shown.cells == {
        ("female", "10-13"): "<5",
        ("female", "14-17"): HIDDEN,
        ("male", "10-13"): HIDDEN,
        ("male", "14-17"): HIDDEN,
    }
    assert shown.row_totals == {"female": "12", "male": "19"}
    assert shown.column_totals == {"10-13": "10", "14-17": "21"}
    assert shown.total == "31"
    keyed, equations = lattice([flat(["female", "male"]), flat(["10-13", "14-17"])], counts)
    by_key = {
        **{(r, c): shown.cells[(r, c)] for r, c in counts},
        **{(r, "*"): v for r, v in shown.row_totals.items()},
        **{("*", c): v for c, v in shown.column_totals.items()},
        ("*", "*"): shown.total,
    }
    assert_safe(keyed, equations, by_key)


def test_the_same_cell_in_two_tables_is_protected_in_both():
    counts = {"girls": 10, "girls-A": 3, "girls-B": 7, "B": 15, "boys-B": 8}
    equations = [("girls", ["girls-A", "girls-B"]), ("B", ["girls-B", "boys-B"])]
    shown = protect(counts, equations, below=BELOW)
    assert shown["girls-B"] == HIDDEN and shown["boys-B"] == HIDDEN
    assert_safe(counts, equations, shown)


def test_a_count_hidden_beside_a_small_one_is_one_that_starts_no_new_pattern():
    """Girls of province A are too few: one more girls' count is hidden beside them. Province B's
    girls (7) are the smaller, but hiding them would leave B's own total to give them away, and
    boys of B would be hidden too; province C's girls (10) are in no other table: hiding them is
    enough, and B's figures all show."""
    counts = {"girls": 20, "girls-A": 3, "girls-B": 7, "girls-C": 10, "B": 15, "boys-B": 8}
    equations = [("girls", ["girls-A", "girls-B", "girls-C"]), ("B", ["girls-B", "boys-B"])]
    shown = protect(counts, equations, below=BELOW)
    assert shown == {
        "girls": "20",
        "girls-A": "<5",
        "girls-B": "7",
        "girls-C": HIDDEN,
        "B": "15",
        "boys-B": "8",
    }
    assert_safe(counts, equations, shown)


def test_a_total_under_the_threshold_is_shown_as_small_and_so_are_its_parts():
    counts = {"VN": 4, "VN-01": 1, "VN-02": 3}
    shown = protect(counts, [("VN", ["VN-01", "VN-02"])], below=BELOW)
    assert shown == {"VN": "<5", "VN-01": "<5", "VN-02": "<5"}


def test_nothing_is_hidden_when_no_count_is_small():
    counts, equations = lattice(
        [flat("abc"), flat("xy")], {k: 5 + i for i, k in enumerate(itertools.product("abc", "xy"))}
    )
    shown = protect(counts, equations, below=BELOW)
    assert shown == {key: str(count) for key, count in counts.items()}


def test_equations_that_do_not_add_up_are_refused():
    # A report naming several harms counts under each: such a table has no equation.
    with pytest.raises(ValueError, match="do not add up"):
        protect({"reports": 10, "harm-a": 7, "harm-b": 6}, [("reports", ["harm-a", "harm-b"])], below=BELOW)
    with pytest.raises(ValueError, match="no count"):
        protect({"reports": 10}, [("reports", ["harm-a"])], below=BELOW)


def test_multi_valued_cells_are_suppressed_each_on_its_own():
    shown = protect_multi_valued({"reports": 10, "sextortion": 7, "grooming": 4, "images": 6}, below=BELOW)
    assert shown == {"reports": "10", "sextortion": "7", "grooming": "<5", "images": "6"}


def test_a_median_over_fewer_records_than_the_threshold_is_not_shown():
    assert duration_shown(4, 36.5, below=BELOW) is None
    assert duration_shown(5, 36.5, below=BELOW) == 36.5
    assert duration_shown(0, None, below=BELOW) is None


def random_dimensions(rng):
    shape = rng.choice(["one", "two", "two", "nested", "three"])
    if shape == "one":
        return [flat(range(rng.randint(2, 6)))]
    if shape == "two":
        return [flat(range(rng.randint(2, 4))), flat("xyzw"[: rng.randint(2, 4)])]
    if shape == "three":
        return [flat("fm"), flat("ab"), flat(range(rng.randint(2, 3)))]
    # Country -> provinces -> districts, by month.
    tree, leaf = {"*": []}, 0
    for p in range(rng.randint(2, 3)):
        tree["*"].append(f"P{p}")
        tree[f"P{p}"] = [f"D{leaf + d}" for d in range(rng.randint(1, 3))]
        for district in tree[f"P{p}"]:
            tree[district] = []
        leaf += len(tree[f"P{p}"])
    return [tree, flat(range(rng.randint(1, 3)))]


def test_random_linked_tables_never_give_a_hidden_count_away():
    rng = random.Random(18)
    small_seen = 0
    for _ in range(300):
        dimensions = random_dimensions(rng)
        leaves = itertools.product(
            *[[n for n, children in tree.items() if not children] for tree in dimensions]
        )
        counts, equations = lattice(dimensions, {key: rng.randint(0, 12) for key in leaves})
        shown = protect(counts, equations, below=BELOW)
        assert_safe(counts, equations, shown)
        small_seen += any(text != str(counts[key]) for key, text in shown.items())
    assert small_seen > 250


def _split(equations, rng):
    """The equations in small tables, as a publication groups them: by the dimension summed along and
    the node of one other dimension (a month's provinces, a province's months), in a random order."""
    tables = {}
    for total, parts in equations:
        along = next(d for d in range(len(total)) if total[d] != parts[0][d])
        beside = tuple(node for d, node in enumerate(total) if d != along)[:1]
        tables.setdefault((along, beside), []).append((total, parts))
    grouped = list(tables.values())
    rng.shuffle(grouped)
    return grouped


def test_random_linked_tables_protected_table_by_table_never_give_a_hidden_count_away():
    rng = random.Random(1807)
    small_seen = 0
    for _ in range(200):
        dimensions = random_dimensions(rng)
        leaves = itertools.product(
            *[[n for n, children in tree.items() if not children] for tree in dimensions]
        )
        counts, equations = lattice(dimensions, {key: rng.randint(0, 12) for key in leaves})
        shown = protect_linked(counts, _split(equations, rng), below=BELOW)
        assert_safe(counts, equations, shown)
        small_seen += any(text != str(counts[key]) for key, text in shown.items())
    assert small_seen > 150


def test_provinces_by_months_quarters_and_year_protected_table_by_table_resist_every_subtraction():
    """A year's publication in small: four provinces and the country, by month, quarter and year, by
    sex; each month's provinces and each province's months a table of their own."""
    rng = random.Random(3)
    quarters = {f"Q{q}": [f"M{3 * (q - 1) + m}" for m in range(1, 4)] for q in range(1, 5)}
    time = {"*": list(quarters), **quarters, **{m: [] for months in quarters.values() for m in months}}
    dimensions = [time, flat(["P1", "P2", "P3", "P4"]), flat("fm")]
    leaves = itertools.product(*[[n for n, children in tree.items() if not children] for tree in dimensions])
    counts, equations = lattice(dimensions, {key: rng.choice([0, 1, 2, 3, 6, 9, 14]) for key in leaves})
    shown = protect_linked(counts, _split(equations, rng), below=BELOW)
    assert_safe(counts, equations, shown)
    assert sum(text == HIDDEN for text in shown.values()) > 10
    # Tables protected alone, the same figures give counts away.
    assert Attacker(published_naively(counts, equations), equations).recovered()


def test_a_count_hidden_by_one_table_stays_hidden_in_every_table_that_shows_it():
    # Girls by province: A is 3, so B (7, the smallest other) is hidden beside it. Province B by sex
    # is another table: its girls are the same count, hidden there too, with a boy count beside them.
    counts = {"girls": 30, "girls A": 3, "girls B": 7, "girls C": 20, "B": 17, "boys B": 10}
    by_province = [("girls", ["girls A", "girls B", "girls C"])]
    province_b = [("B", ["girls B", "boys B"])]
    shown = protect_linked(counts, [by_province, province_b], below=BELOW)
    assert shown["girls B"] == HIDDEN
    assert shown["boys B"] == HIDDEN or shown["B"] == HIDDEN
    assert_safe(counts, by_province + province_b, shown)
