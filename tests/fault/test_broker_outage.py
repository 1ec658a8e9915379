"""The broker's Redis really stopped: a child's report with a web address is saved at once, its
filing with the hotline waits in the outbox, and the sweep files it once the broker is back
(issue 14, finding 3)."""

import httpx
import pytest

from childshield.accounts.models import Agency, AgencyKind, User
from childshield.hotline.models import ContentItem
from childshield.hotline.urlnorm import url_key
from childshield.intake.models import Report
from childshield.outbox.models import OutboxItem, OutboxState
from tests.fault.actions import ask_for_password_reset, message_ids
from tests.fault.servers import AppServer, CeleryWorker, RedisServer, sweep_now, wait_for
from tests.intake.conftest import GOOD_REPORT, form_token, receipt_of

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]


def send_report(client: httpx.Client, url: str) -> str:
    page = client.get("/en/report/")
    assert page.status_code == 200, page.text[:500]
    response = client.post(
        "/en/report/", data={**GOOD_REPORT, "url1": url, "form_token": form_token(page.text)}
    )
    assert response.status_code == 200, response.text[:2000]
    return receipt_of(response.text).code


def filed(url: str) -> bool:
    return ContentItem.objects.filter(url_key=url_key(url)).exists()


def test_a_report_sent_while_the_broker_is_down_reaches_the_hotline_once_it_is_back(
    app_server: AppServer, redis_server: RedisServer, worker: CeleryWorker, mail_dir
):
    Agency.objects.create(country="VN", name="Child Online Hotline (fault test)", kind=AgencyKind.HOTLINE)
    User.objects.create_user(email="staff@example.org", password="x" * 20)
    worker.start()
    client = app_server.client()
    send_report(client, "https://before.example/a")
    wait_for(lambda: filed("https://before.example/a"), seconds=30, what="the worker filing the address")

    redis_server.kill()
    send_report(client, "https://during.example/b")
    ask_for_password_reset(client, "staff@example.org")
    assert Report.objects.count() == 2
    assert not filed("https://during.example/b")
    waiting = OutboxItem.objects.get(state=OutboxState.PENDING, kind="hotline.report_addresses_file")
    assert OutboxItem.objects.filter(state=OutboxState.PENDING, kind="email").count() == 1

    redis_server.start()
    sweep_now(redis_server)
    wait_for(lambda: filed("https://during.example/b"), seconds=60, what="the sweep filing the address")
    waiting.refresh_from_db()
    assert waiting.state == OutboxState.DELIVERED and waiting.payload is None
    wait_for(lambda: len(message_ids(mail_dir)) == 1, seconds=30, what="the e-mail sent")
    # Nothing lost, nothing twice.
    assert Report.objects.count() == 2
    assert ContentItem.objects.count() == 2
    assert not OutboxItem.objects.exclude(state=OutboxState.DELIVERED).exists()
