"""The supervisor's page: queue size and waits, urgent items, who is on shift, today's contacts."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from childshield.accounts.models import Role, User
from childshield.accounts.navigation import navigation_for
from childshield.helpline.models import Category
from childshield.helpline.services.contacts import ContactDetails, contact_log, contact_log_quick
from childshield.helpline.services.queue import queue_claim
from childshield.helpline.supervision import contacts_today, counsellors_on_shift, queue_overview
from childshield.intake.services import report_message_from_reporter, report_message_from_staff
from tests.helpline.conftest import age_report

pytestmark = pytest.mark.django_db


def _figure(html: str, name: str) -> str:
    match = re.search(rf'data-figure="{name}">([^<]*)<', html)
    assert match, name
    return match.group(1).strip()


def _counselling(acting, *codes: str) -> None:
    categories = [Category.objects.get(code=code) for code in codes]
    contact_log(
        acting=acting,
        details=ContactDetails(channel="phone", categories=categories, summary="A worried child."),
    )


def test_the_queue_figures_count_every_waiting_item_and_its_wait(supervisor, counsellor, send_report):
    for minutes in (2, 4, 10, 30):
        age_report(send_report(), minutes)
    answered = age_report(send_report(), 50)
    report_message_from_staff(acting=counsellor, report=answered, body="We are here.")
    replied = age_report(send_report(), 90)
    report_message_from_staff(acting=counsellor, report=replied, body="We are here.")
    report_message_from_reporter(report=replied, body="He wrote again", idempotency_key=None, client="t")
    queue_claim(acting=counsellor, report=replied)

    overview = queue_overview(acting=supervisor)

    # Waiting: four new reports and one reply (which waits since the reporter wrote, just now).
    assert (overview.waiting, overview.unclaimed) == (5, 4)
    assert overview.longest_minutes == 30
    assert overview.median_minutes == 4


def test_urgent_items_show_how_long_they_wait_and_who_holds_them_without_the_childs_words(
    sign_in, supervisor, counsellor, send_report, settings
):
    settings.HELPLINE_URGENT_ALERT_MINUTES = 5
    calm = age_report(send_report(), 20)
    not_safe = age_report(send_report(safe_now="no", description="Anh ta biết nhà em"), 12)
    words = age_report(send_report(description="Em muon chet"), 1)
    queue_claim(acting=counsellor, report=words)

    html = sign_in(supervisor).get("/en/helpline/supervision/").content.decode()

    assert _figure(html, "urgent") == "2"
    assert f'data-urgent-item="{not_safe.reference}"' in html
    assert f'data-urgent-item="{words.reference}"' in html
    assert f'data-urgent-item="{calm.reference}"' not in html
    assert 'data-overdue="1"' in html  # only the one waiting 12 minutes is past the alert time
    assert counsellor.user.full_name in html
    for private in ("biết nhà", "muon chet"):
        assert private not in html


def test_counsellors_on_shift_with_their_claims_and_contacts_today(
    supervisor, counsellor, second_counsellor, make_member, helpline_agency, send_report
):
    away = make_member(email="away@example.org", role=Role.COUNSELLOR, agency=helpline_agency)
    now = timezone.now()
    User.objects.filter(pk=counsellor.user.pk).update(last_login=now - timedelta(hours=1))
    User.objects.filter(pk=away.user.pk).update(last_login=now - timedelta(days=2))
    # Not signed in lately, but holding an item: still counts as on shift.
    queue_claim(acting=second_counsellor, report=send_report())
    queue_claim(acting=counsellor, report=send_report())
    queue_claim(acting=counsellor, report=send_report())
    _counselling(counsellor, "online.grooming")
    contact_log_quick(acting=counsellor, channel="phone", kind="silent")
    contact_log_quick(acting=away, channel="phone", kind="silent", started_at=now - timedelta(days=1))

    loads = {
        load.membership.pk: (load.claims, load.contacts_today)
        for load in counsellors_on_shift(acting=supervisor)
    }

    assert loads == {counsellor.pk: (2, 2), second_counsellor.pk: (1, 0)}


def test_todays_contacts_by_kind_and_by_category(supervisor, counsellor, second_counsellor, make_member):
    _counselling(counsellor, "online.grooming", "online.sextortion")
    _counselling(second_counsellor, "online.grooming")
    contact_log_quick(acting=counsellor, channel="phone", kind="silent")
    contact_log_quick(acting=counsellor, channel="sms", kind="silent")
    contact_log_quick(
        acting=counsellor, channel="phone", kind="prank", started_at=timezone.now() - timedelta(days=1)
    )

    today = contacts_today(acting=supervisor)

    assert (today.total, today.counselling) == (4, 2)
    assert {tally.code: tally.count for tally in today.by_kind} == {"counselling": 2, "silent": 2}
    assert {tally.code: tally.count for tally in today.by_category} == {
        "online.grooming": 2,
        "online.sextortion": 1,
    }
    assert today.by_category[0].label.endswith(Category.objects.get(code="online.grooming").name)


def test_the_page_costs_the_same_queries_however_busy_the_helpline(
    sign_in, supervisor, counsellor, make_member, helpline_agency, send_report
):
    client = sign_in(supervisor)

    def count() -> int:
        client.get("/en/helpline/supervision/")  # triage reads new reports once; then the page only counts
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/en/helpline/supervision/", headers={"HX-Request": "true"})
        assert response.status_code == 200
        assert "<html" not in response.content.decode()  # HTMX gets the body alone
        return len(queries)

    queue_claim(acting=counsellor, report=send_report(safe_now="no"))
    _counselling(counsellor, "online.grooming")
    quiet = count()

    for number in range(4):
        member = make_member(email=f"c{number}@example.org", role=Role.COUNSELLOR, agency=helpline_agency)
        queue_claim(acting=member, report=send_report(safe_now="no"))
        _counselling(member, "online.grooming", "online.sextortion")
        contact_log_quick(acting=member, channel="chat", kind="thank_you")
        send_report()
    busy = count()

    assert busy == quiet


def test_signing_in_puts_a_counsellor_on_shift(sign_in, client, supervisor, counsellor, second_counsellor):
    sign_in(counsellor)
    client.logout()

    html = sign_in(supervisor).get("/en/helpline/supervision/").content.decode()

    assert f'data-counsellor="{counsellor.pk}"' in html
    assert f'data-counsellor="{second_counsellor.pk}"' not in html


def test_only_helpline_supervisors_open_the_page(sign_in, supervisor, counsellor, worker, client):
    assert sign_in(counsellor).get("/en/helpline/supervision/").status_code == 403
    client.logout()
    assert sign_in(worker).get("/en/helpline/supervision/").status_code == 403
    client.logout()
    page = sign_in(supervisor).get("/en/helpline/supervision/")
    assert page.status_code == 200
    assert 'hx-trigger="every 15s"' in page.content.decode()
    assert "helpline:supervisor" in [item.url_name for item in navigation_for(supervisor)]
    assert "helpline:supervisor" not in [item.url_name for item in navigation_for(counsellor)]
