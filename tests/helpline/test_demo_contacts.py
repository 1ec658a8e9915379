"""The demo helpline contacts: a few hundred over a year, made once, counted as CHI counts them."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.audit.models import AuditEvent
from childshield.demo.helpline import COUNSELLOR_EMAIL, demo_helpline_seed
from childshield.helpline.models import Contact, ContactKind

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
