"""Two-factor recovery: recovery codes on paper, each signing in once, and an administrator's reset
for a member who lost their phone (audited, every session of theirs ended, set up again after)."""

import base64
import re

import pytest
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from childshield.accounts.models import Role
from childshield.accounts.recovery import RECOVERY_CODE_COUNT, recovery_codes_issue
from childshield.audit.models import AuditAction, AuditEvent
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("two_factor_required")]


@pytest.fixture
def two_factor_required():
    with override_settings(REQUIRE_TWO_FACTOR=True):
        yield


@pytest.fixture
def agency_admin(make_member, social_agency):
    return make_member(email="admin@example.org", role=Role.AGENCY_ADMIN, agency=social_agency)


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _password(client: Client, membership) -> None:
    response = client.post("/en/account/sign-in/", {"username": membership.user.email, "password": PASSWORD})
    assert response.status_code == 302


def _signed_in_with_two_factor(membership) -> Client:
    """A browser of the member's, past the password and a code from their authenticator."""
    client = Client()
    device = TOTPDevice.objects.get(user=membership.user, confirmed=True)
    _password(client, membership)
    assert client.post("/en/account/two-factor/", {"token": _code(device)}).status_code == 302
    return client


def _with_authenticator(membership) -> list[str]:
    TOTPDevice.objects.create(user=membership.user, name="phone", confirmed=True)
    return recovery_codes_issue(user=membership.user)


def test_setting_up_two_factor_shows_recovery_codes_once(client, worker):
    _password(client, worker)
    page = client.get("/en/account/two-factor/setup/").content.decode()
    shown = re.search(r"data-totp-secret>([A-Z2-7 ]+)<", page).group(1).replace(" ", "")
    app = TOTPDevice(key=base64.b32decode(shown + "=" * (-len(shown) % 8)).hex())
    response = client.post("/en/account/two-factor/setup/", {"token": _code(app)})
    assert response["Location"] == "/en/account/security/recovery-codes/"
    page = client.get(response["Location"]).content.decode()
    codes = re.findall(r"<li>([a-z2-7]{4}) ([a-z2-7]{4})</li>", page)
    assert len(codes) == RECOVERY_CODE_COUNT
    stored = set(StaticDevice.objects.get(user=worker.user).token_set.values_list("token", flat=True))
    assert {a + b for a, b in codes} == stored
    # Shown once: the page now tells how many are left, not the codes.
    again = client.get("/en/account/security/recovery-codes/").content.decode()
    assert codes[0][0] + " " + codes[0][1] not in again
    assert f"You have {RECOVERY_CODE_COUNT} recovery codes left." in again


def test_a_recovery_code_signs_in_once(worker):
    codes = _with_authenticator(worker)
    client = Client()
    _password(client, worker)
    page = client.get("/en/account/two-factor/").content.decode()
    assert f"You have {RECOVERY_CODE_COUNT} left." in page
    # Written on paper in two groups, typed in capitals: still the code.
    written = f"{codes[0][:4].upper()} {codes[0][4:].upper()}"
    response = client.post("/en/account/two-factor/", {"recovery_code": written, "next": "/en/audit/"})
    assert response["Location"] == "/en/audit/"
    page = client.get("/en/audit/")
    assert page.status_code == 200
    assert f"You signed in with a recovery code; {RECOVERY_CODE_COUNT - 1} are left." in page.content.decode()

    client.post("/en/account/sign-out/")
    _password(client, worker)
    response = client.post("/en/account/two-factor/", {"recovery_code": codes[0]})
    assert response.status_code == 200
    assert "not right, or was used already" in response.content.decode()
    assert client.get("/en/account/")["Location"] == "/en/account/two-factor/"
    # Another code still works (after the wait a wrong code imposes).
    StaticDevice.objects.filter(user=worker.user).update(
        throttling_failure_timestamp=None, throttling_failure_count=0
    )
    assert client.post("/en/account/two-factor/", {"recovery_code": codes[1]}).status_code == 302
    assert AuditEvent.objects.filter(actor_id=str(worker.user_id), reason="recovery code used").count() == 2
    assert AuditEvent.objects.filter(actor_id=str(worker.user_id), reason="wrong recovery code").exists()


