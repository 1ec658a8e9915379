"""Per-key limits on the match API: past them a caller is told to wait, and costs no hashing."""

import io

import pytest
from django.test import Client

from childshield.accounts.models import Agency, AgencyKind
from childshield.hashing import api, services

from .conftest import assert_matches_schema, synthetic_image

pytestmark = pytest.mark.django_db


def upload(client: Client, data: bytes):
    file = io.BytesIO(data)
    file.name = "upload.png"
    return client.post("/api/v1/match/image/", {"image": file})


def test_a_key_past_its_uploads_a_minute_is_told_to_wait_and_nothing_is_hashed(
    platform, openapi, settings, monkeypatch
):
    settings.HASHING_API_UPLOADS_PER_MINUTE = 2
    hashed: list[int] = []
    real = api.pdq_from_bytes
    monkeypatch.setattr(api, "pdq_from_bytes", lambda data: hashed.append(1) or real(data))
    image = synthetic_image(seed=5)
    assert [upload(platform, image).status_code for _ in range(2)] == [200, 200]

    refused = upload(platform, image)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert refused["Content-Type"] == "application/problem+json"
    assert_matches_schema(openapi, refused, "/api/v1/match/image/")
    assert len(hashed) == 2
    # Hash lists are not uploads: the same key still matches them.
    response = platform.post(
        "/api/v1/match/hashes/",
        {"hashes": [{"algorithm": "md5", "value": "a" * 32}]},
        content_type="application/json",
    )
    assert response.status_code == 200


def test_one_keys_limit_does_not_stop_another_platform(platform, lead, make_member, settings):
    settings.HASHING_API_CALLS_PER_MINUTE = 1
    body = {"hashes": [{"algorithm": "md5", "value": "a" * 32}]}
    assert platform.post("/api/v1/match/hashes/", body, content_type="application/json").status_code == 200
    assert platform.post("/api/v1/match/hashes/", body, content_type="application/json").status_code == 429

    other = Agency.objects.create(country="VN", name="Video Platform (test)", kind=AgencyKind.PLATFORM)
    admin = make_member(email="admin2@example.org", role="system_admin", agency=other)
    _, secret = services.api_key_issue(actor=admin, agency=other, name="videos")
    second = Client(headers={"Authorization": f"Bearer {secret}"})
    assert second.post("/api/v1/match/hashes/", body, content_type="application/json").status_code == 200
