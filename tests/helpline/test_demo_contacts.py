"""The demo helpline contacts: a few hundred over a year, made once, counted as CHI counts them."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.audit.models import AuditEvent
from childshield.core.periods import Period
from childshield.demo.helpline import COUNSELLOR_EMAIL, demo_helpline_seed
from childshield.helpline import selectors
from childshield.helpline.models import CallerNote, Contact, ContactKind
from tests.helpline.conftest import chi_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_counsellor(make_member):
    agency = Agency.objects.create(
        country="VN", name="National Child Helpline 111 (demo)", kind=AgencyKind.HELPLINE
    )
    return make_member(email=COUNSELLOR_EMAIL, role=Role.COUNSELLOR, agency=agency)


def test_it_logs_a_few_hundred_contacts_over_the_past_year_once(demo_counsellor):
    started = time.monotonic()
    made = demo_helpline_seed()
    assert time.monotonic() - started < 10
    assert 200 <= made == Contact.objects.filter(counsellor=demo_counsellor).count() <= 500
    assert demo_helpline_seed() == 0
    assert Contact.objects.count() == made

    now = timezone.now()
    times = list(Contact.objects.values_list("started_at", flat=True))
    assert min(times) >= now - timedelta(days=366) and max(times) <= now
    assert max(times) - min(times) > timedelta(days=300)
    counselling = Contact.objects.filter(kind=ContactKind.COUNSELLING)
    assert 0 < counselling.count() < made
    assert all(contact.categories.exists() and contact.summary for contact in counselling[:20])
    # Made through the services: each contact has its audit event.
    assert AuditEvent.objects.filter(object_type="helpline.Contact").count() == made


def test_it_makes_nothing_without_the_demo_counsellor(db):
    assert demo_helpline_seed() == 0


def test_the_chi_figures_of_the_demo_year_add_up(demo_counsellor, make_member):
    demo_helpline_seed()
    supervisor = make_member(
        email="supervisor@example.org", role=Role.HELPLINE_SUPERVISOR, agency=demo_counsellor.agency
    )
    for period in {Period(timezone.localdate().year), Period(timezone.localdate().year - 1)}:
        start, end = period.bounds()
        in_period = Contact.objects.filter(started_at__gte=start, started_at__lt=end)
        _marking, rows = chi_file(selectors.figures_export(acting=supervisor, period=period))
        tables: dict[str, dict[str, int]] = {}
        for row in rows:
            tables.setdefault(row["table"], {})[row["item"]] = int(row["value"])
        counselling = in_period.filter(kind=ContactKind.COUNSELLING).count()
        assert tables["contact_type"].pop("total") == in_period.count()
        assert sum(tables["contact_type"].values()) == in_period.count()
        assert tables["contact_type"]["counselling"] == counselling
        assert tables["channel"].pop("total") == sum(tables["channel"].values()) == in_period.count()
        for name in ["gender", "age_band"]:
            assert tables[name].pop("total") == sum(tables[name].values()) == counselling
        assert tables["category"]["online"] == (
            in_period.filter(categories__online_protection=True).distinct().count()
        )


def test_some_demo_callers_contact_the_helpline_again_with_notes(demo_counsellor):
    demo_helpline_seed()
    keys = list(Contact.objects.exclude(caller_key="").values_list("caller_key", flat=True))
    assert len(keys) > len(set(keys)) > 5  # repeat callers, recognised by their keys only
    assert CallerNote.objects.count() == 3
    [note] = selectors.caller_history(
        acting=demo_counsellor, caller_key=CallerNote.objects.get(flags=["at_risk"]).caller_key
    ).notes
    assert note.flag_labels() == ["At risk"]


def test_the_demo_has_contacts_earlier_today_for_the_supervision_page(demo_counsellor, monkeypatch):
    # At noon, whenever the test runs: the demo must not depend on the hour it is loaded.
    noon = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    monkeypatch.setattr(timezone, "now", lambda: noon)
    demo_helpline_seed()
    today = Contact.objects.filter(started_at__gte=noon.replace(hour=0), started_at__lt=noon)
    assert today.count() >= 10
