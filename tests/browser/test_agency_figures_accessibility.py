"""A case supervisor's agency figures pass axe-core's WCAG 2.2 AA rules in every language, say they are
confidential, and work without JavaScript (a period chosen by a plain form)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.cases.models import Case
from childshield.cases.models.cases import HarmType, RiskLevel
from childshield.cases.services.opening import case_open
from childshield.places.models import Area
from tests.browser.conftest import assert_accessible
from tests.cases.conftest import child_input, consent_input
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("language", ["vi", "km", "en"])
def test_the_agency_figures_pass_axe_and_are_marked_confidential(
    page, axe, live_server, make_member, language
):
    country = Area.objects.create(code="VN", country="VN", level=Area.Level.COUNTRY, name_en="Viet Nam")
    province = Area.objects.create(
        code="VN44", country="VN", level=Area.Level.PROVINCE, parent=country, name_en="Quang Binh"
    )
    commune = Area.objects.create(
        code="VN44-X", country="VN", level=Area.Level.COMMUNE, parent=province, name_en="Kim Thuy"
    )
    agency = Agency.objects.create(country="VN", name="Social Work (test)", kind=AgencyKind.SOCIAL_SERVICES)
    supervisor = make_member(email="supervisor@example.org", role=Role.CASE_SUPERVISOR, agency=agency)
    worker = make_member(email="worker@example.org", role=Role.CASE_WORKER, agency=agency)
    cases = [
        case_open(
            acting=worker,
            child=child_input(commune, full_name=f"Demo Child {number}"),
            risk_level=RiskLevel.HIGH if number else RiskLevel.LOW,
            harm_types=[HarmType.SEXTORTION],
            supervisor=supervisor,
            consent=consent_input(agency),
        )
        for number in range(3)
    ]
    Case.objects.filter(pk=cases[0].pk).update(safety_assessment_due_at=timezone.now() - timedelta(hours=2))
    page.goto(f"{live_server.url}/{language}/account/sign-in/")
    page.fill("input[name=username]", "supervisor@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/{language}/account/")
    page.goto(f"{live_server.url}/{language}/insights/agency/")
    assert page.locator("[data-confidential]").is_visible()
    assert page.locator("[data-overdue-count]").text_content() == "1"
    assert page.locator(f"[data-overdue] a[href='/{language}/cases/{cases[0].pk}/']").count() == 1
    assert_accessible(axe, page)
    # The period is chosen by a plain form: the page answers it without any script.
    page.select_option("#period", index=1)
    page.click("[data-period-form] button[type=submit]")
    assert "period=" in page.url
    assert_accessible(axe, page)
