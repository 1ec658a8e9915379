"""Health check: whether the database and the broker answer."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from childshield.core.health import broker_ok, database_ok


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    database = database_ok()
    body = {
        "status": "ok" if database else "error",
        "database": "ok" if database else "unavailable",
        "broker": "ok" if broker_ok() else "unavailable",
    }
    return JsonResponse(body, status=200 if database else 503)
