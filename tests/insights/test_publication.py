"""Differencing attacks across pages: every page of a year (each month, quarter and the year, the
country and each province, every table) put side by side by someone who knows how they add up, and no
hidden count can be worked out; the same counts suppressed page by page give some away."""

import random
from collections import defaultdict
from datetime import datetime
from itertools import count

import pytest
from django.utils import timezone

from childshield.core.suppression import Cell, suppress
from childshield.insights.figures.publication import COUNTRY
from childshield.insights.figures.refresh import refresh
from childshield.insights.models import PublishedCell
from childshield.intake.models import Report
from childshield.places.models import Area
from tests.core.test_suppression_differencing import Attacker

pytestmark = pytest.mark.django_db

BELOW = 5
_references = count(1)
# What a report holds one of (its rows add up to the total); harms are several per report.
ONE_PER_REPORT = ("channel", "age_band", "gender", "platform")
MONTHS = [f"2026-{month:02d}" for month in range(1, 13)]
QUARTERS = {f"2026-Q{q}": MONTHS[3 * (q - 1) : 3 * q] for q in range(1, 5)}


@pytest.fixture
def year_of_reports(shipped_data):
    """A made-up year of 260 reports in three provinces (one merged into another in 2025) and none,
    most months thin, so that pages side by side have something to give away."""
    rng = random.Random(18)
    provinces = [Area.objects.get(code=code) for code in ("VN01", "VN79", "VN44")] + [None]
    for _step in range(260):
        month = rng.choice(range(1, 13))
        Report.objects.create(
            reference=f"PUB{next(_references):04d}",
            about="me",
            country="VN",
            created_at=timezone.make_aware(datetime(2026, month, rng.randint(1, 28), 12, 0)),
            province=rng.choices(provinces, weights=[6, 3, 1, 1])[0],
            harms=rng.sample(["threatened", "asked_for_pictures", "bullying", "grooming"], rng.randint(0, 2)),
            age_band=rng.choice(["13_15", "13_15", "16_17", "10_12", "under_10", ""]),
            gender=rng.choice(["girl", "girl", "boy", "boy", ""]),
        )
    refresh()


def _everything_published(source):
    """Every figure of the source's 2026 pages as an attacker reads them, a zero as under the threshold,
    and how they add up: provinces to the country, months to quarters to the year, a report's one
    value of a dimension to the total."""
    rows = PublishedCell.objects.filter(source=source, country="VN", year=2026)
    stored = {(row.period, row.place, row.dimension, row.value): (row.count, row.shown) for row in rows}
    places = sorted({place for _p, place, _d, _v in stored if place != COUNTRY})
    values = sorted({(dimension, value) for _p, _place, dimension, value in stored})
    periods = [*MONTHS, *QUARTERS, "2026"]
    counts, shown = {}, {}
    for period in periods:
        for place in [*places, COUNTRY]:
            for dimension, value in values:
                key = (period, place, dimension, value)
                counts[key], shown[key] = stored.get(key, (0, f"<{BELOW}"))
    equations = []
    for place in [*places, COUNTRY]:
        for dimension, value in values:
            for quarter, months in QUARTERS.items():
                equations.append(
                    ((quarter, place, dimension, value), [(m, place, dimension, value) for m in months])
                )
            equations.append(
                (("2026", place, dimension, value), [(q, place, dimension, value) for q in QUARTERS])
            )
    for period in periods:
        for dimension, value in values:
            equations.append(
                ((period, COUNTRY, dimension, value), [(period, p, dimension, value) for p in places])
            )
        for place in [*places, COUNTRY]:
            for dimension in ONE_PER_REPORT:
                parts = [(period, place, d, v) for d, v in values if d == dimension]
                equations.append(((period, place, "", ""), parts))
    return counts, shown, equations


def test_no_hidden_count_can_be_worked_out_from_every_page_of_the_year_side_by_side(year_of_reports):
    counts, shown, equations = _everything_published("reports")
    for total, parts in equations:  # the attacker's equations are true of the counts
        assert counts[total] == sum(counts[part] for part in parts)
    recovered = Attacker(shown, equations, below=BELOW).recovered()
    # A value a province never had all year can be known to be none there: a zero tells of no child.
    assert {key: number for key, number in recovered.items() if number} == {}
    hidden = [key for key, text in shown.items() if text == "[c]"]
    assert len(hidden) > 30  # hidden beside small counts: there was something to protect


def test_the_same_figures_suppressed_page_by_page_give_hidden_counts_away(year_of_reports):
    """The attack has teeth: each page's tables protected on their own, as before, lose counts."""
    counts, _shown, equations = _everything_published("reports")
    tables = defaultdict(list)
    for (period, place, dimension, value), number in counts.items():
        if dimension:
            tables[(period, place, dimension)].append(Cell(item=value, label=value, count=number))
    page_by_page = {}
    for (period, place, dimension), cells in tables.items():
        total = Cell(item="total", label="total", count=counts[(period, place, "", "")])
        if dimension in ONE_PER_REPORT:
            suppress(cells, total, below=BELOW)
        else:
            for cell in cells:
                suppress([], cell, below=BELOW)
            suppress([], total, below=BELOW)
        page_by_page.update({(period, place, dimension, cell.item): cell.shown for cell in cells})
        page_by_page[(period, place, "", "")] = total.shown
    recovered = Attacker(page_by_page, equations, below=BELOW).recovered()
    assert any(recovered.values()), "suppressed one page at a time, hidden counts are had by subtraction"
    assert all(counts[key] == number for key, number in recovered.items())
