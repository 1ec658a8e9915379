"""A hotline lead onboards a platform (its contact, the hosting providers it answers for) and issues,
rotates and revokes its keys; the secret is shown once; a platform's staff manage their own keys only;
others may not onboard."""

import re

import pytest
from django.test import Client

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.audit.models import AuditEvent
from childshield.hashing.models import ApiKey
from childshield.hotline.models import HostingProvider
from childshield.platforms.models import PlatformHost

SECRET = re.compile(r"cs_[A-Za-z0-9_-]{20,}")


@pytest.fixture
def lead(make_member, hotline):
    return make_member(email="lead@example.org", role=Role.HOTLINE_LEAD, agency=hotline)


@pytest.fixture
def platform_staff(make_member, credential):
    return make_member(email="staff@video.example", role=Role.PLATFORM_STAFF, agency=credential[0])


def bearer(secret):
    return Client(headers={"Authorization": f"Bearer {secret}"})


def test_a_lead_onboards_a_platform_with_its_hosting_providers(lead, sign_in):
    cdn = HostingProvider.objects.create(name="Fast CDN", is_platform=False)
    client = sign_in(lead)

    response = client.post(
        "/en/platforms/",
        {
            "name": "Snap Clips",
            "country": "sg",
            "contact_email": "abuse@snapclips.example",
            "providers": [cdn.pk],
        },
    )

    platform = Agency.objects.get(name="Snap Clips")
    assert platform.kind == AgencyKind.PLATFORM and platform.country == "SG"
    assert response.status_code == 302 and response["Location"] == f"/en/platforms/{platform.pk}/keys/"
    hosts = PlatformHost.objects.filter(platform=platform).select_related("provider")
    assert {host.provider.name for host in hosts} == {"Snap Clips", "Fast CDN"}
    own = HostingProvider.objects.get(name="Snap Clips")
    assert own.abuse_email == "abuse@snapclips.example" and own.is_platform
    listing = client.get("/en/platforms/").content.decode()
    assert "Snap Clips" in listing and "Fast CDN" in listing
    onboarded = AuditEvent.objects.filter(object_id=str(platform.pk), reason__startswith="platform onboarded")
    assert onboarded.exists()


def test_a_provider_answers_for_one_platform_only(lead, sign_in, credential):
    taken = HostingProvider.objects.create(name="Taken hosting")
    PlatformHost.objects.create(platform=credential[0], provider=taken)
    client = sign_in(lead)

    page = client.get("/en/platforms/").content.decode()
    response = client.post(
        "/en/platforms/",
        {
            "name": "Snap Clips",
            "country": "VN",
            "contact_email": "abuse@snapclips.example",
            "providers": [taken.pk],
        },
    )

    assert f'value="{taken.pk}"' not in page  # not offered
    assert response.status_code == 200
    assert not Agency.objects.filter(name="Snap Clips").exists()


def test_the_secret_is_shown_once_and_works_as_a_bearer_token(lead, sign_in, credential):
    platform = credential[0]
    client = sign_in(lead)

    issued = client.post(
        f"/en/platforms/{platform.pk}/keys/", {"name": "Uploads scanner", "scopes": ["match", "banks:read"]}
    )
    [secret] = SECRET.findall(issued.content.decode())
    again = client.get(f"/en/platforms/{platform.pk}/keys/").content.decode()

    assert secret not in again
    key = ApiKey.objects.get(name="Uploads scanner")
    assert key.agency == platform and key.scopes == ["match", "banks:read"] and key.prefix in again
    assert bearer(secret).get("/api/v1/banks/").status_code == 200


def test_a_rotated_key_names_its_successor_and_a_revoked_key_stops_working(lead, sign_in, credential):
    platform, key, secret = credential
    client = sign_in(lead)

    rotated = client.post(f"/en/platforms/keys/{key.pk}/rotate/", {"overlap_hours": 0})
    [new_secret] = SECRET.findall(rotated.content.decode())
    assert bearer(secret).get("/api/v1/banks/").status_code == 401
    assert bearer(new_secret).get("/api/v1/banks/").status_code == 200

    successor = ApiKey.objects.get(agency=platform, replaced_by__isnull=True, revoked_at__isnull=True)
    revoked = client.post(f"/en/platforms/keys/{successor.pk}/revoke/")
    assert revoked.status_code == 302
    assert bearer(new_secret).get("/api/v1/banks/").status_code == 401


def test_platform_staff_manage_their_own_keys_and_no_one_elses(platform_staff, sign_in, credential):
    other = Agency.objects.create(country="VN", name="Chat App (test)", kind=AgencyKind.PLATFORM)
    other_key = ApiKey.objects.create(agency=other, name="Theirs", prefix="cs_theirs", key_digest="0" * 64)
    client = sign_in(platform_staff)

    own = client.post(f"/en/platforms/{credential[0].pk}/keys/", {"name": "Our scanner", "scopes": ["match"]})
    assert SECRET.search(own.content.decode())
    assert client.get(f"/en/platforms/{other.pk}/keys/").status_code == 404
    assert (
        client.post(f"/en/platforms/{other.pk}/keys/", {"name": "No", "scopes": ["match"]}).status_code == 404
    )
    assert client.post(f"/en/platforms/keys/{other_key.pk}/revoke/").status_code == 404
    other_key.refresh_from_db()
    assert other_key.revoked_at is None
    assert not ApiKey.objects.filter(agency=other, name="No").exists()
    assert client.get("/en/platforms/").status_code == 403  # onboarding is the hotline's


@pytest.mark.parametrize("role", [Role.HOTLINE_ANALYST, Role.REGULATOR])
def test_others_may_not_onboard_or_manage_keys(make_member, sign_in, credential, role):
    agency = Agency.objects.create(country="VN", name="Someone else", kind=AgencyKind.REGULATOR)
    client = sign_in(make_member(email="other@example.org", role=role, agency=agency))

    assert client.post("/en/platforms/", {"name": "Sneaky", "country": "VN"}).status_code == 403
    assert client.get(f"/en/platforms/{credential[0].pk}/keys/").status_code == 403
    assert not Agency.objects.filter(name="Sneaky").exists()


def test_the_list_counts_live_keys_in_a_fixed_number_of_queries(
    lead, sign_in, credential, django_assert_max_num_queries
):
    for number in range(3):
        Agency.objects.create(country="VN", name=f"App {number}", kind=AgencyKind.PLATFORM)
    client = sign_in(lead)

    with django_assert_max_num_queries(14):
        page = client.get("/en/platforms/").content.decode()

    assert f'data-platform="{credential[0].pk}"' in page
