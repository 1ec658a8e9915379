"""The helpline's figures page in a browser: accessible in each language."""

import pytest

from childshield.accounts.models import Agency, AgencyKind, Role
from tests.browser.conftest import assert_accessible
from tests.browser.intake_steps import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("language", ["vi", "km", "en"])
def test_the_figures_page_is_accessible(live_server, page, axe, make_member, language):
    agency = Agency.objects.create(country="VN", name="Helpline (test)", kind=AgencyKind.HELPLINE)
    supervisor = make_member(email="supervisor@example.org", role=Role.HELPLINE_SUPERVISOR, agency=agency)

    sign_in(page, live_server.url, supervisor.user.email, language)
    page.goto(f"{live_server.url}/{language}/helpline/figures/")
    page.wait_for_selector("[data-months] a")
    assert_accessible(axe, page)
