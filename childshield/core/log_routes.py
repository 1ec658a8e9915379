"""Logs name the route a request took, never its path: staff URLs carry report codes and case ids.

`RouteNotPath` rewrites Django's request and development-server records; `RouteOnlyAccessLog` is a
gunicorn logger class (`--logger-class childshield.core.log_routes.RouteOnlyAccessLog`) that does the
same for the access log and leaves out the address, the query and the referring page.
"""

import logging
from typing import Any

from django.urls import Resolver404, resolve
from gunicorn.glogging import Logger

UNROUTED = "<no route>"


def route_of(path: str) -> str:
    """The URL pattern `path` resolves to ("/en/cases/<int:pk>/"), or a placeholder: never the path."""
    try:
        route = resolve(path.split("?", 1)[0]).route
    except Resolver404:
        return UNROUTED
    except Exception:
        # Logging must never fail a request, whatever the path holds.
        return UNROUTED
    return "/" + route.lstrip("^").rstrip("$")


def _request_line_route(line: str) -> str:
    parts = line.split(" ")
    if len(parts) == 3:
        return f"{parts[0]} {route_of(parts[1])} {parts[2]}"
    return UNROUTED


class RouteNotPath(logging.Filter):
    """For `django.request` ("Not Found: <path>") and `django.server` ('"GET <path> HTTP/1.1" 404')."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if not isinstance(args, tuple) or not args:
            return True
        if record.name == "django.request":
            request = getattr(record, "request", None)
            path = getattr(request, "path", None)
            if path is not None:
                record.args = tuple(route_of(path) if arg == path else arg for arg in args)
        elif record.name == "django.server" and isinstance(args[0], str):
            record.args = (_request_line_route(args[0]), *args[1:])
        return True


class RouteOnlyAccessLog(Logger):
    """gunicorn's logger, with an access log that holds the route, the status, size and time only."""

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        route = route_of(environ.get("PATH_INFO", ""))
        method = environ.get("REQUEST_METHOD", "-")
        # Headers and the environment repeat the path, the address and the referring page: none kept.
        atoms = {key: value for key, value in atoms.items() if not key.startswith("{")}
        atoms.update(
            {
                "h": "-",
                "r": f"{method} {route} {environ.get('SERVER_PROTOCOL', '-')}",
                "U": route,
                "q": "-",
                "f": "-",
            }
        )
        return atoms
