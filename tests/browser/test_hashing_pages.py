"""The hashing staff pages pass axe-core's WCAG 2.2 AA rules, with data on them."""

import pytest

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.hashing import services
from childshield.hashing.models import MatchChannel
from tests.browser.conftest import assert_accessible
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

MD5 = "d41d8cd98f00b204e9800998ecf8427e"
PDQ = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"


def _sign_in(page, live_server, email):
    page.goto(f"{live_server.url}/en/account/sign-in/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/en/account/")


def test_hashing_pages_are_accessible(live_server, page, axe, make_member):
    hotline = Agency.objects.create(country="VN", name="Hotline (browser)", kind=AgencyKind.HOTLINE)
    lead = make_member(email="lead@example.org", role=Role.HOTLINE_LEAD, agency=hotline)
    bank = services.bank_create(
        actor=lead, name="Confirmed", source="hotline_confirmed", sharing="not_shared"
    )
    services.entry_add(actor=lead, bank=bank, algorithm="md5", value=MD5)
    removed = services.entry_add(actor=lead, bank=bank, algorithm="pdq", value=PDQ, quality=90)
    services.entry_remove(actor=lead, entry=removed, reason="mistake")
    rejected = services.list_import(
        actor=lead, bank=bank, text="nonsense\n", fmt="md5_list", filename="bad.txt"
    )
    services.hashes_match(
        queries=[services.HashQuery("md5", MD5)], bank_ids=[bank.pk], channel=MatchChannel.API, agency=hotline
    )
    services.api_key_issue(actor=lead, agency=hotline, name="scanner")

    _sign_in(page, live_server, lead.user.email)
    for path in [
        "hashing/banks/",
        f"hashing/banks/{bank.pk}/",
        f"hashing/banks/{bank.pk}/?show=removed",
        "hashing/imports/",
        f"hashing/imports/{rejected.pk}/",
        "hashing/matches/",
        "hashing/check/",
        "hashing/api-keys/",
    ]:
        page.goto(f"{live_server.url}/en/{path}")
        assert page.locator("main h1").count() == 1, path
        assert_accessible(axe, page)


def test_an_issued_key_is_shown_accessibly(live_server, page, axe, make_member):
    hotline = Agency.objects.create(country="VN", name="Hotline (browser)", kind=AgencyKind.HOTLINE)
    lead = make_member(email="lead@example.org", role=Role.HOTLINE_LEAD, agency=hotline)
    _sign_in(page, live_server, lead.user.email)
    page.goto(f"{live_server.url}/en/hashing/api-keys/")
    page.fill("input[name=name]", "uploads")
    page.click("main form button[type=submit] >> text=Issue")
    page.wait_for_selector("code.secret")
    assert page.locator("code.secret").inner_text().startswith("cs_")
    assert_accessible(axe, page)


def test_a_lookup_result_is_shown_accessibly(live_server, page, axe, make_member):
    hotline = Agency.objects.create(country="VN", name="Hotline (browser)", kind=AgencyKind.HOTLINE)
    analyst = make_member(email="analyst@example.org", role=Role.HOTLINE_ANALYST, agency=hotline)
    bank = services.bank_create(
        actor=analyst, name="Confirmed", source="hotline_confirmed", sharing="not_shared"
    )
    services.entry_add(actor=analyst, bank=bank, algorithm="pdq", value=PDQ, quality=90)
    _sign_in(page, live_server, analyst.user.email)
    page.goto(f"{live_server.url}/en/hashing/check/")
    page.select_option("select[name=algorithm]", "pdq")
    page.fill("input[name=value]", PDQ)
    page.click("main form button[type=submit]")
    page.wait_for_selector("#result-heading")
    assert page.locator("#result-heading").inner_text() == "1 match"
    assert_accessible(axe, page)
