"""Zalo Official Account (OA): a webhook whose every event carries `X-ZEvent-Signature`,
the hex SHA-256 (not an HMAC) of the app id, the raw body, the event's `timestamp` and the OA secret
key, as Zalo's Java and PHP SDKs build it (`MacUtils.buildMac`);
replies through the OA's customer-service message API with an access token that expires and is
refreshed with the refresh token (each refresh gives a new refresh token, kept encrypted).
https://developers.zalo.me/docs/official-account (webhook, "Gửi tin Tư vấn", "Lấy Access Token").
What could not be checked against Zalo's own pages is marked UNVERIFIED here and in docs/channels.md.
"""

import hashlib
import json
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from childshield.intake.models import MessageKind
from childshield.messaging.adapters.base import (
    Adapter,
    Inbound,
    NotDeliverable,
    Refused,
    TryAgain,
    answer_of,
    download,
    http_client,
    parts,
    same,
)
from childshield.messaging.models import ChatChannel, Conversation, DeliveryProblem

SIGNATURE_HEADER = "X-ZEvent-Signature"
# Zalo's error codes for an access token that is no longer valid, or expired or removed (UNVERIFIED:
# -216 and -220 in Zalo's tables, as read through copies of them).
TOKEN_REFUSED = frozenset({-216, -220})
# A token is refreshed this long before Zalo says it expires.
REFRESH_MARGIN = timedelta(minutes=5)

_EVENT_KINDS = {
    "user_send_text": MessageKind.TEXT,
    "user_send_image": MessageKind.PICTURE,
    "user_send_gif": MessageKind.PICTURE,
    "user_send_sticker": MessageKind.STICKER,
    "user_send_location": MessageKind.LOCATION,
    "user_send_audio": MessageKind.AUDIO,
    "user_send_video": MessageKind.VIDEO,
    "user_send_file": MessageKind.FILE,
    "user_send_link": MessageKind.TEXT,
    "user_send_business_card": MessageKind.OTHER,
}


def signature(*, app_id: str, body: bytes, timestamp: str, secret: str) -> str:
    return "mac=" + hashlib.sha256(app_id.encode() + body + timestamp.encode() + secret.encode()).hexdigest()


class Zalo(Adapter):
    kind = "zalo"
    max_length = 2000  # UNVERIFIED: the length Zalo takes in one text message

    def verify(self, channel: ChatChannel, request: HttpRequest) -> None:
        try:
            timestamp = str(json.loads(request.body).get("timestamp", ""))
        except (ValueError, AttributeError):
            raise Refused("zalo: not an event") from None
        app_id = str(channel.config.get("app_id", ""))
        expected = (
            signature(app_id=app_id, body=request.body, timestamp=timestamp, secret=channel.secret)
            if channel.secret and app_id
            else ""
        )
        # Zalo's pages write the header as "mac=<hex>"; its SDKs compare the bare hex (UNVERIFIED
        # which one the OA's webhook sends): either is taken, never anything else.
        given = request.headers.get(SIGNATURE_HEADER, "").strip()
        if not (same(expected, given) or same(expected.removeprefix("mac="), given)):
            raise Refused("zalo: wrong signature")

    def parse(self, channel: ChatChannel, request: HttpRequest) -> list[Inbound]:
        event = json.loads(request.body)
        name = str(event.get("event_name", ""))
        if not name.startswith("user_send_"):
            return []  # follows, reads, the OA's own messages
        message = event.get("message") or {}
        kind = _EVENT_KINDS.get(name, MessageKind.OTHER)
        file_ref = ""
        if kind == MessageKind.PICTURE:
            attachments = message.get("attachments") or [{}]
            file_ref = str((attachments[0].get("payload") or {}).get("url", ""))
        return [
            Inbound(
                event_id=str(
                    message.get("msg_id") or f"{event.get('sender', {}).get('id')}-{event.get('timestamp')}"
                ),
                address=str(event["sender"]["id"]),
                kind=kind,
                text=str(message.get("text") or ""),
                file_ref=file_ref,
            )
        ]

    def _token(self, channel: ChatChannel) -> str:
        expires = parse_datetime(str(channel.config.get("token_expires_at", "")))
        if channel.token and (expires is None or expires - REFRESH_MARGIN > timezone.now()):
            return str(channel.token)
        return self.refresh(channel)

    def refresh(self, channel: ChatChannel) -> str:
        """A new access token from the refresh token, both kept (the old refresh token is then spent).

        The channel's row is locked for the refresh: a refresh token is used once, so two workers
        refreshing at the same moment would leave one with a spent token. The second one waits, then
        takes the token the first one got."""
        with transaction.atomic():
            locked = ChatChannel.objects.select_for_update().get(pk=channel.pk)
            if locked.token and locked.token != channel.token:
                channel.token, channel.config = locked.token, locked.config
                return str(channel.token)
            return self._refresh_locked(channel)

    def _refresh_locked(self, channel: ChatChannel) -> str:
        config = dict(channel.config)
        refresh_token = str(config.get("refresh_token", ""))
        if not refresh_token:
            raise NotDeliverable(
                "Zalo's access token expired and no refresh token is set", DeliveryProblem.SETTINGS
            )
        with http_client() as client:
            response = client.post(
                f"{settings.MESSAGING_ZALO_OAUTH_URL}/v4/oa/access_token",
                headers={"secret_key": str(config.get("app_secret", ""))},
                data={
                    "refresh_token": refresh_token,
                    "app_id": str(config.get("app_id", "")),
                    "grant_type": "refresh_token",
                },
            )
        data = answer_of(response, what="zalo token refresh")
        if not data.get("access_token"):
            raise TryAgain(f"zalo token refresh: error {data.get('error')}")
        expires_in = int(str(data.get("expires_in") or 3600))
        config["refresh_token"] = str(data.get("refresh_token") or refresh_token)
        config["token_expires_at"] = (timezone.now() + timedelta(seconds=expires_in)).isoformat()
        channel.token = str(data["access_token"])
        channel.config = config
        channel.save(update_fields=["token", "config", "updated_at"])
        return str(channel.token)

    def send(self, channel: ChatChannel, conversation: Conversation, text: str) -> str:
        return ",".join(
            self._send_part(channel, conversation, piece) for piece in parts(text, self.max_length)
        )

    def _send_part(self, channel: ChatChannel, conversation: Conversation, text: str) -> str:
        for attempt in range(2):
            token = self._token(channel) if attempt == 0 else self.refresh(channel)
            with http_client() as client:
                response = client.post(
                    f"{settings.MESSAGING_ZALO_API_URL}/v3.0/oa/message/cs",
                    headers={"access_token": token},
                    json={"recipient": {"user_id": conversation.address}, "message": {"text": text}},
                )
            data = answer_of(response, what="zalo send")
            error = int(str(data.get("error") or 0))
            if error == 0:
                found = data.get("data")
                return str(found.get("message_id", "")) if isinstance(found, dict) else ""
            if error not in TOKEN_REFUSED:
                raise NotDeliverable(f"zalo: refused (error {error})")
        raise TryAgain("zalo: the access token was refused after a refresh")

    def fetch(self, channel: ChatChannel, file_ref: str) -> bytes:
        return download(file_ref)
