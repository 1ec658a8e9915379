"""The system administrators' pages of issue 21 pass axe-core's WCAG 2.2 AA rules with data on them,
on a phone-sized screen: the helpline numbers, hosting providers and partner hotlines lists, a
members file with a problem in its preview, the two-factor reset and recovery codes, and a
data-subject request from its list to its printable export. The forms themselves are checked in
tests/browser/test_country_setup.py."""

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.hotline.models import HostingProvider, PartnerHotline, RecipientKind
from childshield.operations.models import IdentityDocument, SubjectKind, SubjectRequestKind
from childshield.operations.subject_requests import (
    RequestInput,
    subject_request_create,
    subject_request_identity_record,
    subject_request_subject_set,
)
from childshield.places.models import HelplineNumber
from tests.browser.conftest import assert_accessible
from tests.browser.intake_steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def admin(make_member):
    helpline = Agency.objects.create(country="VN", name="Child Helpline (browser)", kind=AgencyKind.HELPLINE)
    HelplineNumber.objects.create(country="VN", name_en="Made-up Line", number="1800 0001", order=1)
    HostingProvider.objects.create(name="Made-up Cloud", asns=[64500], networks=["203.0.113.0/24"])
    PartnerHotline.objects.create(
        name="Made-up Partner", country="TH", kind=RecipientKind.PARTNER_HOTLINE, email="p@partner.example"
    )
    return make_member(email="sysadmin@example.org", role=Role.SYSTEM_ADMIN, agency=helpline)


def test_the_reference_lists_are_accessible(live_server, page, axe, admin):
    sign_in(page, live_server.url, admin.user.email, language="km")
    for path in ("/km/places/helplines/", "/km/hotline/providers/", "/km/hotline/partners/"):
        page.goto(f"{live_server.url}{path}")
        assert page.locator("main h1").count() == 1
        assert_accessible(axe, page)


def test_people_pages_are_accessible(live_server, page, axe, admin, make_member, tmp_path):
    colleague = make_member(email="colleague@example.org", role=Role.COUNSELLOR, agency=admin.agency)
    TOTPDevice.objects.create(user=colleague.user, name="phone", confirmed=True)
    sign_in(page, live_server.url, admin.user.email, language="vi")

    page.goto(f"{live_server.url}/vi/account/members/import/")
    members = tmp_path / "members.csv"
    members.write_text(
        "email,full_name,agency,role\nnot-an-address,Made-up Person,NOPE,counsellor\n", encoding="utf-8"
    )
    page.set_input_files("input[type=file]", str(members))
    page.click("main form button[type=submit]")
    page.wait_for_selector("text=not-an-address")
    assert_accessible(axe, page)

    page.goto(f"{live_server.url}/vi/account/members/{colleague.pk}/two-factor-reset/")
    assert_accessible(axe, page)
    page.goto(f"{live_server.url}/vi/account/security/recovery-codes/")
    assert_accessible(axe, page)


def test_a_subject_request_is_accessible_from_list_to_export(live_server, page, axe, admin, make_member):
    staff = make_member(email="asker@example.org", role=Role.COUNSELLOR, agency=admin.agency)
    request = subject_request_create(
        acting=admin,
        data=RequestInput(
            kind=SubjectRequestKind.ACCESS, requester_name="Made-up Asker", details="A copy, please."
        ),
    )
    subject_request_identity_record(
        acting=admin,
        request=request,
        document=IdentityDocument.STAFF_ACCOUNT,
        checked_by="Made-up Admin",
        checked_at=timezone.now(),
    )
    subject_request_subject_set(
        acting=admin, request=request, kind=SubjectKind.STAFF_USER, record_id=staff.user_id
    )
    sign_in(page, live_server.url, admin.user.email, language="en")

    for path in ("", "new/", f"{request.pk}/", f"{request.pk}/export/"):
        page.goto(f"{live_server.url}/en/operations/subject-requests/{path}")
        assert page.locator("main h1").count() == 1
        assert_accessible(axe, page)
    assert "asker@example.org" in page.locator("main").inner_text()
