"""With the cache's Redis down, a child's report and status lookup still work, and limits still hold."""

import socket

import pytest

from childshield.core.models import RateCount
from childshield.intake import rate_limits
from childshield.intake.models import Report
from tests.intake.conftest import GOOD_REPORT, form_token

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def cache_down(settings):
    """The cache pointed at a Redis address where nothing answers."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


def test_a_report_is_saved_and_its_code_shown_while_the_cache_is_down(
    client, cache_down, settings, mailoutbox
):
    settings.ADMINS = [("", "ops@example.org")]
    page = client.get("/en/report/")
    response = client.post("/en/report/", {**GOOD_REPORT, "form_token": form_token(page.content.decode())})
    assert response.status_code == 200
    assert "secret number" in response.content.decode().lower()
    assert Report.objects.count() == 1
    # The reports from this place were counted all the same, in the database.
    assert RateCount.objects.filter(bucket_key__contains=rate_limits.REPORTS_HARD.bucket, count=1).exists()
    # The administrators hear of it, once.
    assert [message.to for message in mailoutbox] == [["ops@example.org"]]
    assert "cache" in mailoutbox[0].subject.lower()


def test_the_status_lookup_works_and_still_stops_guessing_while_the_cache_is_down(
    send_report, client, settings
):
    sent = send_report()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
        }
    }

    def lookup(passphrase: str) -> str:
        return client.post(
            "/en/report/status/", {"reference": sent.code, "passphrase": passphrase}
        ).content.decode()

    assert "Your messages" in lookup(sent.passphrase)
    for _ in range(rate_limits.ACCESS_TRIES_AT_CODE.allowed):
        assert "We could not open a report" in lookup("1111 2222 3333")
    assert "You tried many times" in lookup(sent.passphrase)
