"""How often one caller of the match API may call it: per API key (or per signed-in member), per minute.

Counted with `core.rate_limits` (atomic, and in the database while the cache is down), before the
request's body is read, so a caller past its limit costs no hashing at all.
"""

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from childshield.accounts.acting import acting_membership
from childshield.core import rate_limits
from childshield.core.rate_limits import Limit
from childshield.hashing.models import ApiKey

WINDOW_SECONDS = 60


def caller_key(request: Request) -> str:
    """The API key, or the signed-in member, a call counts against (ids only)."""
    if isinstance(request.auth, ApiKey):
        return f"key:{request.auth.pk}"
    membership = acting_membership(request)
    return f"member:{membership.pk}" if membership is not None else "anonymous"


class PerCallerThrottle(BaseThrottle):
    """Every call counts against the caller's calls a minute; uploads (images, videos) also against
    a far smaller number, since each is decoded and hashed."""

    def allow_request(self, request: Request, view: APIView) -> bool:
        key = caller_key(request)
        calls = Limit("api-calls", settings.HASHING_API_CALLS_PER_MINUTE, WINDOW_SECONDS)
        uploads = Limit("api-uploads", settings.HASHING_API_UPLOADS_PER_MINUTE, WINDOW_SECONDS)
        limits = [(calls, key)]
        if getattr(view, "hashes_uploads", False):
            limits.append((uploads, key))
        return not rate_limits.hit_all(limits)

    def wait(self) -> float:
        # A fixed window of a minute, started at the first call: waiting one window always clears it.
        return float(WINDOW_SECONDS)
