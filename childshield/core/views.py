"""Health check and the public landing page."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from childshield.core.health import broker_ok, database_ok
from childshield.core.public import public_page


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


@public_page
def public_home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/public_home.html")
