"""Telegram Bot API: a bot's webhook, set with a secret token that Telegram sends back in the
`X-Telegram-Bot-Api-Secret-Token` header of every call; replies with sendMessage; files through
getFile. https://core.telegram.org/bots/api (setWebhook, Update, Message, sendMessage, getFile).
"""

import json

from django.conf import settings
from django.http import HttpRequest

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
from childshield.messaging.models import ChatChannel, Conversation

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

# A message's field and what it is; the first present wins (a photo with a caption is a picture).
_KINDS = (
    ("photo", MessageKind.PICTURE),
    ("video", MessageKind.VIDEO),
    ("video_note", MessageKind.VIDEO),
    ("animation", MessageKind.VIDEO),
    ("voice", MessageKind.AUDIO),
    ("audio", MessageKind.AUDIO),
    ("sticker", MessageKind.STICKER),
    ("location", MessageKind.LOCATION),
    ("venue", MessageKind.LOCATION),
    ("document", MessageKind.FILE),
)


class Telegram(Adapter):
    kind = "telegram"
    max_length = 4096

    def _api(self, channel: ChatChannel, method: str) -> str:
        return f"{settings.MESSAGING_TELEGRAM_API_URL}/bot{channel.token}/{method}"

    def verify(self, channel: ChatChannel, request: HttpRequest) -> None:
        if not same(channel.secret, request.headers.get(SECRET_HEADER, "")):
            raise Refused("telegram: wrong secret token")

    def parse(self, channel: ChatChannel, request: HttpRequest) -> list[Inbound]:
        update = json.loads(request.body)
        message = update.get("message") if isinstance(update, dict) else None
        if not isinstance(message, dict) or "chat" not in message:
            return []  # edits, reactions, members joining: not messages to the helpline
        kind, file_ref = MessageKind.TEXT if "text" in message else MessageKind.OTHER, ""
        for field, field_kind in _KINDS:
            if field in message:
                kind = field_kind
                break
        if kind == MessageKind.PICTURE:
            file_ref = max(message["photo"], key=lambda size: size.get("file_size", 0))["file_id"]
        elif kind == MessageKind.FILE and str(message["document"].get("mime_type", "")).startswith("image/"):
            kind, file_ref = MessageKind.PICTURE, message["document"]["file_id"]
        return [
            Inbound(
                event_id=f"update-{update['update_id']}",
                address=str(message["chat"]["id"]),
                kind=kind,
                text=str(message.get("text") or message.get("caption") or ""),
                file_ref=file_ref,
            )
        ]

    def send(self, channel: ChatChannel, conversation: Conversation, text: str) -> str:
        sent = []
        with http_client() as client:
            for piece in parts(text, self.max_length):
                response = client.post(
                    self._api(channel, "sendMessage"), json={"chat_id": conversation.address, "text": piece}
                )
                data = answer_of(response, what="telegram sendMessage")
                if not data.get("ok"):
                    raise NotDeliverable(f"telegram: refused ({data.get('error_code')})")
                result = data.get("result")
                sent.append(str(result.get("message_id", "")) if isinstance(result, dict) else "")
        return ",".join(sent)

    def fetch(self, channel: ChatChannel, file_ref: str) -> bytes:
        with http_client() as client:
            data = answer_of(
                client.get(self._api(channel, "getFile"), params={"file_id": file_ref}),
                what="telegram getFile",
            )
        result = data.get("result")
        path = result.get("file_path") if isinstance(result, dict) else None
        if not data.get("ok") or not path:
            raise TryAgain("telegram getFile: no file path")
        return download(f"{settings.MESSAGING_TELEGRAM_API_URL}/file/bot{channel.token}/{path}")
