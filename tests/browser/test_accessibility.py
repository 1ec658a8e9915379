"""Every page that exists passes axe-core's WCAG 2.2 AA rules in each language."""

import pytest

from childshield.accounts.models import Role
from tests.browser.conftest import assert_accessible
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

LANGUAGES = ["vi", "km", "en"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_sign_in_page_is_accessible(live_server, page, axe, language):
    page.goto(f"{live_server.url}/{language}/account/sign-in/")
    assert page.locator("html").get_attribute("lang") == language
    assert_accessible(axe, page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_public_home_is_accessible(live_server, page, axe, language):
    page.goto(f"{live_server.url}/{language}/")
    assert page.locator("[data-quick-exit]").is_visible()
    assert_accessible(axe, page)


def _sign_in(page, live_server, email: str, language: str = "en") -> None:
    page.goto(f"{live_server.url}/{language}/account/sign-in/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/{language}/account/")


@pytest.mark.parametrize("language", LANGUAGES)
def test_staff_pages_are_accessible(live_server, page, axe, make_member, language):
    admin = make_member(email="admin@example.org", role=Role.SYSTEM_ADMIN)
    _sign_in(page, live_server, admin.user.email, language)
    for path in [
        "account/",
        "account/members/",
        "account/agencies/",
        "account/security/",
        "audit/",
        "places/areas/",
    ]:
        page.goto(f"{live_server.url}/{language}/{path}")
        assert page.locator("main h1").count() >= 1, path
        assert_accessible(axe, page)


def test_the_two_factor_setup_page_is_accessible(live_server, page, axe, make_member):
    member = make_member(email="counsellor@example.org", role=Role.COUNSELLOR)
    _sign_in(page, live_server, member.user.email)
    page.goto(f"{live_server.url}/en/account/two-factor/setup/")
    assert page.locator("img.qr").is_visible()
    assert_accessible(axe, page)
