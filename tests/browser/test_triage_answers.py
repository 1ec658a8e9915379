"""Triage from the child's own answers: a report with no words at all, only boxes ticked, is flagged
in the counsellor's queue for what the child answered, and urgent."""

import pytest

from childshield.accounts.models import Agency, AgencyKind, Membership, Role
from childshield.intake.models import Report
from childshield.places.services.reference_data import reference_data_load
from tests.browser.intake_steps import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def counsellor(make_member) -> Membership:
    reference_data_load()
    agency = Agency.objects.create(country="VN", name="Child Helpline (test)", kind=AgencyKind.HELPLINE)
    return make_member(email="counsellor@example.org", role=Role.COUNSELLOR, agency=agency)


def test_ticked_answers_alone_show_an_urgent_sextortion_flag_in_the_queue(live_server, open_page, counsellor):
    base = live_server.url
    phone = open_page(viewport={"width": 360, "height": 740}, locale="vi-VN")
    phone.goto(f"{base}/vi/report/")
    phone.check("input[name=about][value=me]")
    phone.check("input[name=harms][value=threatened]")
    phone.check("input[name=safe_now][value=yes]")
    phone.click("button.button-big")
    phone.wait_for_selector("[data-reference]")
    report = Report.objects.get()
    assert report.description == ""

    desk = open_page(viewport={"width": 1200, "height": 900})
    sign_in(desk, base, counsellor.user.email)
    desk.goto(f"{base}/en/helpline/")
    row = desk.locator(f'[data-queue-item="{report.reference}"]')
    row.wait_for()
    assert row.locator('[data-flag="sextortion"]').inner_text().strip() == "Sextortion threat"
    # The child said they are safe, but a threat to share their pictures is urgent by itself.
    assert row.locator(".badge-urgent", has_text="Urgent").count() == 1

    # On the claimed item, the counsellor reads which answer raised it.
    row.locator("button[type=submit]").click()
    desk.wait_for_url(f"**/helpline/queue/{report.reference}/reply/")
    reasons = desk.locator('[data-triage-flags] [data-flag="sextortion"] [data-answers]').inner_text()
    assert "Someone threatens to share my pictures or asks for money" in reasons
