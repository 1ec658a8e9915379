"""The helpline console in a browser: accessible in each language, and the queue updates by itself."""

import pytest

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.helpline import services as helpline
from childshield.helpline.models import Category, Contact
from childshield.helpline.services import ContactDetails
from childshield.intake.services import ReportContent, report_submit
from tests.browser.conftest import assert_accessible
from tests.browser.intake_steps import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def _report(key: str, *, description: str = "He asks for photos.", safe_now: str = "yes"):
    content = ReportContent(about="me", safe_now=safe_now, harms=["threatened"], description=description)
    return report_submit(content=content, idempotency_key=key).report


@pytest.mark.parametrize("language", ["vi", "km", "en"])
def test_the_helpline_pages_are_accessible(live_server, page, axe, make_member, language):
    helpline.categories_load()  # transactional tests start from an emptied database
    agency = Agency.objects.create(country="VN", name="Helpline (test)", kind=AgencyKind.HELPLINE)
    counsellor = make_member(email="counsellor@example.org", role=Role.COUNSELLOR, agency=agency)
    colleague = make_member(email="colleague@example.org", role=Role.COUNSELLOR, agency=agency)
    held = _report(f"held-{language}", description="Em muon chet")
    helpline.queue_claim(acting=counsellor, report=held)
    helpline.queue_claim(acting=colleague, report=_report(f"other-{language}"))
    _report(f"free-{language}", description="Nó dọa tung ảnh nóng", safe_now="no")
    contact = helpline.contact_log(
        acting=counsellor,
        details=ContactDetails(
            channel="phone",
            categories=[Category.objects.get(code="online.grooming")],
            summary="A boy, a gamer.",
        ),
    )

    sign_in(page, live_server.url, counsellor.user.email, language)
    page.goto(f"{live_server.url}/{language}/helpline/")
    page.wait_for_selector("[data-flag=self_harm]")
    assert_accessible(axe, page)

    page.goto(f"{live_server.url}/{language}/helpline/contacts/new/")
    assert_accessible(axe, page)
    page.click("[data-contact-form] button[type=submit]")
    page.wait_for_selector(".error-summary")
    assert_accessible(axe, page)

    page.goto(f"{live_server.url}/{language}/helpline/contacts/{contact.pk}/")
    assert_accessible(axe, page)

    page.goto(f"{live_server.url}/{language}/helpline/queue/{held.reference}/reply/?template=first_reply")
    page.wait_for_selector("[data-thread]")
    assert_accessible(axe, page)
    page.fill("textarea[name=body]", "")
    page.click("form.card button[type=submit]")
    page.wait_for_selector(".errorlist")
    assert_accessible(axe, page)

    page.goto(f"{live_server.url}/{language}/helpline/contacts/new/?report={held.reference}")
    page.wait_for_selector("[data-for-report]")
    assert_accessible(axe, page)


def test_a_new_report_appears_in_the_queue_without_reloading_and_is_claimed(
    live_server, page, make_member, settings
):
    settings.HELPLINE_QUEUE_POLL_SECONDS = 1
    agency = Agency.objects.create(country="VN", name="Helpline (test)", kind=AgencyKind.HELPLINE)
    counsellor = make_member(email="counsellor@example.org", role=Role.COUNSELLOR, agency=agency)
    sign_in(page, live_server.url, counsellor.user.email)
    page.goto(f"{live_server.url}/en/helpline/")
    page.wait_for_selector("text=Nothing is waiting.")

    report = _report("live", description="He says he will post my photos unless I pay")
    page.wait_for_selector(f'[data-queue-item="{report.reference}"] [data-flag=sextortion]', timeout=8000)
    page.click(f'[data-queue-item="{report.reference}"] button[type=submit]')
    page.wait_for_url(f"{live_server.url}/en/helpline/queue/{report.reference}/reply/")
    assert "is yours now" in page.content()


def test_one_click_contacts_from_the_keyboard(live_server, page, make_member):
    agency = Agency.objects.create(country="VN", name="Helpline (test)", kind=AgencyKind.HELPLINE)
    counsellor = make_member(email="counsellor@example.org", role=Role.COUNSELLOR, agency=agency)
    sign_in(page, live_server.url, counsellor.user.email)
    page.goto(f"{live_server.url}/en/helpline/contacts/new/")
    page.focus("[data-quick=silent]")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Logged: Silent (Phone call).")
    assert Contact.objects.get().kind == "silent"


def test_the_queue_waits_while_a_counsellor_is_choosing_a_colleague(live_server, page, make_member, settings):
    settings.HELPLINE_QUEUE_POLL_SECONDS = 1
    agency = Agency.objects.create(country="VN", name="Helpline (test)", kind=AgencyKind.HELPLINE)
    counsellor = make_member(email="counsellor@example.org", role=Role.COUNSELLOR, agency=agency)
    make_member(email="colleague@example.org", role=Role.COUNSELLOR, agency=agency)
    held = _report("held")
    helpline.queue_claim(acting=counsellor, report=held)
    sign_in(page, live_server.url, counsellor.user.email)
    page.goto(f"{live_server.url}/en/helpline/")
    page.focus(f"#to-{held.reference}")

    newer = _report("newer")
    page.wait_for_timeout(2500)
    assert page.locator(f'[data-queue-item="{newer.reference}"]').count() == 0

    page.locator("h1").click()
    page.wait_for_selector(f'[data-queue-item="{newer.reference}"]', timeout=8000)
