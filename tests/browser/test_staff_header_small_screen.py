"""On a 360 by 640 phone the staff header leaves room for the page (issue 16): for a supervisor who
works for two agencies and has a long menu, the page's heading is in the first screen and the header
takes under a third of it."""

import pytest
from playwright.sync_api import Browser

from childshield.accounts.models import Agency, AgencyKind, Role
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("language", ["vi", "km", "en"])
def test_the_pages_heading_is_in_the_first_screen_at_360_px(
    live_server, browser: Browser, make_member, language
):
    office = Agency.objects.create(
        country="VN", name="Kim Thuy Commune Social Work Office (test)", kind=AgencyKind.SOCIAL_SERVICES
    )
    helpline = Agency.objects.create(country="VN", name="Child Helpline 111 (test)", kind=AgencyKind.HELPLINE)
    supervisor = make_member(email="supervisor@example.org", role=Role.CASE_SUPERVISOR, agency=office)
    make_member(email="supervisor@example.org", role=Role.HELPLINE_SUPERVISOR, agency=helpline)
    context = browser.new_context(viewport={"width": 360, "height": 640}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(10000)
    page.goto(f"{live_server.url}/{language}/account/sign-in/")
    page.fill("input[name=username]", supervisor.user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/{language}/account/**")
    # Two memberships: the person chooses the one they act for (the office's, with the case menu).
    page.select_option("main select[name=membership]", str(supervisor.pk))
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    for path in ("cases/", "account/", "audit/"):
        page.goto(f"{live_server.url}/{language}/{path}")
        header = page.locator("header.topbar").bounding_box()
        heading = page.locator("main h1").first.bounding_box()
        assert header is not None and heading is not None
        assert heading["y"] + heading["height"] <= 640, f"{path}: the heading ends at {heading['y']:.0f} px"
        assert header["height"] <= 640 / 3, f"{path}: the header is {header['height']:.0f} px high"
        # Nothing of the header goes past the screen's edge: the menu scrolls within itself.
        right = page.evaluate(
            "Math.max(...[...document.querySelectorAll('header.topbar .topbar-inner > *')]"
            ".map(element => element.getBoundingClientRect().right))"
        )
        assert right <= 360, f"{path}: the header reaches {right:.0f} px"
    context.close()
