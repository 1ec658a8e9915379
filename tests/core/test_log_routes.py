"""Logs name a request's route, never its path: a report's code or a case's id never reaches them."""

import logging
from datetime import timedelta
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from childshield.core.log_routes import RouteNotPath, RouteOnlyAccessLog

REFERENCE = "QWER-TYUI"


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def request_log():
    collect = Collect()
    logger = logging.getLogger("django.request")
    logger.addHandler(collect)
    yield collect.lines
    logger.removeHandler(collect)


@pytest.mark.django_db
def test_a_not_found_staff_page_is_logged_by_its_route(sign_in, counsellor, request_log):
    response = sign_in(counsellor).post(f"/en/helpline/queue/{REFERENCE}/release/")
    assert response.status_code == 404
    assert request_log, "Django logs a 404"
    assert all(REFERENCE not in line for line in request_log)
    assert "Not Found: /en/helpline/queue/<str:reference>/release/" in request_log


def test_the_development_servers_request_line_is_logged_by_its_route():
    record = logging.LogRecord(
        "django.server",
        logging.WARNING,
        __file__,
        1,
        '"%s" %s %s',
        (f"GET /en/helpline/queue/{REFERENCE}/reply/?x=1 HTTP/1.1", "404", "179"),
        None,
    )
    RouteNotPath().filter(record)
    assert record.getMessage() == '"GET /en/helpline/queue/<str:reference>/reply/ HTTP/1.1" 404 179'


def test_gunicorns_access_log_keeps_neither_path_address_query_nor_referring_page():
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/en/helpline/queue/{REFERENCE}/reply/?from=queue",
        "PATH_INFO": f"/en/helpline/queue/{REFERENCE}/reply/",
        "QUERY_STRING": "from=queue",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
        "HTTP_REFERER": f"https://helpline.example/en/helpline/queue/{REFERENCE}/",
    }
    response = SimpleNamespace(status="200 OK", sent=1234, headers=[("Content-Type", "text/html")])
    request = SimpleNamespace(
        headers=[("REFERER", environ["HTTP_REFERER"]), ("X-FORWARDED-FOR", "203.0.113.9")]
    )
    logger = RouteOnlyAccessLog(Config())
    atoms = logger.atoms(response, request, environ, timedelta(milliseconds=12))
    line = Config().access_log_format % atoms
    assert REFERENCE not in line and "203.0.113.9" not in line and "from=queue" not in line
    assert "GET /en/helpline/queue/<str:reference>/reply/ HTTP/1.1" in line
    assert all(REFERENCE not in str(value) and "203.0.113.9" not in str(value) for value in atoms.values())
