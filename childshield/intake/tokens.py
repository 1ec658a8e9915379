"""Signed one-time form tokens (double submissions, forms left open too long) and thread access.

Nothing here needs a cookie or a session: the person carries the token in the page they were given.
"""

import hashlib
import secrets
from dataclasses import dataclass
from enum import Enum

from django.core import signing

FORM_MAX_AGE_SECONDS = 12 * 60 * 60
THREAD_MAX_AGE_SECONDS = 2 * 60 * 60

_FORM_SALT = "childshield.intake.form"
_THREAD_SALT = "childshield.intake.thread"


class TokenState(Enum):
    FRESH = "fresh"
    EXPIRED = "expired"
    INVALID = "invalid"


@dataclass(frozen=True)
class CheckedToken:
    state: TokenState
    # SHA-256 of the token's random part: the idempotency key of what the form creates.
    key: str = ""


def form_token_issue() -> str:
    return signing.TimestampSigner(salt=_FORM_SALT).sign(secrets.token_urlsafe(18))


def form_token_check(token: str) -> CheckedToken:
    signer = signing.TimestampSigner(salt=_FORM_SALT)
    try:
        value = signer.unsign(token, max_age=FORM_MAX_AGE_SECONDS)
    except signing.SignatureExpired:
        return CheckedToken(TokenState.EXPIRED)
    except signing.BadSignature:
        return CheckedToken(TokenState.INVALID)
    return CheckedToken(TokenState.FRESH, hashlib.sha256(value.encode("ascii")).hexdigest())


def thread_token_issue(*, reference: str) -> str:
    """Proof, for a while, that the holder gave the report's code and passphrase."""
    return signing.dumps({"r": reference}, salt=_THREAD_SALT, compress=False)


def thread_token_reference(token: str) -> str | None:
    """The report reference the token opens, or None when it is forged or too old."""
    try:
        value = signing.loads(token, salt=_THREAD_SALT, max_age=THREAD_MAX_AGE_SECONDS)
    except signing.BadSignature:
        return None
    reference = value.get("r") if isinstance(value, dict) else None
    return reference if isinstance(reference, str) else None
