"""Differencing attacks on the duration tables' counts (R9's reports answered and still waiting at a
period's end, all and by urgency): every page of a year put side by side by someone who knows how the
counts add up (a country is its provinces, a quarter its months, all the reports their urgent and not
urgent ones), and no hidden count can be worked out; the same counts suppressed table by table, as
they were, give some away."""

import random
from collections import defaultdict
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from childshield.core.suppression import Cell, suppress
from childshield.insights.figures.publication import COUNTRY, ENDED, WAITING
from childshield.insights.figures.refresh import refresh
from childshield.insights.figures.sources import Source
from childshield.insights.models import PublishedCell
from childshield.intake.models import ReportMessage, Sender
from tests.core.test_suppression_differencing import Attacker
from tests.insights.test_indicators import _report

pytestmark = pytest.mark.django_db

BELOW = 5
MONTHS = [f"2026-{month:02d}" for month in range(1, 13)]
QUARTERS = {f"2026-Q{q}": MONTHS[3 * (q - 1) : 3 * q] for q in range(1, 5)}
PERIODS = [*MONTHS, *QUARTERS, "2026"]
GROUPS = ["urgent", "not_urgent"]


@pytest.fixture
def year_of_replies(shipped_data, counsellor):
    """A made-up year of 200 reports in three provinces and none, a few urgent, most answered within
    hours, some weeks later (in a later month: waiting at the end of theirs), some never."""
    rng = random.Random(9)
    for _step in range(200):
        month = rng.choice(range(1, 13))
        created_at = timezone.make_aware(datetime(2026, month, rng.randint(1, 28), 12, 0))
        report = _report(
            created_at,
            province=rng.choices(["VN01", "VN79", "VN44", ""], weights=[6, 3, 1, 1])[0],
            is_urgent=rng.random() < 0.25,
        )
        hours = rng.choice([None, 1, 1, 3, 5, 20, 24 * 12, 24 * 40 if month < 11 else 24])
        if hours is not None:
            ReportMessage.objects.create(
                report=report,
                sender=Sender.STAFF,
                author=counsellor,
                body="We read it.",
                created_at=created_at + timedelta(hours=hours),
            )
    refresh(sources=[Source.REPORTS])


def _everything_published():
    """Every count of the R9 tables of 2026 as an attacker reads them (a count not stored is none,
    shown under the threshold), and every equation true of them: the ended add up over places, groups
    and time; the waiting over places and groups (not in time: a quarter's waiting are those not
    answered by the quarter's end)."""
    rows = PublishedCell.objects.filter(source="duration:report_reply", country="VN", year=2026)
    stored = {(row.period, row.place, row.dimension, row.value): (row.count, row.shown) for row in rows}
    places = sorted({place for _p, place, _d, _v in stored if place != COUNTRY})
    counts, shown = {}, {}
    for period in PERIODS:
        for place in [*places, COUNTRY]:
            for quantity in (ENDED, WAITING):
                for group in ["", *GROUPS]:
                    key = (period, place, quantity, group)
                    counts[key], shown[key] = stored.get(key, (0, f"<{BELOW}"))
    equations = []
    for quantity in (ENDED, WAITING):
        for period in PERIODS:
            for group in ["", *GROUPS]:
                equations.append(
                    ((period, COUNTRY, quantity, group), [(period, p, quantity, group) for p in places])
                )
            for place in [*places, COUNTRY]:
                equations.append(
                    ((period, place, quantity, ""), [(period, place, quantity, g) for g in GROUPS])
                )
    for place in [*places, COUNTRY]:
        for group in ["", *GROUPS]:
            for quarter, months in QUARTERS.items():
                equations.append(((quarter, place, ENDED, group), [(m, place, ENDED, group) for m in months]))
            equations.append((("2026", place, ENDED, group), [(q, place, ENDED, group) for q in QUARTERS]))
    return counts, shown, equations


def test_no_hidden_count_of_the_duration_tables_can_be_worked_out_from_every_page_side_by_side(
    year_of_replies,
):
    counts, shown, equations = _everything_published()
    for total, parts in equations:  # the attacker's equations are true of the counts
        assert counts[total] == sum(counts[part] for part in parts)
    # And the waiting have no equation in time: a quarter's are not its months' added up.
    assert any(
        counts[(quarter, COUNTRY, WAITING, "")] != sum(counts[(m, COUNTRY, WAITING, "")] for m in months)
        for quarter, months in QUARTERS.items()
    )
    recovered = Attacker(shown, equations, below=BELOW).recovered()
    assert {key: number for key, number in recovered.items() if number} == {}
    hidden = [key for key, text in shown.items() if text == "[c]"]
    assert len(hidden) > 10  # hidden beside small counts: there was something to protect


def test_the_same_counts_suppressed_table_by_table_give_hidden_counts_away(year_of_replies):
    """The attack has teeth: each table's counts suppressed on their own (a period and place's groups
    with their total), as the duration tables did, lose counts to the same attacker."""
    counts, _shown, equations = _everything_published()
    table_by_table = {}
    tables = defaultdict(list)
    for (period, place, quantity, group), number in counts.items():
        if group:
            tables[(period, place, quantity)].append(Cell(item=group, label=group, count=number))
    for (period, place, quantity), cells in tables.items():
        total = Cell(item="", label="total", count=counts[(period, place, quantity, "")])
        suppress(cells, total, below=BELOW)
        table_by_table.update({(period, place, quantity, cell.item): cell.shown for cell in [*cells, total]})
    recovered = Attacker(table_by_table, equations, below=BELOW).recovered()
    assert any(recovered.values()), "suppressed one table at a time, hidden counts are had by subtraction"
    assert all(counts[key] == number for key, number in recovered.items())
