"""How a webhook delivery is signed: `Childshield-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of
"<t>.<body>" with the webhook's secret>`, as Stripe signs its events. The receiver recomputes it and
refuses a delivery whose time is more than five minutes away from its own clock (a replay)."""

import hashlib
import hmac
import secrets
import time

SIGNATURE_HEADER = "Childshield-Signature"
DELIVERY_HEADER = "Childshield-Delivery"
EVENT_HEADER = "Childshield-Event"
TOLERANCE_SECONDS = 300


def webhook_secret_new() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def signature(*, secret: str, body: bytes, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def signature_valid(*, secret: str, body: bytes, header: str, now: int | None = None) -> bool:
    """What a receiver does (docs/api.md shows the same in a few lines)."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((int(time.time()) if now is None else now) - timestamp) > TOLERANCE_SECONDS:
        return False
    expected = signature(secret=secret, body=body, timestamp=timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))
