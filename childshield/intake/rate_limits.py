"""Rate limits for the public pages, kept in the cache under a keyed hash of the address.

No address is stored anywhere: the cache holds an HMAC of it (keyed with BLIND_INDEX_KEY and the
day, so hashes cannot be linked from one day to the next) with a counter, for the length of one
window at most.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone

from childshield.core.blind_index import blind_index


@dataclass(frozen=True)
class Limit:
    bucket: str
    allowed: int
    window_seconds: int


# Wrong code or passphrase: enough for a child who mistypes, far too few to guess anything.
ACCESS_FAILURES = Limit("access-failures", allowed=10, window_seconds=15 * 60)
# Reports from one address: past `allowed` they still arrive, in a lane below the others (a school
# or a mobile network may put many children behind one address); past the hard limit, refused.
REPORTS_SOFT = Limit("reports", allowed=5, window_seconds=10 * 60)
REPORTS_HARD = Limit("reports-hard", allowed=60, window_seconds=60 * 60)
MESSAGES = Limit("messages", allowed=30, window_seconds=10 * 60)


def client_key(request: HttpRequest) -> str:
    """A keyed hash of the address the request came from, changing every day."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    proxies = settings.AXES_IPWARE_PROXY_COUNT
    address = request.META.get("REMOTE_ADDR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            address = hops[-proxies]
    return blind_index(address or "unknown", purpose=f"intake.client.{timezone.now():%Y-%m-%d}")


def _key(limit: Limit, client: str) -> str:
    return f"intake:rate:{limit.bucket}:{client}"


def count(limit: Limit, client: str) -> int:
    return int(cache.get(_key(limit, client), 0))


def exceeded(limit: Limit, client: str) -> bool:
    return count(limit, client) >= limit.allowed


def hit(limit: Limit, client: str) -> int:
    """Count one more event in the window (which starts at the first one); the new count."""
    key = _key(limit, client)
    cache.add(key, 0, timeout=limit.window_seconds)
    try:
        return cache.incr(key)
    except ValueError:
        # The window ended between add and incr.
        cache.set(key, 1, timeout=limit.window_seconds)
        return 1
