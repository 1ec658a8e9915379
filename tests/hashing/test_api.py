"""The match API: platforms' keys, staff sessions, hashes and images, bad input, one error shape."""

import io
import struct
import zlib

import numpy as np
import pytest
from django.test import Client
from PIL import Image

from childshield.accounts.models import Agency
from childshield.audit.models import AuditEvent
from childshield.hashing import services
from childshield.hashing.imaging import pdq_from_bytes
from childshield.hashing.models import Algorithm, BankSource, MatchRecord, SharingPolicy

from .conftest import assert_matches_schema, flip_bits, random_pdq, synthetic_image


@pytest.fixture
def private_bank(analyst):
    return services.bank_create(
        actor=analyst,
        name="Hotline only",
        source=BankSource.HOTLINE_CONFIRMED,
        sharing=SharingPolicy.NOT_SHARED,
    )


def post_hashes(client, hashes):
    return client.post("/api/v1/match/hashes/", {"hashes": hashes}, content_type="application/json")


def test_a_platform_matches_hashes_of_shared_banks_only(platform, openapi, analyst, bank, private_bank):
    rng = np.random.default_rng(1)
    shared, private = random_pdq(rng), random_pdq(rng)
    entry = services.entry_add(actor=analyst, bank=bank, algorithm=Algorithm.PDQ, value=shared, quality=95)
    services.entry_add(actor=analyst, bank=private_bank, algorithm=Algorithm.PDQ, value=private, quality=95)
    response = post_hashes(
        platform,
        [
            {"algorithm": "pdq", "value": flip_bits(shared, 10, rng), "quality": 90},
            {"algorithm": "pdq", "value": private},
            {"algorithm": "md5", "value": "a" * 32},
        ],
    )
    assert response.status_code == 200, response.content
    assert_matches_schema(openapi, response, "/api/v1/match/hashes/")
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["matched", "no_match", "no_match"]
    assert results[0]["matches"] == [
        {"entry": entry.pk, "bank": bank.pk, "bank_name": "Confirmed images", "distance": 10}
    ]
    assert MatchRecord.objects.filter(channel="api").count() == 3


def test_without_a_key_the_answer_is_a_401_problem(client, openapi):
    response = post_hashes(client, [{"algorithm": "md5", "value": "a" * 32}])
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert response["Content-Type"] == "application/problem+json"
    assert_matches_schema(openapi, response, "/api/v1/match/hashes/")


def test_a_revoked_key_is_refused(platform, platform_key, openapi):
    key, _secret = platform_key
    admin = key.created_by.memberships.get()
    services.api_key_revoke(actor=admin, key=key)
    response = post_hashes(platform, [{"algorithm": "md5", "value": "a" * 32}])
    assert response.status_code == 401
    assert response.json()["code"] == "key_revoked"
    assert_matches_schema(openapi, response, "/api/v1/match/hashes/")


def test_a_key_of_an_agency_switched_off_is_refused_and_a_wrong_key_too(platform, platform_key):
    key, secret = platform_key
    assert post_hashes(platform, [{"algorithm": "md5", "value": "a" * 32}]).status_code == 200
    Agency.objects.filter(pk=key.agency_id).update(is_active=False)
    assert post_hashes(platform, [{"algorithm": "md5", "value": "a" * 32}]).status_code == 401
    Agency.objects.filter(pk=key.agency_id).update(is_active=True)
    stranger = Client(headers={"Authorization": f"Bearer {secret[:-1]}x"})
    assert post_hashes(stranger, [{"algorithm": "md5", "value": "a" * 32}]).status_code == 401


def test_a_match_records_the_key_agency_by_name(platform, platform_key, bank, analyst):
    key, _secret = platform_key
    services.entry_add(actor=analyst, bank=bank, algorithm="md5", value="b" * 32)
    assert (
        post_hashes(platform, [{"algorithm": "md5", "value": "b" * 32}]).json()["results"][0]["status"]
        == "matched"
    )
    record = MatchRecord.objects.get()
    assert (record.agency_id, record.matched) == (key.agency_id, True)
    event = AuditEvent.objects.filter(object_type="hashing.MatchRecord").get()
    assert event.agency_label == "Photo Platform (test)"


@pytest.mark.parametrize(
    ("hashes", "pointer"),
    [
        ([{"algorithm": "pdq", "value": "0" * 65}], "/hashes/0/value"),
        ([{"algorithm": "crc32", "value": "0" * 8}], "/hashes/0/algorithm"),
        ([{"algorithm": "md5"}], "/hashes/0/value"),
        ([], "/hashes"),
    ],
)
def test_malformed_requests_get_a_400_problem_pointing_at_the_field(platform, openapi, hashes, pointer):
    response = post_hashes(platform, hashes)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert [error["pointer"] for error in body["errors"]] == [pointer]
    assert_matches_schema(openapi, response, "/api/v1/match/hashes/")


