"""A year's figures become final FIGURES_FINAL_AFTER_DAYS (90) after the year ends: later counts keep
what was published of it, so no two versions of a final year can be set side by side (a cell hidden in
one and shown in the next, one record later, would give the hidden count away). Before that a count
publishes it again, and the pages say which a year is."""

import io
from datetime import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from childshield.insights.figures.publication import final_on
from childshield.insights.figures.refresh import refresh
from childshield.insights.models import MonthlyCount, PublishedCell
from childshield.intake.models import Report

pytestmark = pytest.mark.django_db


def _report(reference, when):
    Report.objects.create(
        reference=reference,
        about="me",
        country="VN",
        created_at=timezone.make_aware(when),
        harms=["threatened"],
        age_band="13_15",
        gender="girl",
    )


def _published_reports(year):
    return PublishedCell.objects.get(
        source="reports", year=year, period=str(year), place="country", dimension=""
    ).count


def test_a_year_is_published_again_until_it_is_final_then_kept(
    shipped_data, clock, manager, sign_in, settings
):
    settings.FIGURES_FINAL_AFTER_DAYS = 90
    assert str(final_on(2025)) == "2026-04-01"
    for number in range(12):
        _report(f"FIN{number:04d}", datetime(2025, 6, 1 + number, 12, 0))
    clock.now = timezone.make_aware(datetime(2026, 2, 1, 9, 0))
    refresh()
    assert _published_reports(2025) == 12
    page = sign_in(manager).get("/en/insights/indicators/?period=2025").content.decode()
    assert "The figures of 2025 are provisional: they may still change until" in page

    # Entered late, before the year is final: published with it at the next count.
    _report("FIN0100", datetime(2025, 7, 1, 12, 0))
    refresh()
    assert _published_reports(2025) == 13

    # Once final, a late record is counted but not published: 2025's figures are what they were.
    clock.now = timezone.make_aware(datetime(2026, 4, 1, 9, 0))
    _report("FIN0101", datetime(2025, 8, 1, 12, 0))
    _report("FIN0102", datetime(2026, 3, 2, 12, 0))
    refresh()
    assert (
        sum(
            MonthlyCount.objects.filter(source="reports", month__year=2025, dimension="").values_list(
                "count", flat=True
            )
        )
        == 14
    )
    assert _published_reports(2025) == 13
    assert _published_reports(2026) == 1  # the year going on is published as ever
    page = sign_in(manager).get("/en/insights/indicators/?period=2025-Q3").content.decode()
    assert "The figures of 2025 are final since" in page
    report = sign_in(manager).get("/en/insights/annual/2025/").content.decode()
    assert "data-final" in report and "data-provisional" not in report

    # Published again only on purpose (the way figures are published changed): --final.
    call_command("publish_figures", "--year", "2025", stdout=io.StringIO())
    assert _published_reports(2025) == 13
    call_command("publish_figures", "--year", "2025", "--final", stdout=io.StringIO())
    assert _published_reports(2025) == 14
