import time

import pytest
from django.test import override_settings

from childshield.accounts.middleware import IdleTimeoutMiddleware
from childshield.audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


def _age_session(client, seconds: int) -> None:
    session = client.session
    session[IdleTimeoutMiddleware.SESSION_KEY] = int(time.time()) - seconds
    session.save()


def test_an_idle_session_ends_with_a_message_and_a_way_back(client, worker, sign_in):
    sign_in(worker)
    _age_session(client, 31 * 60)
    response = client.get("/en/audit/")
    assert response.status_code == 302
    assert response["Location"] == "/en/account/sign-in/?next=%2Fen%2Faudit%2F"
    page = client.get(response["Location"]).content.decode()
    assert "signed out after 30 minutes without activity" in page
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_OUT, reason="idle time-out").exists()


def test_activity_keeps_the_session_alive(client, worker, sign_in):
    sign_in(worker)
    _age_session(client, 29 * 60)
    assert client.get("/en/audit/").status_code == 200
    assert client.get("/en/audit/").status_code == 200


@override_settings(IDLE_TIMEOUT_MINUTES=5)
def test_the_idle_time_out_is_configurable(client, worker, sign_in):
    sign_in(worker)
    _age_session(client, 6 * 60)
    assert client.get("/en/audit/").status_code == 302


def test_an_htmx_request_after_the_time_out_is_sent_to_sign_in(client, worker, sign_in):
    sign_in(worker)
    _age_session(client, 31 * 60)
    response = client.get("/en/audit/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith("/en/account/sign-in/")
