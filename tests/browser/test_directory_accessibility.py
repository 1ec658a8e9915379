"""The directory pages pass axe (WCAG 2.2 AA) in each language: search, results, a service, the form."""

from datetime import time

import pytest

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.directory.services import HoursRange, ResourceDetails, resource_create
from childshield.places.models import Area
from childshield.places.services.reference_data import reference_data_load
from tests.browser.conftest import assert_accessible
from tests.browser.intake_steps import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("language", ["vi", "km", "en"])
def test_the_directory_pages_are_accessible(live_server, page, axe, make_member, language):
    reference_data_load()
    agency = Agency.objects.create(country="VN", name="Helpline (test)", kind=AgencyKind.HELPLINE)
    keeper = make_member(email="keeper@example.org", role=Role.HELPLINE_SUPERVISOR, agency=agency)
    resource = resource_create(
        acting=keeper,
        details=ResourceDetails(
            country="VN",
            name_vi="Trung tâm Tư vấn Tâm lý Hướng Dương",
            name_en="Sunflower counselling centre",
            kinds=["mhpss", "health"],
            areas=[Area.objects.get(code="VN45"), Area.objects.get(code="VN44-LT-KIMTHUY")],
            languages=["vi", "bru"],
            hours=[HoursRange(weekday=day, opens=time(7, 30), closes=time(17, 0)) for day in range(5)],
            phone="0233 000 0105",
            email="hello@sunflower.test",
            website="https://example.org/sunflower",
            accepts_self_referral=True,
            free_of_charge=True,
            notes="Group sessions for girls.",
        ),
    )

    sign_in(page, live_server.url, keeper.user.email, language)
    page.goto(f"{live_server.url}/{language}/services/")
    page.wait_for_selector(f'[data-resource="{resource.pk}"]')
    assert_accessible(axe, page)

    # Searching without accents narrows the list in place (HTMX), and the page stays accessible.
    page.fill("input[name=q]", "tam ly")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_url("**/services/?q=tam*")
    page.wait_for_selector(f'[data-resource="{resource.pk}"]')
    page.fill("input[name=q]", "nothing like this")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_selector("[data-result-count='0']")
    assert_accessible(axe, page)

    page.goto(f"{live_server.url}/{language}/services/{resource.pk}/")
    assert_accessible(axe, page)

    page.goto(f"{live_server.url}/{language}/services/{resource.pk}/edit/")
    page.fill("input[name=hours_2]", "9 to 5")
    page.click("[data-resource-form] button[type=submit]")
    page.wait_for_selector(".form-error")
    assert_accessible(axe, page)
