"""A focal point makes a school's poster on a 360 px phone in Khmer; the page to print passes axe-core,
shows the QR code, its short address and the helpline number, and is sized for A4 when printed."""

import pytest

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.places.models import Area, HelplineNumber
from tests.browser.conftest import assert_accessible
from tests.browser.intake_steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def focal_point(make_member):
    province = Area.objects.create(
        code="VN99", country="VN", level=Area.Level.PROVINCE, name_en="Test province"
    )
    Area.objects.create(
        code="VN99001", country="VN", level=Area.Level.COMMUNE, parent=province, name_en="Kim Thuy"
    )
    HelplineNumber.objects.create(country="VN", name_en="Made-up Line", number="111", order=1)
    school = Agency.objects.create(country="VN", name="Made-up Lower Secondary", kind=AgencyKind.SCHOOL)
    return make_member(email="focal@example.org", role=Role.FOCAL_POINT, agency=school)


def test_a_focal_point_makes_a_poster_to_print(live_server, open_page, axe, focal_point):
    page = open_page(viewport={"width": 360, "height": 780})
    sign_in(page, live_server.url, focal_point.user.email, language="km")
    page.goto(f"{live_server.url}/km/learning/posters/new/")
    assert_accessible(axe, page)
    page.fill("input[name=place_name]", "Made-up Lower Secondary")
    page.fill("input[name=area_code]", "VN99001")
    page.select_option("select[name=language]", "km")
    page.click("main form button[type=submit]")
    page.wait_for_selector("svg")

    assert_accessible(axe, page)
    text = page.locator("main").inner_text()
    assert "111" in text
    assert "/s/" in text
    page.emulate_media(media="print")
    pdf = page.pdf(prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF")
