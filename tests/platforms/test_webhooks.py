"""A platform subscribes a webhook; each notice to it arrives signed, once, however often its server
fails first; the signature checks with the snippet the docs give."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.utils import timezone

from childshield.hotline.services.notices import item_renotice, notice_first_send
from childshield.outbox.models import OutboxItem, OutboxState
from childshield.outbox.services import outbox_item_deliver
from childshield.platforms.models import WebhookDelivery, WebhookSubscription
from childshield.platforms.services.webhooks import WEBHOOK_DELIVER
from tests.hotline.conftest import confirmed_item
from tests.platforms.conftest import post
from tests.platforms.test_api_docs import verify_snippet

WEBHOOKS = "/api/v1/webhooks/"


class Receiver:
    """A platform's server: answers 500 to the first `failures` deliveries, then 204."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.received: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                self.send_response(500 if len(receiver.received) <= receiver.failures else 204)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/childshield/notices"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    made = []

    def make(failures=0):
        made.append(Receiver(failures))
        return made[-1]

    yield make
    for one in made:
        one.close()


@pytest.fixture
def local_webhooks(settings):
    settings.PLATFORMS_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True


def deliver_due(at):
    for item in OutboxItem.objects.filter(kind=WEBHOOK_DELIVER, state=OutboxState.PENDING):
        outbox_item_deliver(item_id=item.pk, now=at)


def test_a_platform_subscribes_lists_and_ends_a_webhook(platform, local_webhooks, receiver):
    created = post(platform, WEBHOOKS, {"url": receiver().url})

    assert created.status_code == 201, created.content
    assert created.json()["secret"].startswith("whsec_")
    listed = platform.get(WEBHOOKS).json()
    assert [one["url"] for one in listed] == [created.json()["url"]]
    assert "secret" not in listed[0]
    assert platform.delete(f"{WEBHOOKS}{created.json()['id']}/").status_code == 204
    assert platform.get(WEBHOOKS).json() == []
    assert platform.delete(f"{WEBHOOKS}{created.json()['id']}/").status_code == 404


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://hooks.example.com/in", "https://"),
        ("https://127.0.0.1/in", "private network"),
        ("https://user:pw@hooks.example.com/in", "password"),
        ("https://no-such-host.invalid/in", "does not resolve"),
    ],
)
def test_a_webhook_must_be_public_and_https(platform, url, why):
    response = post(platform, WEBHOOKS, {"url": url})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_url"
    assert why in response.json()["detail"]
    assert not WebhookSubscription.objects.exists()


def test_another_platforms_webhook_cannot_be_ended(platform, other_platform, local_webhooks, receiver):
    created = post(platform, WEBHOOKS, {"url": receiver().url}).json()

    assert other_platform.delete(f"{WEBHOOKS}{created['id']}/").status_code == 404
    assert WebhookSubscription.objects.get().is_active


def test_a_notice_arrives_signed_once_after_the_platforms_server_failed_twice(
    platform, hosted, analysts, local_webhooks, receiver, django_capture_on_commit_callbacks
):
    server = receiver(failures=2)
    secret = post(platform, WEBHOOKS, {"url": server.url}).json()["secret"]
    item = confirmed_item("https://m.video.example/watch/7", analyst=analysts[0], second=analysts[1])
    now = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        notice_first_send(item_id=item.pk, now=now)
    for minutes in (0, 10, 60, 240):  # past each backoff
        deliver_due(now + timedelta(minutes=minutes))

    assert len(mail.outbox) == 1  # the e-mail is the notice of record
    assert len(server.received) == 3
    ids = {headers["Childshield-Delivery"] for headers, _body in server.received}
    assert len(ids) == 1
    headers, body = server.received[-1]
    assert headers["Childshield-Event"] == "notice"
    verify = verify_snippet()
    assert verify(secret, body, headers["Childshield-Signature"])
    assert not verify("whsec_wrong", body, headers["Childshield-Signature"])
    assert not verify(secret, body + b" ", headers["Childshield-Signature"])
    sent = json.loads(body)
    assert sent["item"]["url"] == "https://m.video.example/watch/7"
    assert sent["notice"]["sequence"] == 1
    delivery = WebhookDelivery.objects.get()
    assert delivery.delivered_at is not None and delivery.status_code == 204
    assert OutboxItem.objects.get(kind=WEBHOOK_DELIVER).state == OutboxState.DELIVERED


