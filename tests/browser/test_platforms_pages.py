"""The platforms' staff pages pass axe-core's WCAG 2.2 AA rules, with data on them: the onboarding list
and a platform's keys page with a sandbox key just issued (a hotline lead), and the platform's
dashboard (its staff). One language: the pages share their layout with pages checked in all three."""

import pytest

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.hashing.models import ApiScope
from childshield.hotline.models import HostingProvider
from childshield.platforms.models import WebhookSubscription
from childshield.platforms.services.credentials import platform_credential_create
from childshield.platforms.services.reports import PlatformReportData, platform_report_receive
from tests.browser.conftest import assert_accessible
from tests.browser.intake_steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def platform(db):
    Agency.objects.create(country="VN", name="Hotline (browser)", kind=AgencyKind.HOTLINE)
    HostingProvider.objects.create(name="Fast CDN (browser)")
    platform, key, _secret = platform_credential_create(
        name="Video App (browser)", country="VN", scopes=list(ApiScope.values)
    )
    platform_report_receive(
        key=key,
        data=PlatformReportData(
            incident_type="other", urls=["https://video.example/1"], description="Made up."
        ),
    )
    WebhookSubscription.objects.create(
        platform=platform, url="https://hooks.video.example/cs", secret="whsec_x"
    )
    return platform


def test_onboarding_and_keys_pages_are_accessible(live_server, page, axe, make_member, platform):
    hotline = Agency.objects.get(name="Hotline (browser)")
    lead = make_member(email="lead@example.org", role=Role.HOTLINE_LEAD, agency=hotline)
    sign_in(page, live_server.url, lead.user.email, language="vi")

    page.goto(f"{live_server.url}/vi/platforms/")
    assert page.locator("main h1").count() == 1
    assert_accessible(axe, page)

    page.goto(f"{live_server.url}/vi/platforms/{platform.pk}/keys/")
    page.click("form[action$='/keys/sandbox/'] button[type=submit]")
    page.wait_for_selector("code.secret")
    assert page.locator("code.secret").inner_text().startswith("cs_")
    assert_accessible(axe, page)


def test_the_dashboard_is_accessible(live_server, page, axe, make_member, platform):
    staff = make_member(email="staff@video.example", role=Role.PLATFORM_STAFF, agency=platform)
    sign_in(page, live_server.url, staff.user.email, language="vi")

    page.goto(f"{live_server.url}/vi/platforms/dashboard/")

    assert page.locator("[data-report]").count() == 1
    assert_accessible(axe, page)


def test_a_platform_report_and_the_list_are_accessible(live_server, page, axe, make_member, platform):
    hotline = Agency.objects.get(name="Hotline (browser)")
    analyst = make_member(email="analyst@example.org", role=Role.HOTLINE_ANALYST, agency=hotline)
    report = platform_report_receive(
        key=platform.hashing_api_keys.get(),
        data=PlatformReportData(
            incident_type="sextortion",
            external_id="vid-9",
            urls=["https://video.example/2", "https://video.example/1"],
            file_hashes=[{"algorithm": "md5", "value": "ab" * 16}],
            uploader={"username": "made_up", "ip_address": "192.0.2.9"},
            location={"country": "VN", "city": "Huế"},
            child_at_risk=False,
            description="Made up.",
        ),
    )
    sign_in(page, live_server.url, analyst.user.email, language="vi")

    page.goto(f"{live_server.url}/vi/platforms/reports/")
    assert page.locator("[data-report]").count() == 2
    assert_accessible(axe, page)

    page.click(f"a[href$='/platforms/reports/{report.pk}/']")
    page.wait_for_selector("[data-uploader]")
    assert page.locator("[data-addresses] a").count() == 2
    assert_accessible(axe, page)
