"""What every channel adapter does: check that a call comes from the provider, read the messages it
carries, answer the provider, send a reply, and fetch a picture a sender sent.

An adapter keeps nothing: the webhook view and the services around it store what it reads. It must
never log or raise with a message's words or a sender's id in the text.
"""

import hashlib
import hmac
from dataclasses import dataclass
from typing import ClassVar

import httpx
from django.conf import settings
from django.http import HttpRequest, HttpResponse

from childshield.intake.models import MessageKind
from childshield.messaging.models import ChatChannel, Conversation, DeliveryProblem


@dataclass(frozen=True)
class Inbound:
    """One message a provider delivered, as the services take it."""

    event_id: str  # the provider's id of the message, to drop it when it is delivered again
    address: str  # the provider's id of the sender: what a reply is sent to
    kind: MessageKind
    text: str = ""
    # The provider's reference to a picture (a file id or an address), to fetch it in memory.
    file_ref: str = ""


class Refused(Exception):
    """The call did not prove it comes from the provider (403, nothing stored)."""


class NotDeliverable(Exception):
    """The provider will never take this message (the sender blocked the account, the window to
    answer is over): not tried again. The problem is told to the counsellor; the reason (a status or
    error code, quoting no one) is kept for the operators."""

    def __init__(self, reason: str, problem: DeliveryProblem = DeliveryProblem.REFUSED) -> None:
        super().__init__(reason)
        self.reason = reason
        self.problem = problem


class TryAgain(Exception):
    """The provider is down or asked to slow down: the outbox tries again later."""


def hmac_hex(secret: str, body: bytes, digest: str = "sha256") -> str:
    return hmac.new(secret.encode("utf-8"), body, getattr(hashlib, digest)).hexdigest()


def same(expected: str, given: str) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(expected.encode(), given.encode())


def http_client() -> httpx.Client:
    """A client for a provider's API: a short timeout, so a send ends well within the outbox lease."""
    return httpx.Client(timeout=settings.MESSAGING_HTTP_TIMEOUT_SECONDS, follow_redirects=False)


def answer_of(response: httpx.Response, *, what: str) -> dict[str, object]:
    """The provider's JSON answer, or TryAgain when it is down, or NotDeliverable when it refuses."""
    if response.status_code == 429 or response.status_code >= 500:
        raise TryAgain(f"{what}: HTTP {response.status_code}")
    try:
        data = response.json()
    except ValueError:
        raise TryAgain(f"{what}: HTTP {response.status_code}, not JSON") from None
    if not isinstance(data, dict):
        raise TryAgain(f"{what}: unexpected answer")
    if response.status_code >= 400:
        raise NotDeliverable(f"{what}: refused (HTTP {response.status_code})")
    return data


class Adapter:
    """The provider's ways; one subclass per kind of channel."""

    kind: ClassVar[str]
    # The longest message the provider takes; longer replies are sent in parts.
    max_length: ClassVar[int] = 4000

    def handshake(self, channel: ChatChannel, request: HttpRequest) -> HttpResponse | None:
        """The answer to a GET the provider sends to check the address; None: GET is not expected."""
        return None

    def verify(self, channel: ChatChannel, request: HttpRequest) -> None:
        """Raise Refused unless the call carries the provider's signature or secret."""
        raise NotImplementedError

    def parse(self, channel: ChatChannel, request: HttpRequest) -> list[Inbound]:
        """The messages the call carries (none for events that are not messages)."""
        raise NotImplementedError

    def acknowledge(self) -> HttpResponse:
        return HttpResponse(status=200)

    def send(self, channel: ChatChannel, conversation: Conversation, text: str) -> str:
        """Send `text` to the conversation's sender; the provider's id of the message."""
        raise NotImplementedError

    def fetch(self, channel: ChatChannel, file_ref: str) -> bytes:
        """The bytes of a file the sender sent, in memory."""
        raise NotImplementedError


def parts(text: str, size: int) -> list[str]:
    """`text` in pieces the provider takes, cut between words where one is near."""
    pieces: list[str] = []
    while len(text) > size:
        cut = text.rfind(" ", size // 2, size)
        cut = cut if cut > 0 else size
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    pieces.append(text)
    return pieces


def download(url: str, *, auth: tuple[str, str] | None = None) -> bytes:
    """A file from the provider, in memory, no larger than MESSAGING_MAX_FILE_BYTES."""
    limit = settings.MESSAGING_MAX_FILE_BYTES
    with http_client() as client, client.stream("GET", url, auth=auth) as response:
        if response.status_code >= 400:
            raise TryAgain(f"file: HTTP {response.status_code}")
        data = bytearray()
        for chunk in response.iter_bytes():
            data.extend(chunk)
            if len(data) > limit:
                raise NotDeliverable("the file is larger than the helpline takes")
    return bytes(data)
