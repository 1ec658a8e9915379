"""The hotline's review page for children's hashes passes axe-core's WCAG 2.2 AA rules, with files
waiting and decided, and a lead can accept a file from it."""

import pytest

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.hashing.models import HashEntry
from childshield.intake import services
from childshield.intake.services import FileHashes, ReportContent
from tests.browser.conftest import assert_accessible
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def _files(seed: str) -> list[FileHashes]:
    return [
        FileHashes("image", seed[0] * 32, seed[0] * 64, pdq=seed[1] * 64, quality=90),
        FileHashes("video", seed[1] * 32, seed[1] * 64),
    ]


@pytest.mark.parametrize("language", ["vi", "km", "en"])
def test_the_review_page_is_accessible_and_a_lead_accepts_a_file(
    live_server, page, axe, make_member, language
):
    hotline = Agency.objects.create(country="VN", name="Hotline (browser)", kind=AgencyKind.HOTLINE)
    lead = make_member(email="lead@example.org", role=Role.HOTLINE_LEAD, agency=hotline)
    for number, seed in enumerate(["ab", "cd"]):
        services.blocked_images_submit(
            content=ReportContent(about="me", safe_now="", harms=["threatened"]),
            files=_files(seed),
            idempotency_key=f"browser-{number}",
        )

    page.goto(f"{live_server.url}/{language}/account/sign-in/")
    page.fill("input[name=username]", lead.user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/{language}/account/")
    page.click("a[href$='/blocked-images/']")
    page.wait_for_url("**/blocked-images/")
    assert page.locator("[data-file]").count() == 4
    assert_accessible(axe, page)

    page.locator("[data-file] button[value=accept]").first.click()
    page.wait_for_selector("table")
    assert page.locator("[data-file]").count() == 3
    assert HashEntry.objects.filter(bank__owner=hotline).count() == 3
    page.click("form[action$='/policy/'] button")
    page.wait_for_selector("[data-policy]")
    assert_accessible(axe, page)
