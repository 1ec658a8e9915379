"""Benchmark of publishing the indicators (`insights.figures.publication`): what protecting each
source's year of figures, every page and period together, costs on a database's monthly counts.

    DATABASE_URL=sqlite:///var/demo.sqlite3 .venv/bin/python bench/publication.py [--source reports]

Reads the monthly counts (`insights.MonthlyCount`, filled by the background count: `seed_demo` fills
them for the demo) and, per source and year, builds the publication (`publication_system`) and
protects it (`protect_linked`) as `publish` does, without writing anything. Prints one line per
source and year (counts read, keys, tables, seconds to build and to protect, counts hidden beside
small ones) and, last, the total as JSON. Nothing is timed in the test suite.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import cast

sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "childshield.settings.dev")

import django  # noqa: E402

django.setup()

from collections.abc import Hashable  # noqa: E402

from django.conf import settings  # noqa: E402

from childshield.core.suppression import HIDDEN  # noqa: E402
from childshield.core.suppression.linked import protect_linked  # noqa: E402
from childshield.insights.figures.publication import publication_system  # noqa: E402
from childshield.insights.figures.sources import NOT_SAID, Source  # noqa: E402
from childshield.insights.models import MonthlyCount  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", action="append", choices=[source.value for source in Source])
    options = parser.parse_args()
    below = settings.FIGURES_SUPPRESS_BELOW
    total = 0.0
    for source in Source:
        if options.source and source.value not in options.source:
            continue
        counted = MonthlyCount.objects.filter(source=source)
        for country, year in sorted(set(counted.values_list("country", "month__year").distinct().order_by())):
            rows = list(
                counted.filter(country=country, month__year=year).values_list(
                    "month", "province_id", "dimension", "value", "count"
                )
            )
            started = time.perf_counter()
            system = publication_system(
                source, year, ((m, str(p) if p else NOT_SAID, d, v, n) for m, p, d, v, n in rows)
            )
            built = time.perf_counter()
            shown = protect_linked(
                cast(dict[Hashable, int], system.counts),
                system.tables,
                below=below,
                zeros_known=True,
                checks=system.checks,
            )
            done = time.perf_counter()
            total += done - started
            hidden = sum(1 for mark in shown.values() if mark == HIDDEN)
            print(
                f"{source:18} {country} {year}  {len(rows):6} counts {len(system.counts):6} keys "
                f"{len(system.tables):4} tables  build {built - started:6.2f} s  "
                f"protect {done - built:7.2f} s  {hidden:5} [c]",
                flush=True,
            )
    print(json.dumps({"seconds": round(total, 1)}))


if __name__ == "__main__":
    main()
