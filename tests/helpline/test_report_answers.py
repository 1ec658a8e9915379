"""The whole report where the counsellor works: every answer beside the thread, the report's page one
click away, its code read with or without the dash, and the harms ticked pre-selecting categories."""

import re

import pytest

from childshield.audit.models import AuditAction, AuditEvent
from childshield.helpline.forms import CATEGORY_FROM_REPORT_HARM
from childshield.helpline.models import Category
from childshield.helpline.services.contacts import contact_draft_save
from childshield.helpline.services.queue import queue_claim
from childshield.intake.models import Harm, Report
from childshield.intake.services import ReportContent, report_submit
from childshield.places.models import Area
from childshield.places.services.reference_data import reference_data_load

pytestmark = pytest.mark.django_db


def _every_answer() -> Report:
    """A report filed with every answer the public form asks."""
    reference_data_load()
    province = Area.objects.get(code="VN01")
    content = ReportContent(
        about="friend",
        safe_now="no",
        harms=["threatened", "grooming", "other"],
        description="He wants money or he posts my photos.",
        platform="zalo",
        urls=["https://example.net/p/123"],
        source="school-poster",
        happened="this_week",
        age_band="13_15",
        gender="girl",
        province=province,
        contact_method="phone",
        contact="0912 345 678",
        reply_language="km",
    )
    return report_submit(content=content, idempotency_key="every-answer", language="vi").report


def _answers(html: str) -> str:
    match = re.search(r"<dl class=\"report-answers\" data-report-answers>.*?</dl>", html, re.S)
    assert match, "the page does not show the report's answers"
    return match.group(0)


def _answer(html: str, name: str) -> str:
    match = re.search(rf'data-answer="{name}">(.*?)</dd>', _answers(html), re.S)
    assert match, f"no answer {name}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def test_the_reply_page_shows_every_answer_of_the_report_beside_the_thread(sign_in, counsellor):
    report = _every_answer()
    queue_claim(acting=counsellor, report=report)
    html = sign_in(counsellor).get(f"/en/helpline/queue/{report.reference}/reply/").content.decode()

    assert _answer(html, "safe_now") == "No, I am not safe"
    assert _answer(html, "about") == "A friend"
    assert _answer(html, "harms") == (
        "Someone threatens to share my pictures or asks for money "
        "An older person is too friendly, gives gifts or wants to meet Something else"
    )
    assert _answer(html, "platform") == "Zalo"
    # The address is text, never a link, with the warning beside it.
    assert "<code>https://example.net/p/123</code>" in _answers(html)
    assert 'href="https://example.net' not in html
    assert "open them only on a hotline workstation" in _answer(html, "urls")
    assert _answer(html, "happened") == "This week"
    assert _answer(html, "contact") == "Phone call or text: 0912 345 678"
    assert _answer(html, "language") == "Tiếng Việt"  # each language named in its own script
    assert _answer(html, "reply_language") == "ភាសាខ្មែរ"  # the language the child chose to be answered in
    assert _answer(html, "age_band") == "13 to 15"
    assert _answer(html, "gender") == "Girl"
    assert _answer(html, "province") == "Ha Noi"
    assert _answer(html, "source") == "school-poster"
    assert _answer(html, "received").endswith("Web form")
    # Beside the thread, with the report's own words in it.
    assert "data-thread" in html and "He wants money or he posts my photos." in html


def test_the_report_page_and_the_reply_page_show_the_same_answers(sign_in, counsellor):
    report = _every_answer()
    queue_claim(acting=counsellor, report=report)
    client = sign_in(counsellor)
    reply = client.get(f"/en/helpline/queue/{report.reference}/reply/").content.decode()
    page = client.get(f"/en/reports/{report.reference}/").content.decode()
    assert _answers(reply) == _answers(page)


def test_reading_the_reply_page_is_audited_as_a_reading_of_the_report(sign_in, counsellor):
    report = _every_answer()
    queue_claim(acting=counsellor, report=report)
    sign_in(counsellor).get(f"/en/helpline/queue/{report.reference}/reply/")
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW,
        object_id=str(report.pk),
        actor_id=str(counsellor.user.pk),
        reason="report read",
    ).exists()


def test_a_report_without_answers_shows_dashes_not_blanks(sign_in, counsellor, send_report):
    report = send_report()
    queue_claim(acting=counsellor, report=report)
    html = sign_in(counsellor).get(f"/en/helpline/queue/{report.reference}/reply/").content.decode()
    for name in (
        "platform",
        "urls",
        "happened",
        "reply_language",
        "age_band",
        "gender",
        "province",
        "source",
    ):
        assert _answer(html, name) == "—", name


def _spellings(report: Report) -> list[str]:
    code = report.display_reference
    return [code, code.lower(), report.reference.lower(), f"%20{code}%20"]