def test_a_renotice_is_a_new_delivery(
    platform, hosted, analysts, local_webhooks, receiver, django_capture_on_commit_callbacks
):
    server = receiver()
    post(platform, WEBHOOKS, {"url": server.url})
    item = confirmed_item("https://m.video.example/watch/8", analyst=analysts[0], second=analysts[1])
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        notice_first_send(item_id=item.pk, now=now)
    deliver_due(now)
    item.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        item_renotice(item=item, now=now + timedelta(days=2))
    deliver_due(now + timedelta(days=2))

    assert [json.loads(body)["notice"]["renotice"] for _headers, body in server.received] == [False, True]
    assert len({headers["Childshield-Delivery"] for headers, _body in server.received}) == 2


def test_an_ended_webhook_gets_nothing_more(
    platform, hosted, analysts, local_webhooks, receiver, django_capture_on_commit_callbacks
):
    server = receiver(failures=1)
    created = post(platform, WEBHOOKS, {"url": server.url}).json()
    item = confirmed_item("https://m.video.example/watch/9", analyst=analysts[0], second=analysts[1])
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        notice_first_send(item_id=item.pk, now=now)
    deliver_due(now)
    platform.delete(f"{WEBHOOKS}{created['id']}/")
    deliver_due(now + timedelta(hours=1))

    assert len(server.received) == 1


def test_a_host_that_answers_otherwise_when_connecting_is_reached_at_the_address_checked(
    platform, receiver, monkeypatch
):
    """DNS rebinding: the webhook's name answers a public address to the check and the server's own
    network (here, a listening local receiver) a moment later. The delivery connects to the address
    it checked, never to the one the name gives afterwards."""
    import socket

    import httpcore

    from childshield.core import addresses
    from childshield.platforms.services.webhooks import DeliveryFailed, signed_post

    local = receiver()
    port = local.server.server_address[1]
    answers = iter(["93.184.216.34"] + ["127.0.0.1"] * 10)
    real_getaddrinfo = socket.getaddrinfo

    def rebinding(host, *args, **kwargs):
        if host != "hooks.rebinding.example":
            return real_getaddrinfo(host, *args, **kwargs)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), 0))]

    connected = []
    real_connect = httpcore.SyncBackend.connect_tcp

    def connect(self, host, port, *args, **kwargs):
        connected.append(host)
        if host == "93.184.216.34":  # no network in tests: that address does not answer
            raise httpcore.ConnectError("unreachable")
        return real_connect(self, host, port, *args, **kwargs)

    monkeypatch.setattr(addresses.socket, "getaddrinfo", rebinding)
    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    monkeypatch.setattr(httpcore.SyncBackend, "connect_tcp", connect)
    subscription = WebhookSubscription(url=f"http://hooks.rebinding.example:{port}/in", secret="whsec_x")

    with pytest.raises(DeliveryFailed):
        signed_post(subscription=subscription, delivery_id="d-1", payload={"notice": 1})

    assert connected == ["93.184.216.34"]
    assert local.received == []


def test_a_host_with_any_private_address_is_not_connected_to(monkeypatch):
    import socket

    import pytest as _pytest

    from childshield.core.addresses import NonPublicAddress, pinned_transport

    mixed = [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", 0)),
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", 0)),
    ]
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: mixed)
    with _pytest.raises(NonPublicAddress, match=r"10\.0\.0\.7"):
        pinned_transport("hooks.mixed.example")
