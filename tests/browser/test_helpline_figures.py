"""The helpline's CHI submission page and the insights page of its figures for publication, in a browser:
accessible in each language, each saying what its files are."""

import pytest

from childshield.accounts.models import Agency, AgencyKind, Role
from tests.browser.conftest import assert_accessible
from tests.browser.intake_steps import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("language", ["vi", "km", "en"])
def test_the_figures_pages_are_accessible(live_server, page, axe, make_member, language):
    agency = Agency.objects.create(country="VN", name="Helpline (test)", kind=AgencyKind.HELPLINE)
    supervisor = make_member(email="supervisor@example.org", role=Role.HELPLINE_SUPERVISOR, agency=agency)

    sign_in(page, live_server.url, supervisor.user.email, language)
    page.goto(f"{live_server.url}/{language}/helpline/figures/")
    page.wait_for_selector("[data-months] a")
    assert page.locator("[data-confidential]").is_visible()
    assert page.locator("[data-months] a").first.inner_text().endswith("-confidential.csv")
    assert_accessible(axe, page)

    page.goto(f"{live_server.url}/{language}/insights/helpline-figures/")
    page.wait_for_selector("[data-years] a")
    assert page.locator("[data-published]").is_visible()
    assert page.locator("[data-years] a").first.inner_text().endswith("-published.csv")
    assert_accessible(axe, page)
