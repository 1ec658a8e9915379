from unittest import mock

import pytest

from childshield.celery import app as celery_app

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_broker(client, monkeypatch):
    monkeypatch.setattr("childshield.core.views.broker_ok", lambda: True)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "broker": "ok"}


def test_healthz_says_the_broker_is_unavailable_without_failing(client):
    saved = celery_app.conf.broker_url
    # Nothing listens on port 1: the broker check fails fast and says so.
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/healthz")
    finally:
        celery_app.conf.broker_url = saved
    assert response.status_code == 200
    assert response.json()["broker"] == "unavailable"
    assert response.json()["status"] == "degraded"


def test_healthz_answers_503_when_the_database_is_down(client, monkeypatch):
    monkeypatch.setattr("childshield.core.views.broker_ok", lambda: True)
    with mock.patch("childshield.core.health.connection.cursor", side_effect=OSError("connection refused")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable", "cache": "ok", "broker": "ok"}


def test_healthz_says_the_cache_is_unavailable_and_the_site_degraded_not_down(client, monkeypatch, settings):
    monkeypatch.setattr("childshield.core.views.broker_ok", lambda: True)
    # Nothing listens on port 1: the cache check fails fast and says so.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "unavailable", "broker": "ok"}


def test_a_degraded_site_alerts_the_administrators_once(client, monkeypatch, settings, mailoutbox):
    settings.ADMINS = [("", "ops@example.org")]
    monkeypatch.setattr("childshield.core.views.broker_ok", lambda: False)
    for _ in range(3):
        assert client.get("/healthz").json()["status"] == "degraded"
    assert [message.to for message in mailoutbox] == [["ops@example.org"]]
    assert "broker unavailable" in mailoutbox[0].body
