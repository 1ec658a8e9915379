"""Health check: whether the database, the cache and the broker answer.

503 only when the database is down (nothing can be saved); a cache or broker outage is "degraded":
children's reports are still saved (rate limits count in the database, side effects wait in the
outbox), so the load balancer must keep sending traffic.
"""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from childshield.core.alerts import degraded_health_alert
from childshield.core.health import broker_ok, cache_ok, database_ok


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    database, cache, broker = database_ok(), cache_ok(), broker_ok()
    body = {
        "status": "error" if not database else "ok" if cache and broker else "degraded",
        "database": "ok" if database else "unavailable",
        "cache": "ok" if cache else "unavailable",
        "broker": "ok" if broker else "unavailable",
    }
    unavailable = [part for part, ok in (("cache", cache), ("broker", broker)) if not ok]
    if database and unavailable:
        # The one write of this GET: the alert's record, so that the administrators hear once.
        degraded_health_alert(unavailable)
    return JsonResponse(body, status=200 if database else 503)
