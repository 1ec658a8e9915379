"""Ed25519 signatures on referral packages, so police and partner hotlines can tell they are unaltered.

The signature covers a canonical JSON encoding of the payload: keys sorted, no spaces, UTF-8, with
Django's encoder for dates, decimals and UUIDs. The key is HOTLINE_SIGNING_KEY (base64 of the 32
raw private-key bytes); without it, a key is derived from SECRET_KEY with HKDF-SHA256. Production
should set its own key and publish `public_key_pem()` to its partners (docs/hotline-tracing.md).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder

ALGORITHM = "Ed25519"
HKDF_INFO = b"childshield hotline referral package signing key v1"


def canonical_json(payload: Any) -> bytes:
    """The exact bytes that are signed."""
    return json.dumps(
        payload,
        cls=DjangoJSONEncoder,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    ).encode("utf-8")


def sign_package(payload: dict[str, Any]) -> dict[str, Any]:
    """{"payload": payload, "signature": {"algorithm", "key_id", "value" (base64)}}."""
    private_key = _private_key()
    value = private_key.sign(canonical_json(payload))
    return {
        "payload": payload,
        "signature": {
            "algorithm": ALGORITHM,
            "key_id": key_id(private_key.public_key()),
            "value": base64.b64encode(value).decode("ascii"),
        },
    }


def verify_package(document: dict[str, Any], *, public_key_pem: str | None = None) -> bool:
    """True when the signature matches the payload, for this installation's key or the PEM given."""
    try:
        signature = document["signature"]
        payload = document["payload"]
        if signature["algorithm"] != ALGORITHM:
            return False
        value = base64.b64decode(signature["value"], validate=True)
        public_key = _load_public_key(public_key_pem) if public_key_pem else _private_key().public_key()
        if signature.get("key_id") != key_id(public_key):
            return False
        public_key.verify(value, canonical_json(payload))
    except (KeyError, TypeError, ValueError, binascii.Error, InvalidSignature):
        return False
    return True


def public_key_pem() -> str:
    """The public key partners use to check packages (SubjectPublicKeyInfo PEM)."""
    return (
        _private_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


def key_id(public_key: Ed25519PublicKey) -> str:
    """A short fingerprint: the first 16 hex digits of SHA-256 over the raw public key."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def _private_key() -> Ed25519PrivateKey:
    configured = settings.HOTLINE_SIGNING_KEY
    if configured:
        try:
            raw = base64.b64decode(configured, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ImproperlyConfigured("HOTLINE_SIGNING_KEY is not valid base64.") from exc
        if len(raw) != 32:
            raise ImproperlyConfigured("HOTLINE_SIGNING_KEY must be the base64 of 32 bytes.")
        return Ed25519PrivateKey.from_private_bytes(raw)
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=HKDF_INFO).derive(
        settings.SECRET_KEY.encode("utf-8")
    )
    return Ed25519PrivateKey.from_private_bytes(derived)


def _load_public_key(pem: str) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem.encode("ascii"))
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key
