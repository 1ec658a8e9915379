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
