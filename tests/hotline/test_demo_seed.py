"""The demo hotline: items at every stage, made through the services without touching the network."""

import pytest
from django.core import mail

from childshield.accounts.models import Role
from childshield.demo.hotline import ITEMS, seed_hotline
from childshield.hotline import selectors
from childshield.hotline.models import ContentItem, ItemStatus


@pytest.fixture
def demo_people(make_member, hotline_agency):
    analyst = make_member(email="demo.analyst@example.org", role=Role.HOTLINE_ANALYST, agency=hotline_agency)
    lead = make_member(email="demo.lead@example.org", role=Role.HOTLINE_LEAD, agency=hotline_agency)
    return analyst, lead


def test_the_demo_hotline_has_items_at_every_stage_and_seeds_once(demo_people, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the demo must not touch the network")

    monkeypatch.setattr("childshield.hotline.tracing.trace_host", no_network)
    monkeypatch.setattr("childshield.hotline.probe.check_url", no_network)
    assert seed_hotline() == len(ITEMS)
    statuses = {status: ContentItem.objects.filter(status=status).count() for status in ItemStatus.values}
    assert statuses[ItemStatus.REMOVED] == 6
    assert statuses[ItemStatus.RENOTICED] == 1
    assert statuses[ItemStatus.ESCALATED] == 1
    # One of them is still "notice sent" but its notice bounced: the list shows it.
    assert statuses[ItemStatus.NOTICE_SENT] == 2
    assert selectors.bounced_count(membership=demo_people[0]) == 1
    assert statuses[ItemStatus.ASSESSED] == 1
    assert statuses[ItemStatus.NEW] == 2
    assert statuses[ItemStatus.OUT_OF_SCOPE] == 1
    assert mail.outbox
    figures = selectors.removal_figures(membership=demo_people[1])
    assert figures.overall.removed == 6 and len(figures.by_provider) == 4
    assert seed_hotline() == 0