def test_the_report_page_opens_with_or_without_the_dash_in_any_case(sign_in, counsellor, send_report):
    report = send_report()
    client = sign_in(counsellor)
    for spelling in _spellings(report):
        response = client.get(f"/en/reports/{spelling}/")
        assert response.status_code == 200, spelling
        assert response.context["report"] == report
    assert client.get("/en/reports/ZZZZ-ZZZZ/").status_code == 404


def test_the_queue_urls_and_the_contact_form_read_the_code_however_it_is_written(
    sign_in, counsellor, send_report
):
    report = send_report()
    client = sign_in(counsellor)
    for spelling in _spellings(report):
        claimed = client.post(f"/en/helpline/queue/{spelling}/claim/")
        assert claimed.status_code == 302 and claimed["Location"].endswith(f"/{report.reference}/reply/")
        assert client.get(f"/en/helpline/queue/{spelling}/reply/").context["report"] == report
        assert client.get(f"/en/helpline/contacts/new/?report={spelling}").context["report"] == report
        released = client.post(f"/en/helpline/queue/{spelling}/release/", follow=True)
        assert "is back in the queue" in released.content.decode(), spelling
    assert client.get("/en/helpline/queue/ZZZZ-ZZZZ/reply/").status_code == 404
    assert client.get("/en/helpline/contacts/new/?report=zzzz-zzzz").status_code == 404


def test_a_draft_saved_under_one_spelling_of_the_code_comes_back_under_another(
    sign_in, counsellor, send_report
):
    report = send_report()
    contact_draft_save(
        acting=counsellor,
        report_reference=report.display_reference.lower(),
        fields={"summary": ["Half typed."]},
    )
    page = sign_in(counsellor).get(f"/en/helpline/contacts/new/?report={report.reference}").content.decode()
    assert "data-draft-restored" in page and "Half typed." in page


def test_the_queue_the_reply_page_and_the_contact_form_link_to_the_report_page(
    sign_in, counsellor, send_report
):
    held, waiting = send_report(), send_report()
    queue_claim(acting=counsellor, report=held)
    client = sign_in(counsellor)
    queue = client.get("/en/helpline/").content.decode()
    for report in (held, waiting):
        assert f'href="/en/reports/{report.reference}/" data-report-page>{report.display_reference}<' in queue
    reply = client.get(f"/en/helpline/queue/{held.reference}/reply/").content.decode()
    assert f'href="/en/reports/{held.reference}/" data-report-page' in reply
    contact = client.get(f"/en/helpline/contacts/new/?report={held.reference}").content.decode()
    assert f'href="/en/reports/{held.reference}/"' in contact


def test_the_report_page_links_to_the_reply_page_only_for_the_counsellor_holding_it(
    sign_in, counsellor, second_counsellor, send_report
):
    report = send_report()
    reply_url = f'href="/en/helpline/queue/{report.reference}/reply/"'
    assert reply_url not in sign_in(counsellor).get(f"/en/reports/{report.reference}/").content.decode()
    queue_claim(acting=counsellor, report=report)
    assert reply_url in sign_in(counsellor).get(f"/en/reports/{report.reference}/").content.decode()
    assert (
        reply_url not in sign_in(second_counsellor).get(f"/en/reports/{report.reference}/").content.decode()
    )


def _checked(html: str) -> set[str]:
    pks = set(re.findall(r'name="categories" value="(\d+)" checked', html))
    return set(Category.objects.filter(pk__in=pks).values_list("code", flat=True))


def test_the_harms_the_child_ticked_pre_select_their_categories_in_the_contact_form(sign_in, counsellor):
    report = _every_answer()  # threatened, grooming and "something else"
    page = sign_in(counsellor).get(f"/en/helpline/contacts/new/?report={report.reference}").content.decode()
    assert _checked(page) == {"online.sextortion", "online.grooming"}


def test_nothing_is_pre_selected_when_no_harm_has_a_category(sign_in, counsellor):
    receipt = report_submit(
        content=ReportContent(about="me", safe_now="yes", harms=["other"]), idempotency_key="other-only"
    )
    client = sign_in(counsellor)
    assert (
        _checked(client.get(f"/en/helpline/contacts/new/?report={receipt.report.reference}").content.decode())
        == set()
    )
    assert _checked(client.get("/en/helpline/contacts/new/").content.decode()) == set()


def test_categories_the_counsellor_unticked_stay_unticked_in_their_draft(sign_in, counsellor):
    report = _every_answer()
    # The autosave of a form with every category unticked sends none.
    contact_draft_save(acting=counsellor, report_reference=report.reference, fields={"summary": ["Talked."]})
    page = sign_in(counsellor).get(f"/en/helpline/contacts/new/?report={report.reference}").content.decode()
    assert "data-draft-restored" in page and _checked(page) == set()


def test_every_harm_but_something_else_maps_to_a_shipped_category():
    shipped = set(Category.objects.values_list("code", flat=True))
    assert set(CATEGORY_FROM_REPORT_HARM) == set(Harm.values) - {Harm.OTHER}
    assert set(CATEGORY_FROM_REPORT_HARM.values()) <= shipped
