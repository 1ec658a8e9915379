"""Health check: whether the database, the cache and the broker answer; and the error pages, which
answer the API's callers with a problem.

503 only when the database is down (nothing can be saved); a cache or broker outage is "degraded":
children's reports are still saved (rate limits count in the database, side effects wait in the
outbox), so the load balancer must keep sending traffic.
"""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from childshield.core.alerts import degraded_health_alert
from childshield.core.health import broker_ok, cache_ok, database_ok
from childshield.core.problems import PROBLEM_MEDIA_TYPE, problem_body


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


API_PREFIX = "/api/"


def _api_problem(status: int, code: str, title: str) -> JsonResponse:
    return JsonResponse(
        problem_body(status, code, title, title), status=status, content_type=PROBLEM_MEDIA_TYPE
    )


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """No route: a problem for the API's callers, the public "not found" page for everyone else."""
    if request.path.startswith(API_PREFIX):
        return _api_problem(404, "not_found", "Not found.")
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """A server error: a problem for the API's callers (who parse JSON), the plain error page otherwise."""
    if request.path.startswith(API_PREFIX):
        return _api_problem(500, "server_error", "The server could not answer. Try again later.")
    return defaults.server_error(request)
