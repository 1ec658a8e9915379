"""The public pages' rate limits: which events are counted, per what, and how many are allowed.

Counting is `core.rate_limits` (atomic, in the cache or, while it is down, in the database). No
address or code is stored anywhere: a key is an HMAC of it (keyed with BLIND_INDEX_KEY and the
day, so keys cannot be linked from one day to the next), kept for the length of one window at most.
"""

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from childshield.core.blind_index import blind_index
from childshield.core.rate_limits import Limit

# Tries at a report's code and secret number, counted before each is checked and forgiven when it
# is right. From one place at one code: enough for a child who mistypes, far too few to guess.
ACCESS_TRIES_AT_CODE = Limit("access-code", allowed=10, window_seconds=15 * 60)
# From one place at any code: a school or a mobile network puts many children behind one address,
# so one child's mistakes must not lock the others out; guessing across many codes still stops.
ACCESS_TRIES_FROM_PLACE = Limit("access-place", allowed=100, window_seconds=15 * 60)
# At one code from anywhere: guesses spread over many addresses still stop.
ACCESS_TRIES_AT_CODE_ANYWHERE = Limit("access-code-anywhere", allowed=30, window_seconds=15 * 60)
# Reports from one address: past `allowed` they still arrive, in a lane below the others (a school
# or a mobile network may put many children behind one address); past the hard limit, refused.
REPORTS_SOFT = Limit("reports", allowed=5, window_seconds=10 * 60)
REPORTS_HARD = Limit("reports-hard", allowed=60, window_seconds=60 * 60)
MESSAGES = Limit("messages", allowed=30, window_seconds=10 * 60)


def _today() -> str:
    return f"{timezone.now():%Y-%m-%d}"


def client_key(request: HttpRequest) -> str:
    """A keyed hash of the address the request came from, changing every day."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    proxies = settings.AXES_IPWARE_PROXY_COUNT
    address = request.META.get("REMOTE_ADDR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            address = hops[-proxies]
    return blind_index(address or "unknown", purpose=f"intake.client.{_today()}")


def code_key(reference: str) -> str:
    """A keyed hash of a normalised report code, changing every day."""
    return blind_index(reference or "none", purpose=f"intake.code.{_today()}")


def access_tries(*, client: str, reference: str) -> list[tuple[Limit, str]]:
    """The counters one try at a report's code and secret number counts against."""
    code = code_key(reference)
    return [
        (ACCESS_TRIES_AT_CODE, f"{client}:{code}"),
        (ACCESS_TRIES_FROM_PLACE, client),
        (ACCESS_TRIES_AT_CODE_ANYWHERE, code),
    ]
