"""The children's feedback figures pass axe-core's WCAG 2.2 AA rules in every language."""

import pytest
from django.utils import timezone

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.cases.models import FeedbackResponse
from childshield.places.models import Area
from tests.browser.conftest import assert_accessible
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("language", ["vi", "km", "en"])
def test_the_feedback_figures_pass_axe(page, axe, live_server, make_member, language):
    area = Area.objects.create(code="VN", country="VN", level=Area.Level.COUNTRY, name_en="Viet Nam")
    agency = Agency.objects.create(country="VN", name="Social Work (test)", kind=AgencyKind.SOCIAL_SERVICES)
    make_member(email="manager@example.org", role=Role.PROGRAMME_MANAGER, agency=agency)
    FeedbackResponse.objects.bulk_create(
        FeedbackResponse(
            agency=agency,
            area=area,
            respondent="child",
            channel="link",
            language=language,
            period=timezone.localdate().replace(day=1),
            listened="yes",
            safe="yes" if number % 3 else "a_little",
            not_blamed="yes",
            helped="no" if number % 4 == 0 else "yes",
        )
        for number in range(12)
    )
    page.goto(f"{live_server.url}/{language}/account/sign-in/")
    page.fill("input[name=username]", "manager@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/{language}/account/")
    page.goto(f"{live_server.url}/{language}/insights/feedback/")
    assert page.locator("[data-respondent=child] [data-responses]").text_content() == "12"
    assert_accessible(axe, page)


@pytest.mark.parametrize("language", ["vi", "km", "en"])
def test_the_indicators_page_passes_axe_draws_its_charts_and_prints(
    page, axe, live_server, make_member, language
):
    from datetime import datetime, timedelta

    from childshield.insights.figures.refresh import refresh
    from childshield.intake.models import Report, ReportMessage
    from childshield.places.services.reference_data import reference_data_load

    reference_data_load()
    ngo = Agency.objects.create(country="VN", name="Programme NGO", kind=AgencyKind.NGO)
    manager = make_member(email="manager@example.org", role=Role.PROGRAMME_MANAGER, agency=ngo)
    march = timezone.make_aware(datetime(2026, 3, 10, 12, 0))
    hanoi = Area.objects.get(code="VN01")
    Report.objects.bulk_create(
        Report(
            reference=f"AXE{number:04d}",
            about="me",
            country="VN",
            created_at=march,
            harms=["threatened"] if number % 3 else ["bullying"],
            age_band="13_15" if number % 2 else "16_17",
            gender="girl" if number % 4 else "boy",
            province=hanoi,
        )
        for number in range(40)
    )
    # Half are answered two hours later: the time to a first reply (R9) is shown with them.
    ReportMessage.objects.bulk_create(
        ReportMessage(
            report=report, sender="staff", author=manager, body="Read.", created_at=march + timedelta(hours=2)
        )
        for report in Report.objects.all()[:20]
    )
    refresh()
    page.goto(f"{live_server.url}/{language}/account/sign-in/")
    page.fill("input[name=username]", "manager@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/{language}/account/")
    page.goto(f"{live_server.url}/{language}/insights/indicators/?period=2026-03")
    r1 = page.locator("[data-indicator=R1] tr.figure-total td").first
    assert r1.text_content() == "40"
    # Every chart is drawn as an SVG image named for screen readers, with its table.
    charts = page.locator("[data-indicator] svg[role=img]")
    assert charts.count() >= 20
    assert page.locator("[data-indicator=R6] svg[role=img] title").text_content()
    reply = page.locator("[data-duration=report_reply-all] tr[data-item=median] td").first
    assert (reply.text_content() or "").startswith("2")  # 2 hours, in the page's language
    assert_accessible(axe, page)
    # It prints: no navigation, the charts kept.
    page.emulate_media(media="print")
    assert not page.locator("nav").first.is_visible()
    assert page.locator("[data-indicator=R6] svg").is_visible()
    assert len(page.pdf(format="A4")) > 10_000
