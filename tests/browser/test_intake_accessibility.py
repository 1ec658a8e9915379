"""axe-core finds no WCAG 2.2 AA violation on any intake page, in any language, in any state."""

import pytest

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.intake import services
from childshield.intake.models import Report
from childshield.places.services.reference_data import reference_data_load
from tests.browser.conftest import assert_accessible
from tests.browser.intake_steps import fill_report, open_thread, read_receipt, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

LANGUAGES = ["vi", "km", "en"]

LIBRARY_PAGES = (
    "sextortion",
    "grooming",
    "unwanted-images",
    "sexual-bullying",
    "helping-a-friend",
    "after-you-report",
    "lesson-online-chats",
)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_public_page_is_accessible(live_server, page, axe, make_member, language):
    reference_data_load()
    base = f"{live_server.url}/{language}"
    for path in [
        "/",
        "/learn/",
        *[f"/learn/{slug}/" for slug in LIBRARY_PAGES],
        "/report/",
        "/report/status/",
    ]:
        page.goto(base + path)
        assert page.locator("[data-quick-exit]").is_visible(), path
        assert_accessible(axe, page)

    # The report with every kind of mistake shown.
    page.goto(f"{base}/report/")
    page.fill("input[name=url1]", "not a link")
    page.click("button.button-big")
    page.wait_for_selector(".error-summary")
    assert_accessible(axe, page)

    # The receipt, urgent (helpline first) and not.
    page.goto(f"{base}/report/")
    fill_report(page, safe_now="no")
    page.click("button.button-big")
    code, passphrase = read_receipt(page)
    assert_accessible(axe, page)

    # A wrong code, then the thread with messages both ways.
    page.goto(f"{base}/report/status/")
    page.fill("input[name=reference]", "AAAA-BBBB")
    page.fill("input[name=passphrase]", "1234")
    page.click("form.report button[type=submit]")
    page.wait_for_selector(".error-summary")
    assert_accessible(axe, page)

    agency = Agency.objects.create(country="VN", name="Helpline (test)", kind=AgencyKind.HELPLINE)
    counsellor = make_member(email="counsellor@example.org", role=Role.COUNSELLOR, agency=agency)
    services.report_message_from_staff(acting=counsellor, report=Report.objects.get(), body="We are here.")
    open_thread(page, live_server.url, language, code, passphrase)
    page.fill("textarea[name=body]", "Thank you")
    page.click("form.report button[type=submit]")
    page.wait_for_selector("li.from-reporter")
    assert_accessible(axe, page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_staff_report_pages_are_accessible(live_server, page, axe, make_member, language):
    agency = Agency.objects.create(country="VN", name="Helpline (test)", kind=AgencyKind.HELPLINE)
    counsellor = make_member(email="counsellor@example.org", role=Role.COUNSELLOR, agency=agency)
    receipt = services.report_submit(
        content=services.ReportContent(
            about="friend",
            safe_now="no",
            harms=["grooming"],
            description="He wants to meet her.",
            urls=["https://example.com/profile"],
            contact_method="phone",
            contact="0901 000 000",
        ),
        idempotency_key=f"a11y-{language}",
    )
    services.report_message_from_staff(acting=counsellor, report=receipt.report, body="Hello")
    sign_in(page, live_server.url, counsellor.user.email, language)
    page.goto(f"{live_server.url}/{language}/reports/")
    assert_accessible(axe, page)
    page.goto(f"{live_server.url}/{language}/reports/{receipt.report.reference}/")
    assert_accessible(axe, page)
