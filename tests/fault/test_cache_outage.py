"""The cache's Redis really stopped: a child's report and status lookup still work, nothing is lost,
and the limits still hold (counted in the database)."""

import re

import httpx
import pytest

from childshield.intake import rate_limits
from childshield.intake.models import Report
from tests.fault.servers import AppServer, RedisServer
from tests.intake.conftest import GOOD_REPORT, form_token, receipt_of

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]

QUIET_REPORT = {**GOOD_REPORT, "url1": ""}  # no address for the hotline: this test is about the cache


def send_report(client: httpx.Client) -> tuple[str, str]:
    page = client.get("/en/report/")
    assert page.status_code == 200, page.text[:500]
    response = client.post("/en/report/", data={**QUIET_REPORT, "form_token": form_token(page.text)})
    assert response.status_code == 200, response.text[:2000]
    sent = receipt_of(response.text)
    return sent.code, sent.passphrase


def open_thread(client: httpx.Client, code: str, passphrase: str) -> str:
    return client.post("/en/report/status/", data={"reference": code, "passphrase": passphrase}).text


def test_reports_and_lookups_survive_the_cache_stopping_and_starting(
    app_server: AppServer, redis_server: RedisServer
):
    client = app_server.client()
    before = [send_report(client) for _ in range(3)]

    redis_server.kill()
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json()["cache"] == "unavailable" and health.json()["database"] == "ok"
    during = [send_report(client) for _ in range(3)]
    code, passphrase = during[0]
    assert "Your messages" in open_thread(client, code, passphrase)
    # Guessing is still stopped, counted in the database while the cache is away.
    for _ in range(rate_limits.ACCESS_TRIES_AT_CODE.allowed):
        assert "We could not open a report" in open_thread(client, code, "1111 2222 3333")
    assert "You tried many times" in open_thread(client, code, passphrase)

    redis_server.start()
    after = [send_report(client) for _ in range(2)]
    assert client.get("/healthz").json()["cache"] == "ok"

    sent_codes = {re.sub(r"\W", "", code) for code, _ in before + during + after}
    saved = {re.sub(r"\W", "", ref) for ref in Report.objects.values_list("reference", flat=True)}
    assert len(sent_codes) == 8 and sent_codes == saved
