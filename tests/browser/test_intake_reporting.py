"""A child reports, gets a code and passphrase, a counsellor replies, and the child answers:
in each language, with JavaScript on and off, and with the keyboard only."""

import pytest
from django.test import override_settings

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.intake import services
from childshield.intake.models import Report, ReportMessage
from childshield.places.services.reference_data import reference_data_load
from tests.browser.intake_steps import STORY, fill_report, open_thread, read_receipt, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

LANGUAGES = ["vi", "km", "en"]


@pytest.fixture
def counsellor(make_member):
    reference_data_load()
    agency = Agency.objects.create(country="VN", name="Child Helpline (test)", kind=AgencyKind.HELPLINE)
    return make_member(email="counsellor@example.org", role=Role.COUNSELLOR, agency=agency)


@pytest.mark.parametrize("javascript", [False, True], ids=["without-js", "with-js"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_report_reply_and_answer(live_server, browser, counsellor, language, javascript):
    base = live_server.url
    child = browser.new_context(java_script_enabled=javascript, viewport={"width": 360, "height": 740})
    page = child.new_page()
    page.goto(f"{base}/{language}/report/")
    assert page.locator("html").get_attribute("lang") == language
    fill_report(page)
    page.click("button.button-big")
    code, passphrase = read_receipt(page)
    report = Report.objects.get()
    assert report.description == STORY
    assert report.language == language

    staff = browser.new_context()
    staff_page = staff.new_page()
    sign_in(staff_page, base, counsellor.user.email, language)
    staff_page.goto(f"{base}/{language}/reports/")
    staff_page.click(f"a:has-text('{code}')")
    # the report's page names it by its code without the dash
    staff_page.wait_for_url(f"{base}/{language}/reports/{code.replace('-', '')}/")
    assert STORY in staff_page.content()
    staff_page.fill("textarea[name=body]", "Thank you for telling us. Do not pay him. We will help you.")
    staff_page.click("form.card button[type=submit]")
    staff_page.wait_for_selector("li.from-staff")

    open_thread(page, base, language, code, passphrase)
    assert "Do not pay him." in page.locator("li.from-staff").last.inner_text()
    page.fill("textarea[name=body]", "Thank you. He wrote again today.")
    page.click("form.report button[type=submit]")
    page.wait_for_selector("li.from-reporter")
    assert "He wrote again today." in page.locator("li.from-reporter").inner_text()
    assert ReportMessage.objects.count() == 2

    staff_page.reload()
    assert "He wrote again today." in staff_page.locator("li.from-reporter").inner_text()
    # Nothing was left on the child's phone but the page itself: no cookie at all.
    assert child.cookies() == []
    child.close()
    staff.close()


def test_a_new_reply_appears_without_reloading(live_server, browser, counsellor):
    page = browser.new_page()
    page.goto(f"{live_server.url}/en/report/")
    fill_report(page)
    page.click("button.button-big")
    code, passphrase = read_receipt(page)
    with override_settings(INTAKE_POLL_SECONDS=1):
        open_thread(page, live_server.url, "en", code, passphrase)
        page.evaluate("window.stillTheSamePage = true")
        services.report_message_from_staff(
            acting=counsellor, report=Report.objects.get(), body="We are reading your report now."
        )
        page.wait_for_selector("li.from-staff:has-text('We are reading your report now.')", timeout=10_000)
        assert page.evaluate("window.stillTheSamePage") is True
    page.close()


def _tab_to(page, selector: str, limit: int = 120) -> None:
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_report_can_be_sent_with_the_keyboard_only(live_server, page, language):
    page.goto(f"{live_server.url}/{language}/report/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    _tab_to(page, "input[name=about]")
    page.keyboard.press("Space")
    _tab_to(page, "input[name=harms][value=threatened]")
    page.keyboard.press("Space")
    _tab_to(page, "textarea[name=description]")
    page.keyboard.type("Someone wants money for my pictures.")
    _tab_to(page, "input[name=safe_now]")
    page.keyboard.press("ArrowDown")  # moves to and checks the second choice: not safe
    _tab_to(page, "button.button-big")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-passphrase]")
    report = Report.objects.get()
    assert (report.about, report.harms, report.safe_now, report.is_urgent) == (
        "me",
        ["threatened"],
        "no",
        True,
    )
    # Not safe: the helpline numbers come before the code.
    assert page.locator("#call-now").is_visible()


@pytest.mark.parametrize("width", [320, 640])
def test_public_pages_fit_a_small_screen_and_200_percent_zoom_without_sideways_scrolling(
    live_server, browser, width
):
    reference_data_load()
    context = browser.new_context(viewport={"width": width, "height": 640})
    page = context.new_page()
    for path in ["", "report/", "report/status/", "help/", "help/sextortion/"]:
        for language in LANGUAGES:
            page.goto(f"{live_server.url}/{language}/{path}")
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"/{language}/{path} scrolls sideways by {overflow}px at {width}px"
    context.close()
