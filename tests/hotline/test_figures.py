"""Time to removal: median and 90th percentile (nearest rank), from the first notice and from the first
report, per provider, per hosting country and per month of removal."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied

from childshield.hotline import selectors
from childshield.hotline.models import HostingProvider
from childshield.hotline.probe import ProbeResult
from childshield.hotline.selectors import percentile
from childshield.hotline.services.notices import notice_first_send
from childshield.hotline.services.removal import removal_check

from .conftest import T0, confirmed_item, fake_trace

# (provider ASN, country, hours from report to first notice, hours from notice to removal)
ITEMS = [
    (100, "NL", 1, 1),
    (100, "NL", 2, 2),
    (100, "NL", 1, 3),
    (100, "DE", 1, 4),
    (100, "DE", 1, 10),
    (200, "US", 3, 5),
    (200, "US", 1, 7),
]


@pytest.fixture
def removed_items(analyst, second_analyst, monkeypatch):
    HostingProvider.objects.create(name="Alpha Hosting", asns=[100], abuse_email="abuse@alpha.example")
    HostingProvider.objects.create(name="Beta Cloud", asns=[200], abuse_email="abuse@beta.example")
    monkeypatch.setattr(
        "childshield.hotline.probe.check_url",
        lambda url, timeout=5.0: ProbeResult(state="removed", status_code=410),
    )
    for number, (asn, country, to_notice, to_removal) in enumerate(ITEMS):
        reported = T0 + timedelta(days=number * 5)  # the last is removed in April
        monkeypatch.setattr("childshield.hotline.tracing.trace_host", fake_trace(country=country, asn=asn))
        item = confirmed_item(
            f"https://host{number}.example/x", analyst=analyst, second=second_analyst, at=reported
        )
        notice_at = reported + timedelta(hours=to_notice)
        notice_first_send(item_id=item.pk, now=notice_at)
        removal_check(item=item, now=notice_at + timedelta(hours=to_removal))


def test_percentile_is_nearest_rank():
    assert percentile([1, 2, 3, 4, 10], 0.9) == 10
    assert percentile([5, 7], 0.9) == 7
    assert percentile(list(range(1, 11)), 0.9) == 9
    assert percentile([3], 0.9) == 3


def test_time_to_removal_per_provider_country_and_month(removed_items, lead):
    figures = selectors.removal_figures(membership=lead)
    assert figures.overall.removed == 7
    assert figures.overall.median_from_notice == 4  # 1 2 3 4 5 7 10
    assert figures.overall.p90_from_notice == 10
    assert figures.overall.median_from_report == 5  # 2 4 4 5 8 8 11
    assert figures.overall.p90_from_report == 11

    by_provider = {row.label: row for row in figures.by_provider}
    assert by_provider["Alpha Hosting"].median_from_notice == 3
    assert by_provider["Alpha Hosting"].p90_from_notice == 10
    assert by_provider["Beta Cloud"].median_from_notice == 6
    assert by_provider["Beta Cloud"].p90_from_notice == 7
    assert by_provider["Beta Cloud"].median_from_report == 8  # 3 + 5 and 1 + 7

    by_country = {row.label: (row.removed, row.median_from_notice) for row in figures.by_country}
    assert by_country == {"DE": (2, 7), "NL": (3, 2), "US": (2, 6)}

    by_month = {row.label: row.removed for row in figures.by_month}
    assert by_month == {"2026-03": 6, "2026-04": 1}


def test_only_leads_of_the_hotline_see_the_figures(removed_items, analyst, foreign_analyst, sign_in, lead):
    with pytest.raises(PermissionDenied):
        selectors.removal_figures(membership=analyst)
    response = sign_in(lead).get("/en/hotline/figures/")
    assert response.status_code == 200
    assert "Alpha Hosting" in response.content.decode()


def test_another_hotlines_lead_sees_none_of_these(removed_items, make_member, other_hotline):
    from childshield.accounts.models import Role

    other_lead = make_member(email="other.lead@example.org", role=Role.HOTLINE_LEAD, agency=other_hotline)
    assert selectors.removal_figures(membership=other_lead).overall.removed == 0
