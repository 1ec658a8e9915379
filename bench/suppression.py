"""Benchmark of suppression across tables (`core.suppression.linked`): what protecting a page costs.

    .venv/bin/python bench/suppression.py [--runs 5] [--only cube] [--profile]

Counts are drawn as a page of small figures has them (many zeros and cells under 5):
`random.seed(1)`, then `random.choice([0, 0, 1, 2, 3, 5, 8, 12, 20, 40])` per cell. Cases:

- page: one source's total shared by 8 single-valued dimension tables of 3-10 values (about 60 keys,
  what an indicators page publishes side by side);
- cross RxC: `protect_cross` of R provinces by C values with its margins;
- cube: 35 provinces by 4 dimensions of 5 values, each province's total shared by its 4 tables, the
  country's margin per value and the country's total (756 keys).

Prints the p50 of `--runs` runs of each (and the number of keys and of counts hidden). In process, no
database; nothing is timed in the test suite.
"""

import argparse
import cProfile
import pstats
import random
import statistics
import sys
import time
from collections.abc import Callable, Hashable
from pathlib import Path

sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from childshield.core.suppression import HIDDEN  # noqa: E402
from childshield.core.suppression.linked import Equation, protect, protect_cross  # noqa: E402

BELOW = 5
CHOICES = [0, 0, 1, 2, 3, 5, 8, 12, 20, 40]


def _spread(total: int, weights: list[int]) -> list[int]:
    """`total` split in proportion to `weights` (largest remainders), so that a table adds up."""
    if not any(weights):
        weights = [1] * len(weights)
    shares = [total * w / sum(weights) for w in weights]
    parts = [int(share) for share in shares]
    by_remainder = sorted(range(len(parts)), key=lambda i: parts[i] - shares[i])
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


def page_case() -> tuple[dict[Hashable, int], list[Equation]]:
    random.seed(1)
    sizes = [random.randint(3, 10) for _ in range(8)]
    first = [random.choice(CHOICES) for _ in range(sizes[0])]
    counts: dict[Hashable, int] = {"total": sum(first)}
    equations: list[Equation] = []
    for d, size in enumerate(sizes):
        cells = first if d == 0 else _spread(counts["total"], [random.choice(CHOICES) for _ in range(size)])
        counts.update({(d, v): count for v, count in enumerate(cells)})
        equations.append(("total", [(d, v) for v in range(size)]))
    return counts, equations


def cross_case(rows: int, columns: int) -> dict[tuple[int, int], int]:
    random.seed(1)
    return {(r, c): random.choice(CHOICES) for r in range(rows) for c in range(columns)}


def cube_case(
    provinces: int = 35, dimensions: int = 4, values: int = 5
) -> tuple[dict[Hashable, int], list[Equation]]:
    random.seed(1)
    cells: dict[tuple[int, int, int], int] = {}
    for p in range(provinces):
        first = [random.choice(CHOICES) for _ in range(values)]
        for d in range(dimensions):
            row = first if d == 0 else _spread(sum(first), [random.choice(CHOICES) for _ in range(values)])
            cells.update({(p, d, v): count for v, count in enumerate(row)})
    counts: dict[Hashable, int] = {}
    equations: list[Equation] = []
    for p in range(provinces):
        counts[("province", p)] = sum(cells[(p, 0, v)] for v in range(values))
    for d in range(dimensions):
        for v in range(values):
            counts[("country", d, v)] = sum(cells[(p, d, v)] for p in range(provinces))
    counts["country"] = sum(counts[("province", p)] for p in range(provinces))
    counts.update({("cell", *key): count for key, count in cells.items()})
    for p in range(provinces):
        for d in range(dimensions):
            equations.append((("province", p), [("cell", p, d, v) for v in range(values)]))
    for d in range(dimensions):
        for v in range(values):
            equations.append((("country", d, v), [("cell", p, d, v) for p in range(provinces)]))
        equations.append(("country", [("country", d, v) for v in range(values)]))
    equations.append(("country", [("province", p) for p in range(provinces)]))
    return counts, equations


def _cases() -> dict[str, Callable[[], tuple[int, int]]]:
    def linked(
        make: Callable[[], tuple[dict[Hashable, int], list[Equation]]],
    ) -> Callable[[], tuple[int, int]]:
        counts, equations = make()

        def run() -> tuple[int, int]:
            shown = protect(counts, equations, below=BELOW)
            return len(shown), sum(text == HIDDEN for text in shown.values())

        return run

    def cross(rows: int, columns: int) -> Callable[[], tuple[int, int]]:
        counts = cross_case(rows, columns)

        def run() -> tuple[int, int]:
            shown = protect_cross(counts, below=BELOW)
            texts = [*shown.cells.values(), *shown.row_totals.values(), *shown.column_totals.values()]
            return len(texts) + 1, sum(text == HIDDEN for text in texts)

        return run

    return {
        "page": linked(page_case),
        "cross 10x4": cross(10, 4),
        "cross 20x5": cross(20, 5),
        "cross 35x6": cross(35, 6),
        "cube": linked(cube_case),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", help="one case by its name's start, e.g. cube or 'cross 35'")
    parser.add_argument("--profile", action="store_true", help="profile one run of each case instead")
    args = parser.parse_args()
    for name, run in _cases().items():
        if args.only and not name.startswith(args.only):
            continue
        if args.profile:
            profiler = cProfile.Profile()
            profiler.runcall(run)
            print(f"== {name}")
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(15)
            continue
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            keys, hidden = run()
            times.append(time.perf_counter() - started)
        p50 = statistics.median(times) * 1000
        print(
            f"{name:12} {keys:4} keys {hidden:4} [c]  p50 {p50:10.1f} ms  (best {min(times) * 1000:.1f} ms)"
        )


if __name__ == "__main__":
    main()