def test_new_recovery_codes_replace_the_old_ones(worker):
    old = _with_authenticator(worker)
    client = _signed_in_with_two_factor(worker)
    response = client.post("/en/account/security/recovery-codes/")
    assert response["Location"] == "/en/account/security/recovery-codes/"
    page = client.get(response["Location"]).content.decode()
    new = {a + b for a, b in re.findall(r"<li>([a-z2-7]{4}) ([a-z2-7]{4})</li>", page)}
    assert len(new) == RECOVERY_CODE_COUNT
    assert not set(
        StaticDevice.objects.get(user=worker.user).token_set.values_list("token", flat=True)
    ) & set(old)


def test_an_admin_resets_a_members_two_factor_who_sets_it_up_again(agency_admin, worker):
    _with_authenticator(worker)
    _with_authenticator(agency_admin)
    workers_browser = _signed_in_with_two_factor(worker)
    assert workers_browser.get("/en/audit/").status_code == 200

    admins_browser = _signed_in_with_two_factor(agency_admin)
    members = admins_browser.get("/en/account/members/").content.decode()
    reset_url = f"/en/account/members/{worker.pk}/two-factor-reset/"
    assert reset_url in members
    assert "call them back" in admins_browser.get(reset_url).content.decode()
    assert admins_browser.post(reset_url, {"reason": ""}).status_code == 200
    assert TOTPDevice.objects.filter(user=worker.user).exists()
    response = admins_browser.post(reset_url, {"reason": "lost phone; called back on the office number"})
    assert response["Location"] == "/en/account/members/"

    assert not TOTPDevice.objects.filter(user=worker.user).exists()
    assert not StaticDevice.objects.filter(user=worker.user).exists()
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_id=str(worker.user_id))
    assert event.actor_id == str(agency_admin.user_id)
    assert event.reason == "two-factor reset: lost phone; called back on the office number"
    # The person's open session has ended; at the next sign-in they set up two-factor again.
    assert workers_browser.get("/en/audit/")["Location"].startswith("/en/account/sign-in/")
    _password(workers_browser, worker)
    assert workers_browser.get("/en/audit/")["Location"] == "/en/account/two-factor/setup/"
    # The administrator's own session goes on.
    assert admins_browser.get("/en/account/members/").status_code == 200


def test_an_agency_admin_cannot_reset_someone_in_another_agency(agency_admin, outsider):
    _with_authenticator(agency_admin)
    _with_authenticator(outsider)
    admins_browser = _signed_in_with_two_factor(agency_admin)
    url = f"/en/account/members/{outsider.pk}/two-factor-reset/"
    assert admins_browser.get(url).status_code == 404
    assert admins_browser.post(url, {"reason": "lost phone"}).status_code == 404
    assert TOTPDevice.objects.filter(user=outsider.user).exists()
    assert not AuditEvent.objects.filter(reason__startswith="two-factor reset").exists()


def test_an_agency_admin_cannot_reset_a_system_administrator_or_themselves(
    agency_admin, make_member, social_agency
):
    system_admin = make_member(email="sys@example.org", role=Role.SYSTEM_ADMIN, agency=social_agency)
    _with_authenticator(agency_admin)
    _with_authenticator(system_admin)
    admins_browser = _signed_in_with_two_factor(agency_admin)
    for membership in (system_admin, agency_admin):
        page = admins_browser.post(
            f"/en/account/members/{membership.pk}/two-factor-reset/", {"reason": "lost phone"}
        ).content.decode()
        assert "cannot reset" in page or "Only a system administrator" in page
        assert TOTPDevice.objects.filter(user=membership.user).exists()


def test_the_pages_say_what_to_do_without_a_smartphone(worker):
    client = Client()
    _password(client, worker)
    setup = client.get("/en/account/two-factor/setup/").content.decode()
    assert "A basic phone, without apps?" in setup and "key-fob" in setup
    _with_authenticator(worker)
    verify = client.get("/en/account/two-factor/").content.decode()
    assert "Ask your agency's administrator to reset your two-factor" in verify
