"""A new country set up and staffed without the Django admin (issue 21), in Debian's chromium on a
phone-sized screen: `setup_country` makes the first system administrator, who chooses a password
through the one-time link, turns on two-factor, then adds an agency with the areas it serves, imports
an area from a file after its preview, adds a helpline number, a hosting provider with its networks
typed as text and a partner hotline, and imports a case worker from a CSV file; the case worker
accepts the invitation, turns on two-factor and works for the new agency. No page of the admin site
is opened; every page the administrator used passes axe-core."""

import base64
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django_otp.oath import totp
from playwright.sync_api import Page

from childshield.accounts.models import Agency, Membership
from childshield.hotline.models import HostingProvider, PartnerHotline
from childshield.operations.country_setup import country_set_up
from childshield.places.models import AgencyArea, Area, HelplineNumber
from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-Made-up-pass-2026"


def choose_password(page: Page, link: str) -> None:
    page.goto(link)
    page.fill("input[name=new_password1]", PASSWORD)
    page.fill("input[name=new_password2]", PASSWORD)
    page.click("main button[type=submit]")


def sign_in_with_two_factor(page: Page, base: str, email: str, language: str) -> None:
    """Sign in; at the first sign-in two-factor is set up from the key the page shows."""
    page.goto(f"{base}/{language}/account/sign-in/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_selector("[data-totp-secret]")
    secret = page.locator("[data-totp-secret]").inner_text().replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.fill("input[name=token]", f"{totp(key):06d}")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r".*/account/security/recovery-codes/$"))
    page.click("main a.button")
    page.wait_for_url(f"{base}/{language}/account/")


def upload(page: Page, tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    page.set_input_files("input[type=file]", str(path))


def test_a_country_is_set_up_and_staffed_in_the_staff_pages(
    live_server, open_page, axe, settings, mailoutbox, tmp_path
):
    settings.REQUIRE_TWO_FACTOR = True
    base = live_server.url
    done = country_set_up(
        country="VN", admin_email="admin@example.org", admin_name="Made-up Admin", hotline_name="Test Hotline"
    )
    page = open_page(viewport={"width": 360, "height": 780})
    visited: list[str] = []
    page.on("request", lambda request: visited.append(request.url))

    # The link is printed with SITE_URL in front: here, the live server's.
    choose_password(page, base + urlsplit(done.password_link).path)
    sign_in_with_two_factor(page, base, "admin@example.org", "vi")

    # An agency, and the areas it serves: a province ticked, a commune typed.
    page.goto(f"{base}/vi/places/agencies/new/")
    assert_accessible(axe, page)
    page.fill("input[name=name]", "Made-up Commune Social Work Office")
    page.select_option("select[name=kind]", "social_services")
    page.check("input[name=areas][value='VN01']")
    page.fill("[name=area_codes]", "VN44-LT-KIMTHUY")
    page.click("main form button[type=submit]:not([formnovalidate])")
    page.wait_for_selector(".messages")
    agency = Agency.objects.get(name="Made-up Commune Social Work Office")
    assert set(AgencyArea.objects.filter(agency=agency).values_list("area__code", flat=True)) == {
        "VN01",
        "VN44-LT-KIMTHUY",
    }

    # An area from a file: previewed, then applied.
    page.goto(f"{base}/vi/places/areas/import/")
    upload(
        page,
        tmp_path,
        "areas.csv",
        "code,country,level,parent_code,name_vi,name_km,name_en,valid_from,valid_to,replaced_by_code\n"
        "VN01-TEST,VN,commune,VN01,Xã Thử,,Test Commune,2026-01-01,,\n",
    )
    page.click("main form button[type=submit]")
    page.wait_for_selector("text=VN01-TEST")
    assert not Area.objects.filter(code="VN01-TEST").exists()
    assert_accessible(axe, page)
    page.click("form[action$='/areas/import/apply/'] button[type=submit]")
    page.wait_for_selector(".messages")
    assert Area.objects.get(code="VN01-TEST").parent.code == "VN01"

    # A helpline number.
    page.goto(f"{base}/vi/places/helplines/new/")
    page.fill("input[name=name_en]", "Made-up Youth Line")
    page.fill("input[name=number]", "1800 0000")
    page.click("main form button[type=submit]")
    page.wait_for_selector(".messages")
    assert HelplineNumber.objects.filter(name_en="Made-up Youth Line", number="1800 0000").exists()

    # A hosting provider, its networks typed as text, and a partner hotline.
    page.goto(f"{base}/vi/hotline/providers/add/")
    assert_accessible(axe, page)
    page.fill("input[name=name]", "Made-up Cloud")
    page.fill("input[name=abuse_email]", "abuse@cloud.example")
    page.fill("textarea[name=asns]", "AS64500")
    page.fill("textarea[name=networks]", "203.0.113.0/24\n2001:db8::/32")
    page.click("main form button[type=submit]")
    page.wait_for_selector(".messages")
    provider = HostingProvider.objects.get(name="Made-up Cloud")
    assert (provider.asns, provider.networks) == ([64500], ["203.0.113.0/24", "2001:db8::/32"])
    page.goto(f"{base}/vi/hotline/partners/add/")
    page.fill("input[name=name]", "Made-up Partner Hotline")
    page.fill("input[name=country]", "TH")
    page.fill("input[name=email]", "reports@partner.example")
    page.click("main form button[type=submit]")
    page.wait_for_selector(".messages")
    assert PartnerHotline.objects.filter(name="Made-up Partner Hotline", country="TH").exists()

    # People: a case worker from a CSV file, previewed, then imported.
    page.goto(f"{base}/vi/account/members/import/")
    assert_accessible(axe, page)
    upload(
        page,
        tmp_path,
        "members.csv",
        "email,full_name,agency,role,languages\n"
        f"worker@example.org,Made-up Worker,{agency.short_code},case_worker,vi\n",
    )
    page.click("main form button[type=submit]")
    page.wait_for_selector("input[name=digest]", state="attached")
    assert not Membership.objects.filter(user__email="worker@example.org").exists()
    page.click("form:has(input[name=digest]) button[type=submit]")
    page.wait_for_selector(".messages")
    assert Membership.objects.get(user__email="worker@example.org").agency == agency

    # The case worker accepts the invitation, turns on two-factor and works for the new agency.
    (invitation,) = [mail for mail in mailoutbox if "worker@example.org" in mail.to]
    link = re.search(r"https?://\S+(/\w+/account/invitation/\S+)", invitation.body).group(1)
    worker = open_page(viewport={"width": 360, "height": 780})
    worker.on("request", lambda request: visited.append(request.url))
    choose_password(worker, f"{base}{link}")
    sign_in_with_two_factor(worker, base, "worker@example.org", "km")
    assert agency.name in worker.locator("body").inner_text()
    worker.goto(f"{base}{link}")
    assert worker.locator("main h1").count() == 1
    assert worker.locator("input[type=password]").count() == 0

    assert not [url for url in visited if "/admin/" in url]
