"""SMS through a gateway: one that speaks Twilio's webhook (form fields `MessageSid`, `From`, `To`,
`Body`, `NumMedia`, `MediaUrl0`, signed in `X-Twilio-Signature`, checked with Twilio's own
validator), and a plain HTTP gateway of the kind operators offer, configured to post a documented
form (docs/channels.md) signed with an HMAC header.
"""

import hashlib
from urllib.parse import urlencode, urljoin

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from twilio.request_validator import RequestValidator  # type: ignore[import-untyped]

from childshield.intake.models import MessageKind
from childshield.messaging.adapters.base import (
    Adapter,
    Inbound,
    NotDeliverable,
    Refused,
    TryAgain,
    answer_of,
    download,
    hmac_hex,
    http_client,
    parts,
    same,
)
from childshield.messaging.models import ChatChannel, Conversation, DeliveryProblem

TWILIO_SIGNATURE_HEADER = "X-Twilio-Signature"
GATEWAY_SIGNATURE_HEADER = "X-Childshield-Signature"
# A long SMS is sent as one message of several parts; gateways take up to this many letters.
SMS_MAX_LENGTH = 1600


def called_url(request: HttpRequest) -> str:
    """The address the provider called, as it signed it: behind a proxy, SITE_URL's scheme and host."""
    if settings.SITE_URL:
        return urljoin(settings.SITE_URL + "/", request.get_full_path().lstrip("/"))
    return request.build_absolute_uri()


def _media_kind(content_type: str) -> MessageKind:
    kind = content_type.split("/", 1)[0]
    return {"image": MessageKind.PICTURE, "video": MessageKind.VIDEO, "audio": MessageKind.AUDIO}.get(
        kind, MessageKind.FILE
    )


class Twilio(Adapter):
    kind = "twilio"
    max_length = SMS_MAX_LENGTH

    def verify(self, channel: ChatChannel, request: HttpRequest) -> None:
        validator = RequestValidator(channel.secret)
        params = {key: request.POST.get(key) for key in request.POST}
        if not channel.secret or not validator.validate(
            called_url(request), params, request.headers.get(TWILIO_SIGNATURE_HEADER, "")
        ):
            raise Refused("twilio: wrong signature")

    def parse(self, channel: ChatChannel, request: HttpRequest) -> list[Inbound]:
        post = request.POST
        if not post.get("MessageSid") or not post.get("From"):
            return []
        kind, file_ref = MessageKind.TEXT, ""
        if int(post.get("NumMedia") or 0) > 0:
            kind = _media_kind(post.get("MediaContentType0", ""))
            file_ref = post.get("MediaUrl0", "") if kind == MessageKind.PICTURE else ""
        return [
            Inbound(
                event_id=post["MessageSid"],
                address=post["From"],
                kind=kind,
                text=post.get("Body", ""),
                file_ref=file_ref,
            )
        ]

    def acknowledge(self) -> HttpResponse:
        # An empty TwiML answer: the reply, if any, is sent later through the REST API.
        return HttpResponse(
            '<?xml version="1.0" encoding="UTF-8"?><Response></Response>', content_type="text/xml"
        )

    def send(self, channel: ChatChannel, conversation: Conversation, text: str) -> str:
        account = str(channel.config.get("account_sid", ""))
        sent = []
        with http_client() as client:
            for piece in parts(text, self.max_length):
                response = client.post(
                    f"{settings.MESSAGING_TWILIO_API_URL}/2010-04-01/Accounts/{account}/Messages.json",
                    auth=(account, channel.secret),
                    data={
                        "To": conversation.address,
                        "From": str(channel.config.get("from", "")),
                        "Body": piece,
                    },
                )
                sent.append(str(answer_of(response, what="twilio send").get("sid", "")))
        return ",".join(sent)

    def fetch(self, channel: ChatChannel, file_ref: str) -> bytes:
        return download(file_ref, auth=(str(channel.config.get("account_sid", "")), channel.secret))


class Gateway(Adapter):
    """The plain HTTP gateway: inbound, a form post of `from`, `to`, `text`, `time` and optionally
    `id`, with `X-Childshield-Signature: sha256=<hex HMAC-SHA256 of the raw body, keyed with the
    channel's secret>`; outbound, the same form to the gateway's sending address, signed the same way."""

    kind = "sms_gateway"
    max_length = SMS_MAX_LENGTH

    def verify(self, channel: ChatChannel, request: HttpRequest) -> None:
        expected = "sha256=" + hmac_hex(channel.secret, request.body) if channel.secret else ""
        if not same(expected, request.headers.get(GATEWAY_SIGNATURE_HEADER, "")):
            raise Refused("gateway: wrong signature")

    def parse(self, channel: ChatChannel, request: HttpRequest) -> list[Inbound]:
        post = request.POST
        sender, text, sent_at = post.get("from", "").strip(), post.get("text", ""), post.get("time", "")
        if not sender:
            return []
        # Without the gateway's id, the same sender, time and words delivered again are one message.
        event_id = (
            post.get("id", "").strip() or hashlib.sha256(f"{sender}|{sent_at}|{text}".encode()).hexdigest()
        )
        return [Inbound(event_id=event_id[:200], address=sender, kind=MessageKind.TEXT, text=text)]

    def send(self, channel: ChatChannel, conversation: Conversation, text: str) -> str:
        url = str(channel.config.get("send_url", ""))
        if not url:
            raise NotDeliverable("the gateway has no sending address", DeliveryProblem.SETTINGS)
        sent = []
        with http_client() as client:
            for piece in parts(text, self.max_length):
                body = urlencode(
                    {"to": conversation.address, "from": str(channel.config.get("from", "")), "text": piece}
                ).encode()
                response = client.post(
                    url,
                    content=body,
                    headers={
                        "Content-Type": "application/x-www-form-urlencoded",
                        GATEWAY_SIGNATURE_HEADER: "sha256=" + hmac_hex(channel.secret, body),
                    },
                )
                if response.status_code == 429 or response.status_code >= 500:
                    raise TryAgain(f"gateway: HTTP {response.status_code}")
                if response.status_code >= 400:
                    raise NotDeliverable(f"gateway: refused (HTTP {response.status_code})")
                sent.append(response.headers.get("X-Message-Id", ""))
        return ",".join(sent)[:200]
