"""A fake provider API on this machine (it records what childshield sends and fails on demand), chat
channels of each kind pointed at it, and helpers that post a provider's webhook call and run the outbox
as a worker would."""

import io
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

import numpy as np
import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from childshield.messaging.models import ChannelKind, ChatChannel
from childshield.messaging.services import channel_save
from childshield.outbox.services import outbox_sweep


@dataclass
class Call:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        """A form body's fields (each sent once)."""
        return dict(parse_qsl(self.body.decode(), keep_blank_values=True))

    def header(self, name: str) -> str:
        """A header as sent, whatever the case of its name."""
        return next((value for key, value in self.headers.items() if key.lower() == name.lower()), "")


@dataclass
class FakeProvider:
    """Answers like a provider's API: `fail_next` calls get a 503 first; files are served from `files`;
    a call whose path ends with a key of `queued` takes that list's first answer (once), before
    `answers` (every time) and the default."""

    url: str = ""
    calls: list[Call] = field(default_factory=list)
    fail_next: int = 0
    answers: dict[str, tuple[int, Any]] = field(default_factory=dict)
    queued: dict[str, list[tuple[int, Any]]] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)

    def sent(self, suffix: str) -> list[Call]:
        return [call for call in self.calls if call.path.split("?")[0].endswith(suffix)]


def synthetic_png(seed: int = 1, size: tuple[int, int] = (320, 240)) -> bytes:
    """A made-up picture: coloured noise over a gradient."""
    rng = np.random.default_rng(seed)
    gradient = np.linspace(0, 255, size[0], dtype=np.float32)[None, :, None]
    pixels = np.clip(gradient + rng.normal(0, 60, (size[1], size[0], 3)), 0, 255).astype(np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def provider(settings: Any) -> Iterator[FakeProvider]:
    fake = FakeProvider()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            fake.calls.append(Call(self.command, self.path, dict(self.headers.items()), body))
            path = self.path.split("?")[0]
            if path in fake.files:
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.end_headers()
                self.wfile.write(fake.files[path])
                return
            if fake.fail_next > 0:
                fake.fail_next -= 1
                status, answer = 503, {"error": "down"}
            elif waiting := next(
                (queue for suffix, queue in fake.queued.items() if path.endswith(suffix) and queue), None
            ):
                status, answer = waiting.pop(0)
            else:
                status, answer = next(
                    (value for suffix, value in fake.answers.items() if path.endswith(suffix)),
                    (200, {"ok": True, "result": {"message_id": 7}, "message_id": "m.7", "sid": "SM7"}),
                )
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _answer

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_port}"
    for name in ("TELEGRAM_API", "MESSENGER_API", "ZALO_API", "ZALO_OAUTH", "TWILIO_API"):
        setattr(settings, f"MESSAGING_{name}_URL", fake.url)
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def make_channel(db: None) -> Callable[..., ChatChannel]:
    def make(kind: ChannelKind, **fields: Any) -> ChatChannel:
        defaults: dict[str, Any] = {
            "name": f"111 {kind.label}",
            "token": "test-token",
            "secret": "test-secret",
            "config": {
                ChannelKind.MESSENGER: {"verify_token": "test-verify"},
                ChannelKind.ZALO: {"app_id": "4321", "app_secret": "app-secret", "refresh_token": "r1"},
                ChannelKind.TWILIO: {"account_sid": "AC123", "from": "+84111"},
                ChannelKind.SMS_GATEWAY: {"send_url": "", "from": "111"},
            }.get(kind, {}),
        }
        return channel_save(acting=None, channel=ChatChannel(kind=kind, **{**defaults, **fields}))

    return make


def hook_url(channel: ChatChannel) -> str:
    return reverse("messaging:webhook", kwargs={"key": channel.webhook_key})


def deliver_all(*, rounds: int = 1) -> None:
    """Run the outbox as a worker would, `rounds` times, each later than any retry's wait, each until
    nothing more is delivered."""
    from datetime import timedelta

    from django.utils import timezone

    for number in range(rounds):
        # What a delivery enqueues (a first answer after a message) is delivered in the same round.
        while outbox_sweep(now=timezone.now() + timedelta(hours=number * 3)):
            pass


@pytest.fixture
def post_json(client: Client) -> Callable[..., Any]:
    def post(channel: ChatChannel, payload: Any, **headers: str) -> Any:
        return client.post(
            hook_url(channel), data=json.dumps(payload), content_type="application/json", headers=headers
        )

    return post
