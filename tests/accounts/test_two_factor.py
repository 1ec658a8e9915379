"""Two-factor sign-in with a real TOTP code, under the production settings module's own values."""

import base64
import re
import runpy
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

import childshield.settings

pytestmark = pytest.mark.django_db

PRODUCTION_SETTINGS = Path(childshield.settings.__file__).parent / "production.py"

# The settings that make production's sign-in different from the test suite's.
_PRODUCTION_KEYS = [
    "REQUIRE_TWO_FACTOR",
    "ALLOW_DEMO_DATA",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_NAME",
    "CSRF_COOKIE_NAME",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "IDLE_TIMEOUT_MINUTES",
    "AXES_FAILURE_LIMIT",
    "PASSWORD_HASHERS",
]


@pytest.fixture
def production_like(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("FIELD_ENCRYPTION_KEYS", Fernet.generate_key().decode())
    monkeypatch.setenv("BLIND_INDEX_KEY", "k" * 40)
    monkeypatch.setenv("PASSPHRASE_KEYS", "p" * 40)
    monkeypatch.setenv("HOTLINE_SIGNING_KEY", base64.b64encode(b"s" * 32).decode())
    monkeypatch.setenv("ALLOWED_HOSTS", "testserver")
    values = runpy.run_path(str(PRODUCTION_SETTINGS))
    overrides = {key: values[key] for key in _PRODUCTION_KEYS if key in values}
    assert overrides["REQUIRE_TWO_FACTOR"] is True
    with override_settings(**overrides):
        yield Client(HTTP_HOST="testserver")


def _code(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def _wrong_code(device: TOTPDevice) -> str:
    valid = {_code(device, offset) for offset in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in valid)


def _post(client: Client, path: str, data: dict) -> object:
    return client.post(path, data, secure=True)


def test_a_new_staff_member_must_set_up_an_authenticator_then_signs_in_with_a_real_code(
    production_like, worker
):
    client = production_like
    response = _post(
        client, "/en/account/sign-in/", {"username": worker.user.email, "password": "a-long-test-password-1"}
    )
    assert response.status_code == 302

    # Before two-factor is set up, every staff page leads to the setup page.
    response = client.get("/en/account/", secure=True)
    assert response.status_code == 302
    assert response["Location"] == "/en/account/two-factor/setup/"

    response = client.get("/en/account/two-factor/setup/", secure=True)
    assert response.status_code == 200
    # The person types the key shown into their app; opening the page saved no device yet.
    shown = re.search(r"data-totp-secret>([A-Z2-7 ]+)<", response.content.decode()).group(1).replace(" ", "")
    app = TOTPDevice(key=base64.b32decode(shown + "=" * (-len(shown) % 8)).hex())
    assert not TOTPDevice.objects.filter(user=worker.user).exists()
    # Reloading the page shows the same key: the app already holds it.
    assert shown in client.get("/en/account/two-factor/setup/", secure=True).content.decode().replace(" ", "")

    response = _post(client, "/en/account/two-factor/setup/", {"token": _wrong_code(app)})
    assert "That code is not right" in response.content.decode()
    device = TOTPDevice.objects.get(user=worker.user, confirmed=False)
    assert device.bin_key == app.bin_key
    # Right after a wrong code the device asks to wait; the person waits.
    response = _post(client, "/en/account/two-factor/setup/", {"token": _code(device)})
    assert "Too many wrong codes. Wait" in response.content.decode()
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(seconds=5)
    )

    response = _post(client, "/en/account/two-factor/setup/", {"token": _code(device)})
    assert response.status_code == 302
    assert client.get("/en/account/", secure=True).status_code == 200

    # Next time: password, then the code from the app.
    _post(client, "/en/account/sign-out/", {})
    _post(
        client, "/en/account/sign-in/", {"username": worker.user.email, "password": "a-long-test-password-1"}
    )
    response = client.get("/en/audit/", secure=True)
    assert response["Location"] == "/en/account/two-factor/"
    device.refresh_from_db()
    # A code may not be used twice: use the next time step's, which the device accepts too.
    response = _post(
        client, "/en/account/two-factor/", {"token": _code(device, offset=1), "next": "/en/audit/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/en/audit/"
    assert client.get("/en/audit/", secure=True).status_code == 200


def test_a_wrong_code_keeps_the_door_closed(production_like, worker):
    client = production_like
    device = TOTPDevice.objects.create(user=worker.user, name="phone", confirmed=True)
    _post(
        client, "/en/account/sign-in/", {"username": worker.user.email, "password": "a-long-test-password-1"}
    )
    response = _post(client, "/en/account/two-factor/", {"token": _wrong_code(device)})
    assert response.status_code == 200
    assert "That code is not right or has expired" in response.content.decode()
    assert client.get("/en/account/", secure=True)["Location"] == "/en/account/two-factor/"


def test_a_stolen_password_cannot_replace_the_authenticator(production_like, worker):
    client = production_like
    TOTPDevice.objects.create(user=worker.user, name="phone", confirmed=True)
    _post(
        client, "/en/account/sign-in/", {"username": worker.user.email, "password": "a-long-test-password-1"}
    )
    response = client.get("/en/account/two-factor/setup/", secure=True)
    assert response["Location"] == "/en/account/two-factor/"


def test_production_cookies_are_secure_host_cookies(production_like, worker):
    client = production_like
    _post(
        client, "/en/account/sign-in/", {"username": worker.user.email, "password": "a-long-test-password-1"}
    )
    cookie = client.cookies["__Host-sessionid"]
    assert cookie["secure"]
    assert cookie["httponly"]


def test_public_pages_stay_open_to_a_signed_in_person_before_two_factor(production_like, worker):
    client = production_like
    _post(
        client, "/en/account/sign-in/", {"username": worker.user.email, "password": "a-long-test-password-1"}
    )
    assert client.get("/en/account/", secure=True).status_code == 302
    for path in ["/en/", "/en/report/", "/en/learn/"]:
        assert client.get(path, secure=True).status_code == 200, path
