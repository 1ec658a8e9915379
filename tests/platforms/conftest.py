"""Standing parties of the platforms' API: the country's hotline and helpline, a platform with a key of
every scope, and a second platform."""

import uuid

import pytest
from django.test import Client

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.hashing.models import ApiScope
from childshield.hotline.models import HostingProvider
from childshield.platforms.models import PlatformHost
from childshield.platforms.services.credentials import platform_credential_create
from tests.hotline.conftest import fake_trace


@pytest.fixture
def hotline(db):
    return Agency.objects.create(country="VN", name="National Hotline (test)", kind=AgencyKind.HOTLINE)


@pytest.fixture
def credential(hotline):
    """(platform, key, secret) of a platform holding every scope."""
    return platform_credential_create(name="Video App (test)", country="VN", scopes=list(ApiScope.values))


@pytest.fixture
def platform(credential):
    return Client(headers={"Authorization": f"Bearer {credential[2]}"})


@pytest.fixture
def other_platform(hotline):
    _agency, _key, secret = platform_credential_create(
        name="Chat App (test)", country="VN", scopes=list(ApiScope.values)
    )
    return Client(headers={"Authorization": f"Bearer {secret}"})


def post(client, path, body, key=None, **extra):
    """A POST as a platform sends it: JSON with a fresh Idempotency-Key unless one is given."""
    headers = {"Idempotency-Key": key or str(uuid.uuid4())}
    return client.post(path, body, content_type="application/json", headers=headers, **extra)


@pytest.fixture
def hosted(credential, monkeypatch):
    """The platform as the hotline's traces name it."""
    provider = HostingProvider.objects.create(
        name="Video App hosting",
        is_platform=True,
        domains=["video.example"],
        abuse_email="abuse@video.example",
    )
    PlatformHost.objects.create(platform=credential[0], provider=provider)
    monkeypatch.setattr("childshield.hotline.tracing.trace_host", fake_trace(asn=None))
    return provider


@pytest.fixture
def analysts(make_member, hotline):
    return (
        make_member(email="analyst@example.org", role=Role.HOTLINE_ANALYST, agency=hotline),
        make_member(email="second@example.org", role=Role.HOTLINE_ANALYST, agency=hotline),
    )
