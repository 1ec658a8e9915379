"""Signed referral packages: a partner can tell the package is ours and unaltered."""

import base64
import copy
import json
from datetime import UTC, datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder

from childshield.hotline.signing import canonical_json, public_key_pem, sign_package, verify_package

PAYLOAD = {
    "package": "REF-2026-0001",
    "created_at": "2026-11-25T09:00:00+00:00",
    "items": [
        {
            "url": "http://xn--v-d-rma6749a.vn/anh/1",
            "display_host": "ví-dụ.vn",
            "hosting_country": "KH",
            "hashes": [{"md5": "0" * 32, "sha256": "1" * 64, "pdq": "f" * 64}],
            "interpol_baseline": True,
            "commercial": None,
        }
    ],
}


def test_a_signed_package_verifies() -> None:
    document = sign_package(copy.deepcopy(PAYLOAD))
    assert document["payload"] == PAYLOAD
    assert document["signature"]["algorithm"] == "Ed25519"
    assert len(base64.b64decode(document["signature"]["value"])) == 64
    assert verify_package(document)


def test_it_still_verifies_after_a_trip_through_json() -> None:
    document = json.loads(json.dumps(sign_package(PAYLOAD)))
    assert verify_package(document)


def test_dates_sign_as_their_iso_text() -> None:
    document = sign_package({"created_at": datetime(2026, 11, 25, 9, 0, tzinfo=UTC)})
    stored = json.loads(json.dumps(document, cls=DjangoJSONEncoder))
    assert stored["payload"]["created_at"] == "2026-11-25T09:00:00Z"
    assert verify_package(stored)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda p: p["items"][0].update(hosting_country="VN"),
        lambda p: p["items"][0]["hashes"][0].update(md5="1" * 32),
        lambda p: p.update(extra="x"),
        lambda p: p["items"].append({}),
        lambda p: p.update(package="REF-2026-0002"),
    ],
)
def test_a_tampered_payload_fails(tamper) -> None:
    document = sign_package(copy.deepcopy(PAYLOAD))
    tamper(document["payload"])
    assert not verify_package(document)


def test_a_tampered_signature_fails() -> None:
    document = sign_package(PAYLOAD)
    raw = bytearray(base64.b64decode(document["signature"]["value"]))
    raw[0] ^= 1
    document["signature"]["value"] = base64.b64encode(bytes(raw)).decode()
    assert not verify_package(document)


@pytest.mark.parametrize(
    "document",
    [
        {},
        {"payload": PAYLOAD},
        {"payload": PAYLOAD, "signature": {"algorithm": "Ed25519", "key_id": "x", "value": "not base64!"}},
        {"payload": PAYLOAD, "signature": "nope"},
    ],
)
def test_a_malformed_document_fails_without_raising(document) -> None:
    assert not verify_package(document)


def test_another_algorithm_name_fails() -> None:
    document = sign_package(PAYLOAD)
    document["signature"]["algorithm"] = "HS256"
    assert not verify_package(document)


def test_a_package_signed_with_a_different_key_fails(settings) -> None:
    settings.HOTLINE_SIGNING_KEY = base64.b64encode(b"\x01" * 32).decode()
    document = sign_package(PAYLOAD)
    settings.HOTLINE_SIGNING_KEY = base64.b64encode(b"\x02" * 32).decode()
    assert not verify_package(document)


def test_a_partner_verifies_with_the_published_public_key(settings) -> None:
    settings.HOTLINE_SIGNING_KEY = base64.b64encode(b"\x01" * 32).decode()
    document = sign_package(PAYLOAD)
    published = public_key_pem()
    assert published.startswith("-----BEGIN PUBLIC KEY-----")
    settings.HOTLINE_SIGNING_KEY = base64.b64encode(b"\x02" * 32).decode()
    assert verify_package(document, public_key_pem=published)
    assert not verify_package(document, public_key_pem=public_key_pem())


def test_without_a_configured_key_one_is_derived_from_the_secret_key(settings) -> None:
    settings.HOTLINE_SIGNING_KEY = ""
    settings.SECRET_KEY = "first-secret-key-for-a-test-installation"
    first = public_key_pem()
    document = sign_package(PAYLOAD)
    assert public_key_pem() == first  # stable
    settings.SECRET_KEY = "another-secret-key-for-another-installation"
    assert public_key_pem() != first
    assert not verify_package(document)


@pytest.mark.parametrize("bad", ["not base64!", base64.b64encode(b"short").decode()])
def test_a_malformed_configured_key_is_a_configuration_error(settings, bad: str) -> None:
    settings.HOTLINE_SIGNING_KEY = bad
    with pytest.raises(ImproperlyConfigured):
        sign_package(PAYLOAD)


def test_the_canonical_encoding_is_sorted_compact_utf8() -> None:
    assert canonical_json({"b": 1, "a": "ví-dụ", "c": [True, None]}) == (
        '{"a":"ví-dụ","b":1,"c":[true,null]}'.encode()
    )
