"""The printed summary (issue 16): chromium prints a case with something in every section to PDF on
A4, with each section and the watermark naming the reader; a referred agency's print lacks what its
referral did not share. What is checked is the text of the PDF itself (pypdf), page by page."""

import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.places.models import Area
from tests.browser.intake_steps import signed_in_page
from tests.cases.summary_case import CLOSING_NOTE, EVERY_HEADING, FOLLOW_UP, WISHES, case_with_every_section

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def cast(make_member):
    country = Area.objects.create(code="VN", country="VN", level=Area.Level.COUNTRY, name_en="Viet Nam")
    commune = Area.objects.create(
        code="VN44-LT-KIMTHUY", country="VN", level=Area.Level.COMMUNE, parent=country, name_en="Kim Thuy"
    )
    office = Agency.objects.create(
        country="VN", name="Kim Thuy Commune Social Work (test)", kind=AgencyKind.SOCIAL_SERVICES
    )
    hospital = Agency.objects.create(country="VN", name="Provincial Hospital (test)", kind=AgencyKind.HEALTH)
    worker = make_member(email="worker@example.org", role=Role.CASE_WORKER, agency=office)
    supervisor = make_member(email="supervisor@example.org", role=Role.CASE_SUPERVISOR, agency=office)
    nurse = make_member(email="nurse@example.org", role=Role.CASE_WORKER, agency=hospital)
    full = case_with_every_section(worker=worker, supervisor=supervisor, hospital_worker=nurse, area=commune)
    return full.case, worker, nurse


def _print(page: Page, tmp_path: Path) -> list[str]:
    """The page as chromium prints it (A4, from the page's own CSS): the text of each PDF page."""
    page.emulate_media(media="print")
    path = tmp_path / "summary.pdf"
    page.pdf(path=str(path), prefer_css_page_size=True, print_background=True)
    pdf = path.read_bytes()
    assert pdf.startswith(b"%PDF-")
    # A4 is 595 by 842 points (chromium rounds it down a little).
    assert re.search(rb"/MediaBox \[0 0 59[45](\.\d+)? 84[12](\.\d+)?\]", pdf), "not laid out on A4"
    reader = PdfReader(io.BytesIO(pdf))
    assert str(reader.metadata.title).startswith("Summary of case ")
    return [" ".join(sheet.extract_text().split()) for sheet in reader.pages]


def _in_order(text: str, headings: list[str]) -> bool:
    """Each heading found in the printed text, one after the other."""
    at = 0
    for heading in headings:
        found = text.find(heading, at)
        if found < 0:
            return False
        at = found + len(heading)
    return True


def _printed_headings(page: Page) -> list[str]:
    return [text.strip() for text in page.locator("main h2:visible").all_inner_texts()]


def test_the_summary_prints_every_section_and_the_watermark_with_the_reader_and_time(
    live_server, browser, cast, tmp_path
):
    case, worker, _nurse = cast
    page = signed_in_page(browser, live_server.url, worker.user.email, width=1024, height=900)
    page.goto(f"{live_server.url}/en/cases/{case.pk}/summary/")
    sheets = _print(page, tmp_path)
    printed = " ".join(sheets)
    assert _printed_headings(page) == EVERY_HEADING
    assert _in_order(printed, EVERY_HEADING), printed[:2000]
    for expected in ("Lò Thị Mai", WISHES, FOLLOW_UP, CLOSING_NOTE, "Provincial Hospital (test)"):
        assert " ".join(expected.split()) in printed, expected
    assert "Choose what to print" not in printed  # the choice of sections does not print
    # The choice of sections and the link back do not print; the watermark does, on every page.
    expect(page.locator("[data-summary-sections]")).to_be_hidden()
    watermark = page.locator(".watermark")
    expect(watermark).to_be_visible()
    assert watermark.evaluate("element => getComputedStyle(element).position") == "fixed"
    stamp = page.locator("[data-watermark-text] strong").inner_text()
    assert stamp.startswith("Confidential · Test Worker · Kim Thuy Commune Social Work (test) · 20")
    assert stamp in watermark.inner_text()
    # On every printed page, with the reader and the time.
    assert all("Test Worker" in sheet and stamp.rsplit(" · ", 1)[-1] in sheet for sheet in sheets), sheets


def test_the_reader_prints_only_the_sections_they_tick(live_server, browser, cast, tmp_path):
    case, worker, _nurse = cast
    page = signed_in_page(browser, live_server.url, worker.user.email, width=1024, height=900)
    page.goto(f"{live_server.url}/en/cases/{case.pk}/summary/")
    for label in EVERY_HEADING:
        if label not in {"Consent", "Closure"}:
            page.get_by_label(label, exact=True).uncheck()
    page.click("[data-summary-sections] button[type=submit]")
    page.wait_for_url("**/summary/?section=consent&section=closure")
    printed = " ".join(_print(page, tmp_path))
    assert _printed_headings(page) == ["Consent", "Closure"]
    assert _in_order(printed, ["Consent", "Closure"])
    assert not any(heading in printed for heading in ("Assessments", "Service plan", "Follow-ups"))


def test_a_referred_agencys_print_lacks_the_sections_it_may_not_see(live_server, browser, cast, tmp_path):
    case, _worker, nurse = cast
    page = signed_in_page(browser, live_server.url, nurse.user.email, width=1024, height=900)
    every = "&".join(
        f"section={code}"
        for code in (
            "child",
            "harm",
            "consent",
            "assessments",
            "wishes",
            "services",
            "referrals",
            "follow_ups",
            "closure",
        )
    )
    page.goto(f"{live_server.url}/en/cases/{case.pk}/summary/?{every}")
    printed = " ".join(_print(page, tmp_path))
    assert _printed_headings(page) == ["The child", "Service plan", "Referrals"]
    assert _in_order(printed, ["The child", "Service plan", "Referrals"])
    for hidden in ("Lò Thị Mai", "Lò Văn Sơn", WISHES, FOLLOW_UP, CLOSING_NOTE, "A man met in a game"):
        assert " ".join(hidden.split()) not in printed
    # The watermark names the reader (its copies are cut at the page's edges).
    assert "Test Nurse · Provincial Hospital (test) · 20" in printed