def test_a_hash_of_the_wrong_length_or_not_hex_is_a_400_naming_its_position(platform, openapi):
    response = post_hashes(
        platform, [{"algorithm": "md5", "value": "a" * 32}, {"algorithm": "md5", "value": "g" * 32}]
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_hash"
    assert body["index"] == 1
    assert "hex digits" in body["detail"]
    assert_matches_schema(openapi, response, "/api/v1/match/hashes/")


def test_more_than_a_thousand_hashes_are_refused(platform):
    response = post_hashes(platform, [{"algorithm": "md5", "value": "a" * 32}] * 1001)
    assert response.status_code == 400
    assert "at most 1000" in response.json()["detail"]


def upload(client, data, name="upload.png"):
    file = io.BytesIO(data)
    file.name = name
    return client.post("/api/v1/match/image/", {"image": file})


def test_an_uploaded_image_matches_its_bank_entry(platform, openapi, analyst, bank):
    image = synthetic_image(seed=3)
    hashed = pdq_from_bytes(image)
    entry = services.entry_add(
        actor=analyst, bank=bank, algorithm=Algorithm.PDQ, value=hashed.value, quality=hashed.quality
    )
    # the same picture saved again as a JPEG still matches, a few bits away
    jpeg = io.BytesIO()
    Image.open(io.BytesIO(image)).save(jpeg, "JPEG", quality=80)
    response = upload(platform, jpeg.getvalue(), "again.jpg")
    assert response.status_code == 200, response.content
    assert_matches_schema(openapi, response, "/api/v1/match/image/")
    body = response.json()
    assert body["result"]["status"] == "matched"
    assert body["result"]["matches"][0]["entry"] == entry.pk
    assert body["result"]["matches"][0]["distance"] <= 31


def test_a_file_that_is_not_an_image_is_a_422(platform, openapi):
    response = upload(platform, b"%PDF-1.4 this is not a picture", "notes.pdf")
    assert response.status_code == 422
    assert response.json()["code"] == "not_an_image"
    assert_matches_schema(openapi, response, "/api/v1/match/image/")


def test_a_damaged_image_is_a_422(platform, openapi):
    image = synthetic_image(seed=4)
    response = upload(platform, image[: len(image) // 2])
    assert response.status_code == 422
    assert response.json()["code"] == "corrupt_image"
    assert_matches_schema(openapi, response, "/api/v1/match/image/")


def png_claiming(width, height):
    """A tiny PNG whose header claims a huge picture (a decompression bomb's calling card)."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def test_a_50000_by_50000_png_is_refused_before_it_is_decoded(platform, openapi):
    response = upload(platform, png_claiming(50_000, 50_000))
    assert response.status_code == 413
    assert response.json()["code"] == "too_many_pixels"
    assert_matches_schema(openapi, response, "/api/v1/match/image/")


def test_an_upload_over_the_size_limit_is_a_413(platform, settings, monkeypatch):
    from childshield.hashing import api

    monkeypatch.setattr(api, "MAX_IMAGE_BYTES", 1000)
    response = upload(platform, synthetic_image(seed=5))
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


def test_a_platform_lists_the_banks_shared_with_it(platform, openapi, bank, private_bank):
    response = platform.get("/api/v1/banks/")
    assert response.status_code == 200
    assert_matches_schema(openapi, response, "/api/v1/banks/", "get")
    assert [b["name"] for b in response.json()] == ["Confirmed images"]


def test_a_key_without_the_listing_right_cannot_list_banks(platform_key, bank, openapi):
    key, secret = platform_key
    key.scopes = ["match"]
    key.save()
    response = Client(headers={"Authorization": f"Bearer {secret}"}).get("/api/v1/banks/")
    assert response.status_code == 403
    assert response.json()["code"] == "scope_missing"
    assert_matches_schema(openapi, response, "/api/v1/banks/", "get")


def test_a_signed_in_analyst_matches_with_the_session(sign_in, analyst, private_bank):
    value = random_pdq(np.random.default_rng(9))
    services.entry_add(actor=analyst, bank=private_bank, algorithm=Algorithm.PDQ, value=value, quality=90)
    client = sign_in(analyst)
    response = post_hashes(client, [{"algorithm": "pdq", "value": value}])
    assert response.status_code == 200
    assert response.json()["results"][0]["status"] == "matched"


def test_a_signed_in_case_worker_may_not_match(sign_in, worker):
    response = post_hashes(sign_in(worker), [{"algorithm": "md5", "value": "a" * 32}])
    assert response.status_code == 403
    assert response.json()["status"] == 403
