"""The hotline pages pass axe-core's WCAG 2.2 AA rules with data on them; evidence opens blurred and
grey, and revealing one picture leaves every other one veiled."""

import pytest

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.hotline.models import HostingProvider
from childshield.hotline.probe import ProbeResult
from childshield.hotline.services.assessment import assessment_confirm, assessment_record
from childshield.hotline.services.bounces import DeliveryReport, notice_delivery_record
from childshield.hotline.services.evidence import evidence_add
from childshield.hotline.services.hosting import hosting_trace
from childshield.hotline.services.items import content_item_report
from childshield.hotline.services.notices import notice_first_send
from childshield.hotline.services.removal import removal_check
from childshield.hotline.tracing import AddressInfo, TraceResult
from tests.browser.conftest import assert_accessible
from tests.conftest import PASSWORD
from tests.hotline.conftest import abuse
from tests.hotline.test_evidence import _upload, synthetic_png

pytestmark = pytest.mark.django_db(transaction=True)


def _sign_in(page, live_server, email):
    page.goto(f"{live_server.url}/en/account/sign-in/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/en/account/")


@pytest.fixture
def hotline_data(make_member):
    hotline = Agency.objects.create(country="VN", name="Hotline (browser)", kind=AgencyKind.HOTLINE)
    analyst = make_member(email="analyst@example.org", role=Role.HOTLINE_ANALYST, agency=hotline)
    lead = make_member(email="lead@example.org", role=Role.HOTLINE_LEAD, agency=hotline)
    HostingProvider.objects.create(
        name="Example Hosting", asns=[64500], country="NL", abuse_email="abuse@h.example"
    )
    trace = TraceResult(
        host="host.example",
        addresses=[AddressInfo(ip="192.0.2.1", network="192.0.2.0/24", asn=64500, as_org="Ex", country="NL")],
    )
    removed = content_item_report(acting=analyst, url="https://host.example/gone", source="analyst")
    assessment = assessment_record(acting=analyst, item=removed, data=abuse())
    assessment_confirm(acting=lead, assessment=assessment)
    hosting_trace(acting=None, item=removed, result=trace)
    notice_first_send(item_id=removed.pk)
    removal_check(item=removed, result=ProbeResult(state="removed", status_code=404))
    pending = content_item_report(acting=analyst, url="https://host.example/pending", source="analyst")
    for seed in (1, 2):
        evidence_add(acting=analyst, item=pending, upload=_upload(synthetic_png(seed)))
    bounced = content_item_report(acting=analyst, url="https://host.example/bounced", source="analyst")
    assessment = assessment_record(acting=analyst, item=bounced, data=abuse())
    assessment_confirm(acting=lead, assessment=assessment)
    hosting_trace(acting=None, item=bounced, result=trace)
    notice = notice_first_send(item_id=bounced.pk)
    notice_delivery_record(
        report=DeliveryReport(event_type="bounced", provider="Postmark", notice_id=str(notice.pk))
    )
    return analyst, lead, removed, pending


def test_hotline_pages_are_accessible(live_server, page, axe, hotline_data):
    _analyst, lead, removed, pending = hotline_data
    _sign_in(page, live_server, lead.user.email)
    for path in [
        "hotline/",
        "hotline/add/",
        f"hotline/items/{removed.pk}/",
        f"hotline/items/{pending.pk}/",
        "hotline/figures/",
        "hotline/packages/",
    ]:
        page.goto(f"{live_server.url}/en/{path}")
        assert page.locator("main h1").count() == 1, path
        assert_accessible(axe, page)


@pytest.mark.parametrize("language", ["vi", "km", "en"])
def test_the_list_flags_a_bounced_notice_accessibly_in_each_language(
    live_server, page, axe, hotline_data, language
):
    _analyst, lead, _removed, _pending = hotline_data
    _sign_in(page, live_server, lead.user.email)
    for query in ("", "?notice_bounced=on"):
        page.goto(f"{live_server.url}/{language}/hotline/{query}")
        assert page.locator("#item-rows [data-bounced]").count() == 1
        assert_accessible(axe, page)
    assert page.locator("#item-rows tbody tr").count() == 1


def test_evidence_opens_veiled_and_is_revealed_one_at_a_time(live_server, page, axe, hotline_data):
    analyst, _lead, _removed, pending = hotline_data
    _sign_in(page, live_server, analyst.user.email)
    page.goto(f"{live_server.url}/en/hotline/items/{pending.pk}/")
    assert page.locator("main img").count() == 0
    for link in page.get_by_role("link", name="Show blurred").all():
        link.click()
    page.locator("[data-evidence] img").nth(1).wait_for()
    frames = page.locator("[data-evidence]")
    filters = [frames.nth(n).locator("img").evaluate("img => getComputedStyle(img).filter") for n in range(2)]
    assert all("blur" in value and "grayscale" in value for value in filters)
    assert_accessible(axe, page)

    frames.nth(0).get_by_role("button", name="Reveal this one").click()
    assert frames.nth(0).locator("img").evaluate("img => getComputedStyle(img).filter") == "none"
    frames.nth(1).get_by_role("button", name="Reveal this one").click()
    assert "blur" in frames.nth(0).locator("img").evaluate("img => getComputedStyle(img).filter")
    assert frames.nth(1).locator("img").evaluate("img => getComputedStyle(img).filter") == "none"
    frames.nth(1).get_by_role("button", name="Blur again").click()
    assert "blur" in frames.nth(1).locator("img").evaluate("img => getComputedStyle(img).filter")
