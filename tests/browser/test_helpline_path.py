"""The helpline issue's journey in two browsers: a child reports; a counsellor sees it arrive in the
queue without reloading, claims it, replies from a saved reply, logs the contact and opens a case
from it; the child opens the thread with the code and passphrase and reads the answer. And the
supervisor's page, which follows the queue by itself."""

import pytest

from childshield.accounts.models import Agency, AgencyKind, Membership, Role
from childshield.cases.models import Case
from childshield.helpline.models import Category, Contact
from childshield.helpline.selectors import reply_template_by_code
from childshield.helpline.services.categories import categories_load
from childshield.helpline.services.queue import queue_claim
from childshield.intake.models import Report
from childshield.intake.services import ReportContent, report_submit
from childshield.places.models import Area
from childshield.places.services.reference_data import reference_data_load
from tests.browser.conftest import assert_accessible, write_while_a_page_polls
from tests.browser.intake_steps import fill_report, open_thread, read_receipt, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def counsellor(make_member) -> Membership:
    reference_data_load()
    categories_load()  # transactional tests start from an emptied database
    agency = Agency.objects.create(country="VN", name="Child Helpline (test)", kind=AgencyKind.HELPLINE)
    return make_member(email="counsellor@example.org", role=Role.COUNSELLOR, agency=agency)


CHILD = {"viewport": {"width": 360, "height": 740}}
STAFF = {"viewport": {"width": 1200, "height": 900}}


def test_a_childs_report_is_answered_logged_and_opened_as_a_case_and_the_child_reads_the_answer(
    live_server, open_page, counsellor, settings
):
    settings.HELPLINE_QUEUE_POLL_SECONDS = 1
    base = live_server.url

    # The counsellor is watching an empty queue.
    desk = open_page(**STAFF)
    sign_in(desk, base, counsellor.user.email)
    desk.goto(f"{base}/en/helpline/")
    desk.wait_for_selector("text=Nothing is waiting.")
    desk.evaluate("window.stillTheSamePage = true")

    # A child reports on their phone and keeps the code and passphrase.
    phone = open_page(**CHILD)
    phone.goto(f"{base}/en/report/")
    fill_report(phone)
    phone.click("button.button-big")
    code, passphrase = read_receipt(phone)
    report = Report.objects.get()

    # It appears in the counsellor's queue by itself, flagged, and the counsellor claims it.
    row = f'[data-queue-item="{report.reference}"]'
    desk.wait_for_selector(row, timeout=10_000)
    assert desk.evaluate("window.stillTheSamePage") is True
    desk.click(f"{row} button[type=submit]")
    desk.wait_for_url(f"{base}/en/helpline/queue/{report.reference}/reply/")
    assert "is yours now" in desk.content()

    # The reply starts from a saved reply, which the counsellor makes personal before sending.
    desk.click("[data-template=first_reply]")
    desk.wait_for_url("**/reply/?template=first_reply")
    saved = reply_template_by_code("first_reply")
    assert saved is not None
    body = desk.input_value("textarea[name=body]")
    assert body.strip() and body.strip()[:30] in saved.body("en")
    desk.fill("textarea[name=body]", body + "\n\nDo not pay him and do not send anything more.")
    desk.click("form.card button[type=submit]")
    desk.wait_for_selector("text=Your reply is in the thread.")

    # The contact is logged for the report: categories and a summary, nothing else required.
    desk.click(f"a[href$='contacts/new/?report={report.reference}']")
    desk.wait_for_selector(f'[data-for-report="{report.reference}"]')
    sextortion = Category.objects.get(code="online.sextortion")
    desk.check(f"[data-contact-form] input[name=categories][value='{sextortion.pk}']")
    desk.fill(
        "[data-contact-form] textarea[name=summary]",
        "A child threatened with their photos; replied on the web.",
    )
    desk.click("[data-contact-form] button[type=submit]:has-text('Save the contact')")
    desk.wait_for_selector("text=The contact is logged.")
    contact = Contact.objects.get()
    assert contact.report_id == report.pk and contact.counsellor_id == counsellor.pk
    assert list(contact.categories.values_list("code", flat=True)) == ["online.sextortion"]

    # A case is opened from the contact: the counsellor becomes its worker, and the case keeps the
    # contact and the child's report as where it came from.
    desk.click("[data-open-case]")
    desk.wait_for_selector("[data-case-from-contact]")
    desk.fill("#id_child_name", "Lan")
    desk.select_option("#id_area", str(Area.objects.get(code="VN44-LT-KIMTHUY").pk))
    desk.select_option("#id_risk_level", "high")
    desk.click("[data-case-from-contact] button[type=submit]")
    desk.wait_for_selector("text=is open, with you as its worker")
    contact.refresh_from_db()
    case = Case.objects.get()
    assert contact.case == case and case.lead_worker == counsellor
    assert case.source_report == report

    # The child comes back with the code and passphrase and reads the answer.
    open_thread(phone, base, "en", code, passphrase)
    answer = phone.locator("li.from-staff").last.inner_text()
    assert "Do not pay him and do not send anything more." in answer
    assert body.strip()[:30] in answer
    assert phone.context.cookies() == []

    for page in (phone, desk):  # no poll left running on the server when the database is emptied
        page.goto("about:blank")
    phone.wait_for_timeout(1000)
    phone.context.close()
    desk.context.close()


@pytest.mark.parametrize("language", ["vi", "km", "en"])
def test_the_supervisor_sees_the_queue_change_without_reloading(
    live_server, open_page, axe, counsellor, make_member, settings, language
):
    settings.HELPLINE_SUPERVISOR_POLL_SECONDS = 1
    supervisor = make_member(
        email="supervisor@example.org", role=Role.HELPLINE_SUPERVISOR, agency=counsellor.agency
    )
    held = report_submit(
        content=ReportContent(about="me", safe_now="no", harms=["threatened"], description="Em sợ lắm"),
        idempotency_key=f"held-{language}",
    ).report
    queue_claim(acting=counsellor, report=held)

    desk = open_page(**STAFF)
    sign_in(desk, live_server.url, supervisor.user.email, language)
    desk.goto(f"{live_server.url}/{language}/helpline/supervision/")
    desk.wait_for_selector(f'[data-urgent-item="{held.reference}"]')
    assert desk.inner_text("[data-figure=waiting]") == "1"
    assert "Em sợ lắm" not in desk.content()
    assert_accessible(axe, desk)

    write_while_a_page_polls(
        lambda: report_submit(
            content=ReportContent(about="me", safe_now="yes", harms=["threatened"], description="Hello"),
            idempotency_key=f"new-{language}",
        )
    )
    desk.wait_for_selector("[data-figure=waiting]:text-is('2')", timeout=10_000)
    assert desk.inner_text("[data-figure=unclaimed]") == "1"
    assert_accessible(axe, desk)
    # Stop polling and let a request still on the server finish, so the database can be emptied.
    desk.goto("about:blank")
    desk.wait_for_timeout(1000)
    desk.context.close()
