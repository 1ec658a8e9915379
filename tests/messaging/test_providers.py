"""Messenger, Zalo OA, Twilio and the plain HTTP SMS gateway, each through its real webhook address:
a call signed as the provider signs it becomes a report with its thread, a call signed wrongly or not
at all is refused and stores nothing, a delivery made twice is one message, and a counsellor's reply
reaches the provider's API at the documented path with the documented fields.

Each payload names the page its shape is taken from; every id, number and word in them is made up.
"""

import base64
import hashlib
import hmac
import json
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.utils import timezone
from twilio.request_validator import RequestValidator

from childshield.intake.models import Channel, MessageKind, Report, ReportMessage, ReportStatus, Sender
from childshield.intake.services import report_message_from_staff
from childshield.messaging.models import (
    ChannelKind,
    ChatChannel,
    Conversation,
    Delivery,
    DeliveryProblem,
    DeliveryState,
)
from childshield.outbox.models import OutboxItem
from tests.messaging.conftest import deliver_all, hook_url

pytestmark = pytest.mark.django_db


def hmac_sha256(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def nothing_stored() -> bool:
    return not OutboxItem.objects.exists() and not Report.objects.exists()


def reporter_messages() -> list[tuple[str, str]]:
    return list(
        ReportMessage.objects.filter(sender=Sender.REPORTER).order_by("pk").values_list("kind", "body")
    )


# A reply longer than one SMS (1,600 letters, https://www.twilio.com/docs/api/errors/21617) and one
# Zalo text (2,000), within what a counsellor may write (4,000).
LONG_REPLY = " ".join(["chào"] * 700)


def reply_sent(counsellor, body: str) -> Delivery:
    """A counsellor's reply in the one report, sent by the outbox; its delivery afterwards."""
    reply = report_message_from_staff(acting=counsellor, report=Report.objects.get(), body=body)
    deliver_all()
    return Delivery.objects.get(message=reply)


# Messenger --------------------------------------------------------------------------------------

PSID = "1000000000000001"
PAGE_ID = "2000000000000002"


def messenger_call(*events: dict[str, Any]) -> dict[str, Any]:
    """A page's webhook call carrying `events`, shaped as
    https://developers.facebook.com/docs/messenger-platform/reference/webhook-events/messages shows."""
    return {"object": "page", "entry": [{"id": PAGE_ID, "time": 1765000000100, "messaging": list(events)}]}


def messenger_message(mid: str, **message: Any) -> dict[str, Any]:
    # https://developers.facebook.com/docs/messenger-platform/reference/webhook-events/messages
    return {
        "sender": {"id": PSID},
        "recipient": {"id": PAGE_ID},
        "timestamp": 1765000000000,
        "message": {"mid": mid, **message},
    }


def messenger_post(post_json, channel, payload, secret="test-secret"):
    """Signed as Meta signs: "sha256=" and the hex HMAC-SHA256 of the body, keyed with the app secret
    (https://developers.facebook.com/docs/graph-api/webhooks/getting-started). `post_json` sends
    `json.dumps(payload)`, non-ASCII \\u-escaped as Meta sends it: those are the bytes signed."""
    signature = "sha256=" + hmac_sha256(secret, json.dumps(payload).encode())
    return post_json(channel, payload, **{"X-Hub-Signature-256": signature})


def messenger_channel(make_channel) -> ChatChannel:
    return make_channel(ChannelKind.MESSENGER, config={"verify_token": "test-verify", "page_id": PAGE_ID})


def test_messenger_answers_the_verification_handshake_only_with_the_verify_token(make_channel, client):
    channel = messenger_channel(make_channel)
    # https://developers.facebook.com/docs/graph-api/webhooks/getting-started (verification requests)
    asked = {"hub.mode": "subscribe", "hub.verify_token": "test-verify", "hub.challenge": "12345"}
    response = client.get(hook_url(channel), asked)
    assert response.status_code == 200 and response.content == b"12345"
    assert client.get(hook_url(channel), {**asked, "hub.verify_token": "guess"}).status_code == 403
    assert client.get(hook_url(channel), {**asked, "hub.mode": "unsubscribe"}).status_code == 403
    assert client.get(hook_url(channel)).status_code == 403
    assert nothing_stored()


def test_a_signed_messenger_message_becomes_a_messenger_report(make_channel, post_json, provider):
    channel = messenger_channel(make_channel)
    payload = messenger_call(messenger_message("m_made-up-1", text="có người lạ nhắn tin cho em"))
    assert messenger_post(post_json, channel, payload).status_code == 200
    deliver_all()
    report = Report.objects.get()
    assert report.channel == Channel.MESSENGER
    assert reporter_messages() == [(MessageKind.TEXT, "có người lạ nhắn tin cho em")]
    assert Conversation.objects.get().address == PSID


def test_a_wrongly_signed_or_unsigned_messenger_call_is_refused_and_nothing_is_stored(
    make_channel, post_json, provider
):
    channel = messenger_channel(make_channel)
    payload = messenger_call(messenger_message("m_made-up-1", text="hello"))
    assert messenger_post(post_json, channel, payload, secret="guess").status_code == 403
    assert post_json(channel, payload).status_code == 403
    # The signature of another body.
    other = "sha256=" + hmac_sha256("test-secret", b"{}")
    assert post_json(channel, payload, **{"X-Hub-Signature-256": other}).status_code == 403
    assert nothing_stored()


def test_a_messenger_message_delivered_twice_is_one_message(make_channel, post_json, provider):
    channel = messenger_channel(make_channel)
    payload = messenger_call(messenger_message("m_made-up-1", text="hello"))
    for _ in range(2):
        assert messenger_post(post_json, channel, payload).status_code == 200
    deliver_all()
    assert len(reporter_messages()) == 1


def test_messenger_echoes_deliveries_and_reads_store_nothing(make_channel, post_json, provider):
    channel = messenger_channel(make_channel)
    # https://developers.facebook.com/docs/messenger-platform/reference/webhook-events/message-echoes
    echo = {
        "sender": {"id": PAGE_ID},
        "recipient": {"id": PSID},
        "timestamp": 1765000000000,
        "message": {"is_echo": True, "app_id": 3000000000000003, "mid": "m_made-up-echo", "text": "hi"},
    }
    # https://developers.facebook.com/docs/messenger-platform/reference/webhook-events/message-deliveries
    delivered = {
        "sender": {"id": PSID},
        "recipient": {"id": PAGE_ID},
        "delivery": {"mids": ["m_made-up-echo"], "watermark": 1765000000000},
    }
    # https://developers.facebook.com/docs/messenger-platform/reference/webhook-events/message-reads
    read = {
        "sender": {"id": PSID},
        "recipient": {"id": PAGE_ID},
        "timestamp": 1765000000200,
        "read": {"watermark": 1765000000000},
    }
    for event in (echo, delivered, read):
        assert messenger_post(post_json, channel, messenger_call(event)).status_code == 200
    deliver_all()
    assert nothing_stored()


def test_a_messenger_sticker_is_recorded_as_a_sticker(make_channel, post_json, provider):
    channel = messenger_channel(make_channel)
    # A sticker is an image attachment whose payload has a sticker_id:
    # https://developers.facebook.com/docs/messenger-platform/reference/webhook-events/messages
    sticker = {"type": "image", "payload": {"url": f"{provider.url}/sticker.png", "sticker_id": 100000042}}
    payload = messenger_call(messenger_message("m_made-up-2", attachments=[sticker]))
    assert messenger_post(post_json, channel, payload).status_code == 200
    deliver_all()
    assert reporter_messages() == [(MessageKind.STICKER, "")]
    assert provider.sent("/sticker.png") == []  # a sticker is not fetched as a picture


def messenger_reply(make_channel, post_json, provider, counsellor, *, since: timedelta) -> Delivery:
    channel = messenger_channel(make_channel)
    messenger_post(post_json, channel, messenger_call(messenger_message("m_made-up-1", text="hello")))
    deliver_all()
    Conversation.objects.update(last_inbound_at=timezone.now() - since)
    provider.calls.clear()
    # https://developers.facebook.com/docs/messenger-platform/reference/send-api (response)
    provider.answers[f"/{PAGE_ID}/messages"] = (200, {"recipient_id": PSID, "message_id": "m_made-up-out"})
    return reply_sent(counsellor, "Chào em, anh chị đang nghe đây.")


def test_a_messenger_reply_is_sent_through_the_send_api(make_channel, post_json, provider, counsellor):
    delivery = messenger_reply(make_channel, post_json, provider, counsellor, since=timedelta(minutes=5))
    [sent] = provider.sent(f"/{PAGE_ID}/messages")
    assert parse_qs(urlsplit(sent.path).query) == {"access_token": ["test-token"]}
    assert sent.json() == {
        "messaging_type": "RESPONSE",
        "recipient": {"id": PSID},
        "message": {"text": "Chào em, anh chị đang nghe đây."},
    }
    assert (delivery.state, delivery.provider_message_id) == (DeliveryState.SENT, "m_made-up-out")


def test_a_messenger_reply_after_24_hours_carries_the_human_agent_tag(
    make_channel, post_json, provider, counsellor
):
    delivery = messenger_reply(make_channel, post_json, provider, counsellor, since=timedelta(hours=30))
    [sent] = provider.sent(f"/{PAGE_ID}/messages")
    assert (sent.json()["messaging_type"], sent.json()["tag"]) == ("MESSAGE_TAG", "HUMAN_AGENT")
    assert delivery.state == DeliveryState.SENT


def test_a_messenger_reply_after_7_days_is_not_sent_and_says_why(
    make_channel, post_json, provider, counsellor
):
    delivery = messenger_reply(make_channel, post_json, provider, counsellor, since=timedelta(days=8))
    assert provider.calls == []
    assert delivery.state == DeliveryState.FAILED and delivery.problem == DeliveryProblem.WINDOW_CLOSED


# Zalo OA ----------------------------------------------------------------------------------------

ZALO_USER = "4000000000000000001"
ZALO_OA = "2000000000000000002"
TOKEN_PATH = "/v4/oa/access_token"
SEND_PATH = "/v3.0/oa/message/cs"


def zalo_event(event_name: str, timestamp: str = "1765000000123", **fields: Any) -> dict[str, Any]:
    """An OA webhook event from a user, shaped as Zalo's "sự kiện người dùng gửi tin nhắn" page shows
    (https://docs.zaloplatforms.com/docs/OA/webhook/tin-nhan/su-kien-nguoi-dung-gui-tin-nhan, read
    through quotes of it: /tmp/channel-facts.keep.md §1b)."""
    return {
        "app_id": "4321",
        "user_id_by_app": "5000000000000000005",
        "event_name": event_name,
        "timestamp": timestamp,
        "sender": {"id": ZALO_USER},
        "recipient": {"id": ZALO_OA},
        **fields,
    }


def zalo_text(msg_id: str, text: str, **fields: Any) -> dict[str, Any]:
    return zalo_event("user_send_text", message={"msg_id": msg_id, "text": text}, **fields)


def zalo_post(client, channel, event, *, signature: str | None = "mac", secret="test-secret"):
    """The event as Zalo posts it (UTF-8 JSON, not escaped), with `X-ZEvent-Signature` =
    sha256(app id + raw body + timestamp + OA secret key), as Zalo's Java SDK builds it
    (https://github.com/zaloplatform/zalo-java-sdk, MacUtils.buildMac): "mac=<hex>", or the bare
    hex with signature="bare", or none with signature=None."""
    body = json.dumps(event, ensure_ascii=False).encode()
    digest = hashlib.sha256(b"4321" + body + event["timestamp"].encode() + secret.encode()).hexdigest()
    headers = {}
    if signature is not None:
        headers["X-ZEvent-Signature"] = f"mac={digest}" if signature == "mac" else digest
    return client.post(hook_url(channel), data=body, content_type="application/json", headers=headers)


# https://docs.zaloplatforms.com/docs/OA/bat-dau/xac-thuc-va-uy-quyen-cho-ung-dung-new (response of
# "Lấy Access Token từ Refresh Token", as quoted in /tmp/channel-facts.keep.md §1d)
NEW_TOKENS = (200, {"access_token": "a2", "refresh_token": "r2", "expires_in": "90000"})
# https://docs.zaloplatforms.com/docs/OA/... "Gửi tin Tư vấn" (success; as quoted in the facts §1c)
SENT = (200, {"error": 0, "message": "Success", "data": {"message_id": "z1", "user_id": ZALO_USER}})
# https://docs.zaloplatforms.com/docs/OA/phu-luc/ma-loi (-216), answered with HTTP 200 as Zalo does
TOKEN_REFUSED = (200, {"error": -216, "message": "Access token is invalid"})


def test_a_signed_zalo_text_and_sticker_become_a_zalo_report(make_channel, client, provider):
    channel = make_channel(ChannelKind.ZALO)
    assert zalo_post(client, channel, zalo_text("zmsg-1", "Em cần giúp đỡ")).status_code == 200
    # Sticker attachment: `id` and `url` (facts §1b).
    sticker = zalo_event(
        "user_send_sticker",
        timestamp="1765000000456",
        message={
            "msg_id": "zmsg-2",
            "attachments": [{"type": "sticker", "payload": {"id": "made-up-sticker", "url": provider.url}}],
        },
    )
    # Zalo's pages write "mac=<hex>"; the bare hex is taken as well.
    assert zalo_post(client, channel, sticker, signature="bare").status_code == 200
    deliver_all()
    assert Report.objects.get().channel == Channel.ZALO
    assert reporter_messages() == [(MessageKind.TEXT, "Em cần giúp đỡ"), (MessageKind.STICKER, "")]
    assert Conversation.objects.get().address == ZALO_USER


def test_a_wrongly_signed_or_unsigned_zalo_event_is_refused_and_nothing_is_stored(
    make_channel, client, provider
):
    channel = make_channel(ChannelKind.ZALO)
    event = zalo_text("zmsg-1", "hello")
    assert zalo_post(client, channel, event, secret="guess").status_code == 403
    assert zalo_post(client, channel, event, secret="guess", signature="bare").status_code == 403
    assert zalo_post(client, channel, event, signature=None).status_code == 403
    assert nothing_stored()


def test_a_zalo_event_delivered_twice_is_one_message(make_channel, client, provider):
    channel = make_channel(ChannelKind.ZALO)
    for _ in range(2):
        assert zalo_post(client, channel, zalo_text("zmsg-1", "hello")).status_code == 200
    deliver_all()
    assert len(reporter_messages()) == 1


def test_a_zalo_follow_stores_nothing(make_channel, client, provider):
    channel = make_channel(ChannelKind.ZALO)
    # `follow` carries oa_id and follower.id (https://docs.zaloplatforms.com/docs/OA/webhook/tong-quan,
    # as quoted in the facts §1b).
    follow = {
        "app_id": "4321",
        "oa_id": ZALO_OA,
        "user_id_by_app": "5000000000000000005",
        "event_name": "follow",
        "timestamp": "1765000000789",
        "source": "oa_profile",
        "follower": {"id": ZALO_USER},
    }
    assert zalo_post(client, channel, follow).status_code == 200
    deliver_all()
    assert nothing_stored()


def test_a_zalo_reply_is_sent_as_a_customer_service_message(make_channel, client, provider, counsellor):
    channel = make_channel(ChannelKind.ZALO)
    zalo_post(client, channel, zalo_text("zmsg-1", "hello"))
    deliver_all()
    provider.calls.clear()
    provider.answers[SEND_PATH] = SENT
    delivery = reply_sent(counsellor, "Chào em.")
    # https://github.com/zaloplatform/zalo-java-sdk/blob/3626ae2b54dbb2e8ccf6c8159dd83f53b1a69549/src/test/java/v3/SendTextCSMessage.java
    [sent] = provider.sent(SEND_PATH)
    assert sent.header("access_token") == "test-token"  # a token of no known expiry is used as it is
    assert sent.json() == {"recipient": {"user_id": ZALO_USER}, "message": {"text": "Chào em."}}
    assert provider.sent(TOKEN_PATH) == []
    assert (delivery.state, delivery.provider_message_id) == (DeliveryState.SENT, "z1")


@pytest.mark.parametrize(
    "token, config",
    [
        ("", {}),  # none yet
        ("old-token", {"token_expires_at": "2020-01-01T00:00:00+00:00"}),  # expired
    ],
)
def test_a_zalo_token_missing_or_expired_is_refreshed_and_both_new_tokens_kept(
    make_channel, client, provider, counsellor, token, config
):
    channel = make_channel(
        ChannelKind.ZALO,
        token=token,
        config={"app_id": "4321", "app_secret": "app-secret", "refresh_token": "r1", **config},
    )
    provider.answers[TOKEN_PATH] = NEW_TOKENS
    provider.answers[SEND_PATH] = SENT
    zalo_post(client, channel, zalo_text("zmsg-1", "hello"))
    deliver_all()  # the first answer: refreshes first
    delivery = reply_sent(counsellor, "Chào em.")  # the new token, still valid

    # https://github.com/zaloplatform/zalo-java-sdk/blob/d869903f0174ea14a41e1d6f51be99a74f8a1770/src/test/java/GetAccessTokenByRefreshToken.java
    [refresh] = provider.sent(TOKEN_PATH)
    assert refresh.header("secret_key") == "app-secret"
    assert refresh.form() == {"refresh_token": "r1", "app_id": "4321", "grant_type": "refresh_token"}
    assert [call.header("access_token") for call in provider.sent(SEND_PATH)] == ["a2", "a2"]
    channel.refresh_from_db()
    assert channel.token == "a2" and channel.config["refresh_token"] == "r2"
    assert channel.config["token_expires_at"] > timezone.now().isoformat()
    assert delivery.state == DeliveryState.SENT


def test_a_zalo_token_refused_is_refreshed_and_the_reply_sent_again(
    make_channel, client, provider, counsellor
):
    channel = make_channel(ChannelKind.ZALO)
    zalo_post(client, channel, zalo_text("zmsg-1", "hello"))
    deliver_all()
    provider.calls.clear()
    provider.answers[TOKEN_PATH] = NEW_TOKENS
    provider.queued[SEND_PATH] = [TOKEN_REFUSED, SENT]
    delivery = reply_sent(counsellor, "Chào em.")
    assert [call.header("access_token") for call in provider.sent(SEND_PATH)] == ["test-token", "a2"]
    assert len(provider.sent(TOKEN_PATH)) == 1
    assert (delivery.state, delivery.provider_message_id) == (DeliveryState.SENT, "z1")
    channel.refresh_from_db()
    assert (channel.token, channel.config["refresh_token"]) == ("a2", "r2")


def test_a_long_zalo_reply_is_sent_in_parts_zalo_takes(make_channel, client, provider, counsellor):
    channel = make_channel(ChannelKind.ZALO)
    zalo_post(client, channel, zalo_text("zmsg-1", "hello"))
    deliver_all()
    provider.calls.clear()
    provider.answers[SEND_PATH] = SENT
    delivery = reply_sent(counsellor, LONG_REPLY)
    pieces = [call.json()["message"]["text"] for call in provider.sent(SEND_PATH)]
    assert len(pieces) == 2 and all(len(piece) <= 2000 for piece in pieces)
    assert " ".join(pieces) == LONG_REPLY and delivery.state == DeliveryState.SENT


def test_only_the_word_stop_in_vietnamese_ends_a_zalo_conversation(make_channel, client, provider):
    channel = make_channel(ChannelKind.ZALO)
    zalo_post(client, channel, zalo_text("zmsg-1", "em muốn dừng nói chuyện với người đó"))
    deliver_all()
    assert Report.objects.get().status != ReportStatus.CLOSED  # "dừng" inside a sentence is not STOP
    zalo_post(client, channel, zalo_text("zmsg-2", "DỪNG", timestamp="1765000000999"))
    deliver_all()
    assert Report.objects.get().status == ReportStatus.CLOSED


# Twilio -----------------------------------------------------------------------------------------

FROM_NUMBER = "+84000000001"  # not a number that can exist


def twilio_params(sid: str, body: str) -> dict[str, str]:
    """An incoming SMS as Twilio posts it (https://www.twilio.com/docs/messaging/guides/webhook-request)."""
    return {
        "MessageSid": sid,
        "SmsSid": sid,
        "AccountSid": "AC123",
        "From": FROM_NUMBER,
        "To": "+84111",
        "Body": body,
        "NumMedia": "0",
        "NumSegments": "1",
    }


def twilio_post(client, channel, params, *, secret: str | None = "test-secret", url: str | None = None):
    """Form-encoded and signed as https://www.twilio.com/docs/usage/webhooks/webhooks-security says, by
    Twilio's own validator, over the address called (the test client's host, or `url`)."""
    headers = {}
    if secret is not None:
        signed_url = url or "http://testserver" + hook_url(channel)
        headers["X-Twilio-Signature"] = RequestValidator(secret).compute_signature(signed_url, params)
    return client.post(
        hook_url(channel),
        data=urlencode(params),
        content_type="application/x-www-form-urlencoded",
        headers=headers,
    )


@pytest.fixture
def no_site_url(settings):
    settings.SITE_URL = ""


SID_1 = "SM" + "0" * 31 + "1"


def test_a_signed_twilio_sms_becomes_an_sms_report_and_is_answered_with_empty_twiml(
    make_channel, client, provider, no_site_url
):
    channel = make_channel(ChannelKind.TWILIO)
    response = twilio_post(client, channel, twilio_params(SID_1, "Em bị bắt nạt trên mạng"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    assert b"<Response></Response>" in response.content  # https://www.twilio.com/docs/messaging/twiml
    deliver_all()
    assert Report.objects.get().channel == Channel.SMS
    assert reporter_messages() == [(MessageKind.TEXT, "Em bị bắt nạt trên mạng")]
    assert Conversation.objects.get().address == FROM_NUMBER


def test_a_twilio_sms_signed_over_the_public_address_is_taken_behind_a_proxy(
    make_channel, client, provider, settings
):
    settings.SITE_URL = "https://helpline.example.org"
    channel = make_channel(ChannelKind.TWILIO)
    public = "https://helpline.example.org" + hook_url(channel)
    assert twilio_post(client, channel, twilio_params(SID_1, "hi"), url=public).status_code == 200
    assert twilio_post(client, channel, twilio_params(SID_1, "hi")).status_code == 403


def test_a_wrongly_signed_or_unsigned_twilio_sms_is_refused_and_nothing_is_stored(
    make_channel, client, provider, no_site_url
):
    channel = make_channel(ChannelKind.TWILIO)
    params = twilio_params(SID_1, "hello")
    assert twilio_post(client, channel, params, secret="guess").status_code == 403
    assert twilio_post(client, channel, params, secret=None).status_code == 403
    # Signed, then a field changed on the way.
    signature = RequestValidator("test-secret").compute_signature(
        "http://testserver" + hook_url(channel), params
    )
    changed = urlencode({**params, "Body": "something else"})
    response = client.post(
        hook_url(channel),
        data=changed,
        content_type="application/x-www-form-urlencoded",
        headers={"X-Twilio-Signature": signature},
    )
    assert response.status_code == 403
    assert nothing_stored()


def test_a_twilio_sms_delivered_twice_is_one_message(make_channel, client, provider, no_site_url):
    channel = make_channel(ChannelKind.TWILIO)
    for _ in range(2):
        assert twilio_post(client, channel, twilio_params(SID_1, "hello")).status_code == 200
    deliver_all()
    assert len(reporter_messages()) == 1


def test_a_twilio_reply_is_sent_through_the_messages_resource(
    make_channel, client, provider, counsellor, no_site_url
):
    channel = make_channel(ChannelKind.TWILIO)
    twilio_post(client, channel, twilio_params(SID_1, "hello"))
    deliver_all()
    provider.calls.clear()
    # https://www.twilio.com/docs/messaging/api/message-resource (create: 201 and the Message)
    provider.answers["/Messages.json"] = (
        201,
        {"sid": "SM" + "0" * 31 + "2", "status": "queued", "to": FROM_NUMBER, "from": "+84111"},
    )
    delivery = reply_sent(counsellor, "Chào em.")
    [sent] = provider.sent("/2010-04-01/Accounts/AC123/Messages.json")
    assert sent.form() == {"To": FROM_NUMBER, "From": "+84111", "Body": "Chào em."}
    assert sent.header("Authorization") == "Basic " + base64.b64encode(b"AC123:test-secret").decode()
    assert (delivery.state, delivery.provider_message_id) == (DeliveryState.SENT, "SM" + "0" * 31 + "2")


def test_a_long_twilio_reply_is_sent_in_parts_of_one_sms_each(
    make_channel, client, provider, counsellor, no_site_url
):
    channel = make_channel(ChannelKind.TWILIO)
    twilio_post(client, channel, twilio_params(SID_1, "hello"))
    deliver_all()
    provider.calls.clear()
    delivery = reply_sent(counsellor, LONG_REPLY)
    pieces = [call.form()["Body"] for call in provider.sent("/Messages.json")]
    assert len(pieces) == 3 and all(len(piece) <= 1600 for piece in pieces)
    assert " ".join(pieces) == LONG_REPLY and delivery.state == DeliveryState.SENT


# Plain HTTP gateway -----------------------------------------------------------------------------

# The gateway's contract is childshield's own: the form and signature the Gateway adapter's docstring
# states (childshield/messaging/adapters/sms.py).


def gateway_post(client, channel, fields: dict[str, str], *, secret: str | None = "test-secret"):
    body = urlencode(fields).encode()
    headers = {}
    if secret is not None:
        headers["X-Childshield-Signature"] = "sha256=" + hmac_sha256(secret, body)
    return client.post(
        hook_url(channel), data=body, content_type="application/x-www-form-urlencoded", headers=headers
    )


def gateway_sms(text: str, **fields: str) -> dict[str, str]:
    return {"from": FROM_NUMBER, "to": "111", "text": text, "time": "2025-12-06T08:00:00+07:00", **fields}


def gateway_channel(make_channel, provider) -> ChatChannel:
    return make_channel(ChannelKind.SMS_GATEWAY, config={"send_url": provider.url + "/send", "from": "111"})


def test_a_signed_gateway_sms_becomes_an_sms_report(make_channel, client, provider):
    channel = gateway_channel(make_channel, provider)
    response = gateway_post(client, channel, gateway_sms("Cho em hỏi", id="gw-1"))
    assert response.status_code == 200
    deliver_all()
    assert Report.objects.get().channel == Channel.SMS
    assert reporter_messages() == [(MessageKind.TEXT, "Cho em hỏi")]
    assert Conversation.objects.get().address == FROM_NUMBER


def test_a_wrongly_signed_or_unsigned_gateway_sms_is_refused_and_nothing_is_stored(
    make_channel, client, provider
):
    channel = gateway_channel(make_channel, provider)
    assert gateway_post(client, channel, gateway_sms("hello"), secret="guess").status_code == 403
    assert gateway_post(client, channel, gateway_sms("hello"), secret=None).status_code == 403
    assert nothing_stored()


def test_a_gateway_sms_delivered_twice_is_one_message_with_or_without_an_id(make_channel, client, provider):
    channel = gateway_channel(make_channel, provider)
    for _ in range(2):
        assert gateway_post(client, channel, gateway_sms("hello", id="gw-1")).status_code == 200
        assert gateway_post(client, channel, gateway_sms("no id")).status_code == 200
    # The same words at another time are another message.
    later = gateway_sms("no id", time="2025-12-06T08:05:00+07:00")
    assert gateway_post(client, channel, later).status_code == 200
    deliver_all()
    assert [body for _kind, body in reporter_messages()] == ["hello", "no id", "no id"]


def test_a_gateway_reply_is_posted_to_the_sending_address_signed(make_channel, client, provider, counsellor):
    channel = gateway_channel(make_channel, provider)
    gateway_post(client, channel, gateway_sms("hello", id="gw-1"))
    deliver_all()
    provider.calls.clear()
    delivery = reply_sent(counsellor, "Chào em.")
    [sent] = provider.sent("/send")
    assert sent.form() == {"to": FROM_NUMBER, "from": "111", "text": "Chào em."}
    assert sent.header("X-Childshield-Signature") == "sha256=" + hmac_sha256("test-secret", sent.body)
    assert delivery.state == DeliveryState.SENT


def test_a_long_gateway_reply_is_sent_in_parts_of_one_sms_each(make_channel, client, provider, counsellor):
    channel = gateway_channel(make_channel, provider)
    gateway_post(client, channel, gateway_sms("hello", id="gw-1"))
    deliver_all()
    provider.calls.clear()
    delivery = reply_sent(counsellor, LONG_REPLY)
    sent = provider.sent("/send")
    pieces = [call.form()["text"] for call in sent]
    assert len(pieces) == 3 and all(len(piece) <= 1600 for piece in pieces)
    assert " ".join(pieces) == LONG_REPLY and delivery.state == DeliveryState.SENT
    assert all(
        call.header("X-Childshield-Signature") == "sha256=" + hmac_sha256("test-secret", call.body)
        for call in sent
    )
