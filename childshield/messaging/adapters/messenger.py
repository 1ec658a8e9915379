"""Facebook Messenger (Meta's Messenger Platform): a page's webhook, checked once by a GET handshake
(`hub.mode`, `hub.verify_token`, `hub.challenge`) and on every call by `X-Hub-Signature-256`
("sha256=" and the hex HMAC-SHA256 of the raw body, keyed with the app secret); replies through the
Send API, within 24 hours of the sender's last message, or up to 7 days later with the HUMAN_AGENT
tag (which Meta grants to an app on request). https://developers.facebook.com/docs/messenger-platform
(webhooks, send-messages, policy/messaging-window).
"""

import json
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from childshield.intake.models import MessageKind
from childshield.messaging.adapters.base import (
    Adapter,
    Inbound,
    NotDeliverable,
    Refused,
    answer_of,
    download,
    hmac_hex,
    http_client,
    parts,
    same,
)
from childshield.messaging.models import ChatChannel, Conversation, DeliveryProblem

SIGNATURE_HEADER = "X-Hub-Signature-256"
STANDARD_WINDOW = timedelta(hours=24)
HUMAN_AGENT_WINDOW = timedelta(days=7)

_ATTACHMENT_KINDS = {
    "image": MessageKind.PICTURE,
    "video": MessageKind.VIDEO,
    "audio": MessageKind.AUDIO,
    "file": MessageKind.FILE,
    "location": MessageKind.LOCATION,
}


class Messenger(Adapter):
    kind = "messenger"
    max_length = 2000

    def handshake(self, channel: ChatChannel, request: HttpRequest) -> HttpResponse | None:
        verify_token = str(channel.config.get("verify_token", ""))
        if request.GET.get("hub.mode") == "subscribe" and same(
            verify_token, request.GET.get("hub.verify_token", "")
        ):
            return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")
        raise Refused("messenger: wrong verify token")

    def verify(self, channel: ChatChannel, request: HttpRequest) -> None:
        expected = "sha256=" + hmac_hex(channel.secret, request.body) if channel.secret else ""
        if not same(expected, request.headers.get(SIGNATURE_HEADER, "")):
            raise Refused("messenger: wrong signature")

    def parse(self, channel: ChatChannel, request: HttpRequest) -> list[Inbound]:
        body = json.loads(request.body)
        if not isinstance(body, dict) or body.get("object") != "page":
            return []
        found = []
        for entry in body.get("entry") or []:
            for event in entry.get("messaging") or []:
                message = event.get("message")
                if not isinstance(message, dict) or message.get("is_echo"):
                    continue  # deliveries, reads, postbacks, the page's own messages
                kind, file_ref = (MessageKind.TEXT if message.get("text") else MessageKind.OTHER), ""
                attachments = message.get("attachments") or []
                if attachments:
                    first = attachments[0]
                    payload = first.get("payload") or {}
                    kind = _ATTACHMENT_KINDS.get(first.get("type"), MessageKind.OTHER)
                    if kind == MessageKind.PICTURE and payload.get("sticker_id"):
                        kind = MessageKind.STICKER
                    elif kind == MessageKind.PICTURE:
                        file_ref = str(payload.get("url", ""))
                found.append(
                    Inbound(
                        event_id=str(message["mid"]),
                        address=str(event["sender"]["id"]),
                        kind=kind,
                        text=str(message.get("text") or ""),
                        file_ref=file_ref,
                    )
                )
        return found

    def send(self, channel: ChatChannel, conversation: Conversation, text: str) -> str:
        since = timezone.now() - conversation.last_inbound_at
        if since > HUMAN_AGENT_WINDOW:
            raise NotDeliverable("messenger: 7 days after the last message", DeliveryProblem.WINDOW_CLOSED)
        envelope: dict[str, object] = {"messaging_type": "RESPONSE"}
        if since > STANDARD_WINDOW:
            envelope = {"messaging_type": "MESSAGE_TAG", "tag": "HUMAN_AGENT"}
        page = channel.config.get("page_id") or "me"
        sent = []
        with http_client() as client:
            for piece in parts(text, self.max_length):
                response = client.post(
                    f"{settings.MESSAGING_MESSENGER_API_URL}/{page}/messages",
                    params={"access_token": channel.token},
                    json={**envelope, "recipient": {"id": conversation.address}, "message": {"text": piece}},
                )
                sent.append(str(answer_of(response, what="messenger send").get("message_id", "")))
        return ",".join(sent)

    def fetch(self, channel: ChatChannel, file_ref: str) -> bytes:
        return download(file_ref)
