"""The helpline console in a browser: accessible in each language, and the queue updates by itself."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.helpline.caller_identity import caller_key_for
from childshield.helpline.models import Category, Contact
from childshield.helpline.services.categories import categories_load
from childshield.helpline.services.contacts import ContactDetails, contact_log
from childshield.helpline.services.queue import queue_claim
from childshield.helpline.services.replies import ReplyTemplateInput, reply_template_create
from childshield.helpline.services.rules import TriageRuleInput, triage_rule_create
from childshield.intake.models import Report
from childshield.intake.services import ReportContent, report_submit
from childshield.places.services.reference_data import reference_data_load
from tests.browser.conftest import assert_accessible, write_while_a_page_polls
from tests.browser.intake_steps import fill_report, read_receipt, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def _report(
    key: str,
    *,
    description: str = "He asks for photos.",
    safe_now: str = "yes",
    language: str = "",
    harms: tuple[str, ...] = ("threatened",),
):
    content = ReportContent(about="me", safe_now=safe_now, harms=list(harms), description=description)
    return report_submit(content=content, idempotency_key=key, language=language).report


def _aged(report: Report, minutes: int) -> Report:
    Report.objects.filter(pk=report.pk).update(created_at=timezone.now() - timedelta(minutes=minutes))
    return report


@pytest.mark.parametrize("language", ["vi", "km", "en"])
def test_the_helpline_pages_are_accessible(live_server, page, axe, make_member, language):
    categories_load()  # transactional tests start from an emptied database
    agency = Agency.objects.create(country="VN", name="Helpline (test)", kind=AgencyKind.HELPLINE)
    counsellor = make_member(email="counsellor@example.org", role=Role.COUNSELLOR, agency=agency)
    colleague = make_member(email="colleague@example.org", role=Role.COUNSELLOR, agency=agency)
    held = _report(f"held-{language}", description="Em muon chet")
    queue_claim(acting=counsellor, report=held)
    queue_claim(acting=colleague, report=_report(f"other-{language}"))
    _report(f"free-{language}", description="Nó dọa tung ảnh nóng", safe_now="no")
    contact = contact_log(
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

    report = write_while_a_page_polls(
        lambda: _report("live", description="He says he will post my photos unless I pay")
    )
    page.wait_for_selector(f'[data-queue-item="{report.reference}"] [data-flag=sextortion]', timeout=8000)
    page.click(f'[data-queue-item="{report.reference}"] button[type=submit]')
    page.wait_for_url(f"{live_server.url}/en/helpline/queue/{report.reference}/reply/")
    assert "is yours now" in page.content()


def test_the_minutes_count_on_while_polls_find_nothing_new(live_server, page, make_member, settings):
    """A poll that finds nothing changed is answered 204 and leaves the rows: the page counts each
    item's waiting minutes on by itself, by the server's clock."""
    settings.HELPLINE_QUEUE_POLL_SECONDS = 5
    agency = Agency.objects.create(country="VN", name="Helpline (test)", kind=AgencyKind.HELPLINE)
    counsellor = make_member(email="counsellor@example.org", role=Role.COUNSELLOR, agency=agency)
    report = _report("calm")
    Report.objects.filter(pk=report.pk).update(created_at=timezone.now() - timedelta(minutes=3))
    sign_in(page, live_server.url, counsellor.user.email)
    # This computer's clock is an hour fast: the minutes follow the server's all the same.
    page.clock.install(time=datetime.now() + timedelta(hours=1))
    page.goto(f"{live_server.url}/en/helpline/")
    cell = page.locator(f'[data-queue-item="{report.reference}"] [data-waiting-minutes]')
    assert cell.get_attribute("data-waiting-minutes") == "3"

    polls: list[int] = []
    page.on("response", lambda response: "/queue/rows/" in response.url and polls.append(response.status))
    # The polls' answers arrive after the clock has run on: wait for one rather than race it.
    with page.expect_response(lambda response: "/queue/rows/" in response.url) as first_poll:
        page.clock.run_for("02:05")
    page.wait_for_function(
        "document.querySelector('[data-waiting-minutes]').getAttribute('data-waiting-minutes') === '5'"
    )
    assert "5 minutes" in cell.inner_text()
    assert first_poll.value.status == 204
    assert set(polls) == {204}


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
    queue_claim(acting=counsellor, report=held)
    sign_in(page, live_server.url, counsellor.user.email)
    page.goto(f"{live_server.url}/en/helpline/")
    page.focus(f"#to-{held.reference}")

    newer = write_while_a_page_polls(lambda: _report("newer"))
    page.wait_for_timeout(2500)
    assert page.locator(f'[data-queue-item="{newer.reference}"]').count() == 0

    page.locator("h1").click()
    page.wait_for_selector(f'[data-queue-item="{newer.reference}"]', timeout=8000)


def _helpline_people(make_member):
    categories_load()  # transactional tests start from an emptied database
    agency = Agency.objects.create(country="VN", name="Helpline (test)", kind=AgencyKind.HELPLINE)
    counsellor = make_member(email="counsellor@example.org", role=Role.COUNSELLOR, agency=agency)
    supervisor = make_member(email="supervisor@example.org", role=Role.HELPLINE_SUPERVISOR, agency=agency)
    return counsellor, supervisor


@pytest.mark.parametrize("language", ["vi", "km", "en"])
def test_the_rule_reply_and_case_pages_are_accessible(live_server, page, axe, make_member, language):
    reference_data_load()
    _counsellor, supervisor = _helpline_people(make_member)
    rule = triage_rule_create(
        acting=supervisor,
        data=TriageRuleInput(signal="self_harm", language="vi", phrases=["muốn chết"]),
    )
    template = reply_template_create(
        acting=supervisor,
        data=ReplyTemplateInput(
            code="hello",
            titles={"vi": "Chào bạn", "km": "សួស្តី", "en": "Hello"},
            bodies={"vi": "Chúng mình ở đây.", "km": "យើងនៅទីនេះ។", "en": "We are here for you."},
        ),
    )
    contact = contact_log(
        acting=supervisor,
        details=ContactDetails(
            channel="phone",
            categories=[Category.objects.get(code="online.sextortion")],
            summary="A girl is threatened with her photos.",
            caller_key=caller_key_for("0912345678"),
        ),
    )
    base = f"{live_server.url}/{language}/helpline"
    sign_in(page, live_server.url, supervisor.user.email, language)

    page.goto(f"{base}/rules/")
    page.fill("#id_sample", "em muon chet")
    page.click("form.card button[type=submit]")
    page.wait_for_selector("[data-test-result] [data-flag=self_harm]")
    assert_accessible(axe, page)

    page.goto(f"{base}/rules/{rule.pk}/")
    page.fill("#id_sample", "MUON CHET")
    page.click("button[value=test]")
    page.wait_for_selector("[data-test-result] mark")
    assert_accessible(axe, page)

    page.goto(f"{base}/replies/")
    assert_accessible(axe, page)
    page.goto(f"{base}/replies/{template.pk}/")
    page.fill("#id_body_en", "")
    page.click("[data-reply-template-form] button[type=submit]")
    page.wait_for_selector(".error-summary")
    assert_accessible(axe, page)

    page.goto(f"{base}/contacts/{contact.pk}/")
    page.wait_for_selector("[data-caller-note-form]")
    assert_accessible(axe, page)

    page.goto(f"{base}/contacts/{contact.pk}/case/")
    page.click("[data-case-from-contact] button[type=submit]")
    page.wait_for_selector(".error-summary")
    assert_accessible(axe, page)


def test_a_counsellor_types_a_contact_loses_the_browser_gets_the_draft_back_and_opens_a_case(
    live_server, browser, make_member
):
    reference_data_load()
    counsellor, _supervisor = _helpline_people(make_member)
    earlier = contact_log(
        acting=counsellor,
        details=ContactDetails(
            channel="phone",
            categories=[Category.objects.get(code="online.grooming")],
            summary="Asked about a new online friend.",
            caller_key=caller_key_for("0912 345 678"),
        ),
    )
    first = browser.new_context().new_page()
    sign_in(first, live_server.url, counsellor.user.email)
    first.goto(f"{live_server.url}/en/helpline/contacts/new/")

    # The caller is recognised while the number is typed; the number itself is not kept anywhere.
    first.fill("#id_caller", "+84 912 345 678")
    first.wait_for_selector("[data-caller-history='1']", timeout=8000)
    sextortion = Category.objects.get(code="online.sextortion")
    first.check(f"[data-contact-form] input[name=categories][value='{sextortion.pk}']")
    first.select_option("#id_age_band", "13_15")
    first.fill("#id_notes", "She is scared he will send the photos to her class.")
    first.wait_for_selector("[data-draft-saved]", timeout=8000)
    first.context.close()  # the browser dies

    second = browser.new_context().new_page()
    sign_in(second, live_server.url, counsellor.user.email)
    second.goto(f"{live_server.url}/en/helpline/contacts/new/")
    second.wait_for_selector("[data-draft-restored]")
    assert second.input_value("#id_notes") == "She is scared he will send the photos to her class."
    assert second.is_checked(f"[data-contact-form] input[name=categories][value='{sextortion.pk}']")

    # Saving without a summary says so and keeps everything; with it, the contact is logged.
    second.click("[data-contact-form] button[type=submit]:has-text('Save the contact')")
    second.wait_for_selector(".error-summary")
    assert second.input_value("#id_notes") == "She is scared he will send the photos to her class."
    second.fill("#id_caller", "0912345678")
    second.fill("#id_summary", "Threatened with her photos.")
    second.click("[data-contact-form] button[type=submit]:has-text('Save the contact')")
    second.wait_for_selector("text=The contact is logged.")
    contact = Contact.objects.exclude(pk=earlier.pk).get()
    assert contact.caller_key == earlier.caller_key

    # A case is opened from the contact, prefilled from it, and the two link to each other.
    second.click("[data-open-case]")
    second.wait_for_selector("[data-case-from-contact]")
    assert second.input_value("#id_estimated_age") == "14"
    second.fill("#id_child_name", "Lan")
    second.select_option("#id_area", index=1)
    second.select_option("#id_risk_level", "high")
    second.click("[data-case-from-contact] button[type=submit]")
    second.wait_for_selector("text=is open, with you as its worker")
    contact.refresh_from_db()
    assert contact.case is not None and contact.case.lead_worker == counsellor
    second.context.close()


def test_a_counsellor_who_speaks_only_khmer_is_offered_the_khmer_report_first(
    live_server, browser, page, axe, make_member
):
    reference_data_load()
    agency = Agency.objects.create(country="VN", name="Helpline (test)", kind=AgencyKind.HELPLINE)
    counsellor = make_member(email="counsellor@example.org", role=Role.COUNSELLOR, agency=agency)
    # Reports that raise no triage signal: only the child's safety answer and the languages count.
    neutral = {"description": "Mean comments under my posts.", "harms": ("bullying",)}
    older_vietnamese = _aged(_report("older-vi", language="vi", **neutral), 60)
    urgent_vietnamese = _aged(_report("urgent-vi", language="vi", safe_now="no", **neutral), 1)
    # A child reports from the Khmer page, as they would, without JavaScript.
    child = browser.new_context(java_script_enabled=False).new_page()
    child.goto(f"{live_server.url}/km/report/")
    fill_report(child)
    # Something that raises no triage signal, so that only the languages decide its place.
    child.uncheck("input[name=harms][value=threatened]")
    child.check("input[name=harms][value=bullying]")
    child.fill("textarea[name=description]", "Kids in my class write mean comments under my posts.")
    child.click("button.button-big")
    khmer_code, _passphrase = read_receipt(child)

    # The counsellor says on their account page that they write Khmer only.
    sign_in(page, live_server.url, counsellor.user.email)
    page.goto(f"{live_server.url}/en/account/security/")
    page.check("input[name=languages][value=km]")
    assert_accessible(axe, page)
    page.click("[data-languages-form] button[type=submit]")
    page.wait_for_selector("text=Your languages are saved.")

    page.goto(f"{live_server.url}/en/helpline/")
    rows = page.locator("[data-queue-item]")
    assert [rows.nth(i).get_attribute("data-queue-item") for i in range(rows.count())] == [
        urgent_vietnamese.reference,
        khmer_code.replace("-", ""),
        older_vietnamese.reference,
    ]
    assert "Not safe now" in rows.nth(0).inner_text()
    assert rows.nth(1).locator("[lang=km]").inner_text() == "ភាសាខ្មែរ"

    # Only the Vietnamese items, chosen without any script: the urgent one comes first and the
    # Khmer one is gone from the list, which says nothing urgent is left out.
    page.select_option("#filter-language", "vi")
    page.click("[data-queue-filter] button[type=submit]")
    page.wait_for_url("**/helpline/?language=vi&channel=")
    assert [rows.nth(i).get_attribute("data-queue-item") for i in range(rows.count())] == [
        urgent_vietnamese.reference,
        older_vietnamese.reference,
    ]
    assert page.locator("[data-urgent-outside-filter]").count() == 0
    assert_accessible(axe, page)
