"""The annual report passes axe-core's WCAG 2.2 AA rules in every language, and chromium prints it to
a PDF of several pages (each source on a page of its own) whose text holds the title and a figure,
without the navigation or the hint on how to print."""

import io
from datetime import datetime

import pytest
from django.utils import timezone
from pypdf import PdfReader

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.insights.figures.refresh import refresh
from childshield.intake.models import Report
from childshield.places.models import Area
from childshield.places.services.reference_data import reference_data_load
from tests.browser.conftest import assert_accessible
from tests.browser.intake_steps import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

TITLES = {"en": "Annual report 2025", "vi": "Báo cáo năm 2025", "km": "របាយការណ៍ប្រចាំឆ្នាំ 2025"}


@pytest.mark.parametrize("language", ["vi", "km", "en"])
def test_the_annual_report_passes_axe_and_prints_to_a_pdf_of_several_pages(
    page, axe, live_server, make_member, language
):
    reference_data_load()
    ngo = Agency.objects.create(country="VN", name="Programme NGO", kind=AgencyKind.NGO)
    make_member(email="manager@example.org", role=Role.PROGRAMME_MANAGER, agency=ngo)
    june = timezone.make_aware(datetime(2025, 6, 10, 12, 0))
    Report.objects.bulk_create(
        Report(
            reference=f"ANN{number:04d}",
            about="me",
            country="VN",
            created_at=june,
            harms=["threatened"],
            age_band="13_15",
            gender="girl" if number % 4 else "boy",
            province=Area.objects.get(code="VN01"),
        )
        for number in range(37)
    )
    refresh()
    sign_in(page, live_server.url, "manager@example.org", language)
    page.goto(f"{live_server.url}/{language}/insights/annual/2025/")
    assert page.locator("h1").text_content() == TITLES[language]
    assert page.locator("[data-indicator=R1] tr.figure-total td").first.text_content() == "37"
    assert_accessible(axe, page)

    page.emulate_media(media="print")
    assert not page.locator("[data-print-hint]").is_visible()
    assert not page.locator("nav").first.is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    assert str(reader.metadata.title).startswith(TITLES[language])
    sheets = [" ".join(sheet.extract_text().split()) for sheet in reader.pages]
    # The cover, then a page at least for each source.
    assert len(sheets) >= 6
    printed = " ".join(sheets)
    # Khmer's stacked letters do not come back whole from a PDF's text: its title is read above.
    assert (TITLES[language] if language != "km" else "2025") in sheets[0]
    assert "37" in printed
    assert "Ctrl+P" not in printed
