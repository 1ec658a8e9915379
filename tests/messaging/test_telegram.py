"""Telegram: a bot's webhook checked by its secret token, each message a report's thread in the queue,
replies sent back through sendMessage by the outbox, and everything a provider does to a webhook
(delivering again, failing, sending stickers) survived.

Payloads are shaped as https://core.telegram.org/bots/api shows an Update, a Message, a PhotoSize and
the answers of sendMessage and getFile; every id and word is made up.
"""

from typing import Any

import pytest

from childshield.intake.models import Channel, MessageKind, Report, ReportMessage, ReportStatus, Sender
from childshield.intake.services import report_message_from_staff
from childshield.messaging.adapters.telegram import SECRET_HEADER
from childshield.messaging.models import (
    ChannelKind,
    Conversation,
    Delivery,
    DeliveryProblem,
    DeliveryState,
    ReceivedPicture,
)
from childshield.outbox.models import OutboxItem, OutboxState
from tests.messaging.conftest import deliver_all, synthetic_png

pytestmark = pytest.mark.django_db

CHAT_ID = 5550001


def update(update_id: int, **message: Any) -> dict[str, Any]:
    """An Update carrying a private Message (core.telegram.org/bots/api#update, #message)."""
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id * 10,
            "from": {"id": CHAT_ID, "is_bot": False, "first_name": "Made-up", "username": "made_up_child"},
            "chat": {"id": CHAT_ID, "type": "private", "first_name": "Made-up"},
            "date": 1765000000,
            **message,
        },
    }


def signed(post_json, channel, payload, secret="test-secret"):
    return post_json(channel, payload, **{SECRET_HEADER: secret})


def test_a_message_becomes_a_telegram_report_with_its_thread_and_a_first_answer_goes_back(
    make_channel, post_json, provider
):
    channel = make_channel(ChannelKind.TELEGRAM)
    response = signed(post_json, channel, update(1, text="có người đòi ảnh nóng của em"))
    assert response.status_code == 200
    deliver_all()

    report = Report.objects.get()
    assert report.channel == Channel.TELEGRAM and report.status == ReportStatus.NEW
    [words, first] = report.messages.order_by("pk")
    assert (words.sender, words.body, words.kind) == (Sender.REPORTER, "có người đòi ảnh nóng của em", "text")
    assert first.sender == Sender.AUTOMATIC
    # The provider's profile (name, username) is kept nowhere; the chat id only, encrypted.
    conversation = Conversation.objects.get()
    assert conversation.address == str(CHAT_ID)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT address FROM messaging_conversation")
        assert str(CHAT_ID) not in cursor.fetchone()[0]
    assert "made_up_child" not in str(list(Report.objects.values())) + str(
        list(ReportMessage.objects.values())
    )

    [sent] = provider.sent("/bottest-token/sendMessage")
    # In the country's language (Viet Nam's): safe to talk now? the code word, and STOP.
    text = sent.json()["text"]
    assert sent.json()["chat_id"] == str(CHAT_ID)
    assert "an toàn để nói chuyện" in text and "BẬN" in text and "DỪNG" in text
    assert Delivery.objects.get(message=first).state == DeliveryState.SENT


def test_a_wrong_or_missing_secret_is_refused_and_nothing_is_stored(make_channel, post_json, provider):
    channel = make_channel(ChannelKind.TELEGRAM)
    assert signed(post_json, channel, update(1, text="hi"), secret="guess").status_code == 403
    assert post_json(channel, update(2, text="hi")).status_code == 403
    assert not OutboxItem.objects.exists() and not Report.objects.exists()


def test_a_delivery_retried_by_telegram_is_one_message(make_channel, post_json, provider):
    channel = make_channel(ChannelKind.TELEGRAM)
    for _ in range(3):
        assert signed(post_json, channel, update(9, text="help")).status_code == 200
    deliver_all()
    assert ReportMessage.objects.filter(sender=Sender.REPORTER).count() == 1
    # The provider's id is kept keyed: nothing stored in clear names the delivery or its sender.
    import hashlib

    from childshield.messaging.models import InboundEvent

    [event] = InboundEvent.objects.values_list("event_id", flat=True)
    assert len(event) == 64 and "update" not in event
    guesses = ("update-9", f"{channel.pk}:update-9", f"event:{channel.pk}:update-9")
    assert event not in {hashlib.sha256(guess.encode()).hexdigest() for guess in guesses}
    assert not OutboxItem.objects.filter(idempotency_key__contains="update-9").exists()


def test_the_same_sender_writing_again_is_the_same_conversation(make_channel, post_json, provider):
    channel = make_channel(ChannelKind.TELEGRAM)
    signed(post_json, channel, update(1, text="hello"))
    signed(post_json, channel, update(2, text="are you there"))
    deliver_all()
    assert Report.objects.count() == 1 and Conversation.objects.count() == 1
    assert ReportMessage.objects.filter(sender=Sender.REPORTER).count() == 2
    # One first answer, not one per message.
    assert ReportMessage.objects.filter(sender=Sender.AUTOMATIC).count() == 1


def test_stickers_and_locations_are_recorded_as_such_never_an_error(make_channel, post_json, provider):
    channel = make_channel(ChannelKind.TELEGRAM)
    sticker = {"file_id": "CAAD", "file_unique_id": "u1", "type": "regular", "width": 512, "height": 512}
    assert signed(post_json, channel, update(1, sticker=sticker)).status_code == 200
    assert (
        signed(post_json, channel, update(2, location={"latitude": 10.77, "longitude": 106.7})).status_code
        == 200
    )
    assert signed(post_json, channel, update(3, dice={"emoji": "🎲", "value": 3})).status_code == 200
    # Not a message at all: an edit. Answered, nothing stored.
    assert (
        signed(
            post_json, channel, {"update_id": 4, "edited_message": update(4, text="x")["message"]}
        ).status_code
        == 200
    )
    deliver_all()
    kinds = list(
        ReportMessage.objects.filter(sender=Sender.REPORTER).order_by("pk").values_list("kind", flat=True)
    )
    assert kinds == [MessageKind.STICKER, MessageKind.LOCATION, MessageKind.OTHER]


def test_an_oversized_message_is_cut_with_a_note(make_channel, post_json, provider):
    channel = make_channel(ChannelKind.TELEGRAM)
    signed(post_json, channel, update(1, text="a" * 4096 + " end"))
    deliver_all()
    message = ReportMessage.objects.get(sender=Sender.REPORTER)
    assert len(message.body) == 4000 and message.cut_from == 4100


def test_a_reply_is_sent_once_after_the_provider_failed_twice(make_channel, post_json, provider, counsellor):
    channel = make_channel(ChannelKind.TELEGRAM)
    signed(post_json, channel, update(1, text="hello"))
    deliver_all()
    report = Report.objects.get()
    provider.calls.clear()
    provider.fail_next = 2
    reply = report_message_from_staff(acting=counsellor, report=report, body="Chào em, anh chị ở đây.")
    delivery = Delivery.objects.get(message=reply)
    deliver_all()
    assert delivery.__class__.objects.get(pk=delivery.pk).state == DeliveryState.PENDING
    deliver_all(rounds=3)
    sent = provider.sent("/sendMessage")
    assert len(sent) == 3  # two failures, one delivery
    # The child is told the message is late (in the country's language).
    assert sent[0].json()["text"] == "Chào em, anh chị ở đây."
    assert sent[2].json()["text"].endswith("\nChào em, anh chị ở đây.")
    assert sent[2].json()["text"].startswith("(Xin lỗi")
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.SENT and delivery.provider_message_id == "7"


def test_a_provider_down_for_good_leaves_the_reply_marked_not_sent(
    make_channel, post_json, provider, counsellor, settings
):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    channel = make_channel(ChannelKind.TELEGRAM)
    signed(post_json, channel, update(1, text="hello"))
    deliver_all()
    report = Report.objects.get()
    provider.fail_next = 100
    reply = report_message_from_staff(acting=counsellor, report=report, body="We are here.")
    deliver_all(rounds=4)
    from childshield.messaging.selectors import deliveries_of

    assert (
        OutboxItem.objects.get(idempotency_key=f"messaging.send:delivery-{reply.delivery.pk}").state
        == OutboxState.DEAD
    )
    assert deliveries_of(message_ids=[reply.pk])[reply.pk].state == "failed"
    # The reply itself is kept in the thread.
    assert ReportMessage.objects.get(pk=reply.pk).body == "We are here."


def test_a_refusal_by_telegram_marks_the_reply_not_sent_at_once(
    make_channel, post_json, provider, counsellor
):
    channel = make_channel(ChannelKind.TELEGRAM)
    signed(post_json, channel, update(1, text="hello"))
    deliver_all()
    provider.calls.clear()
    provider.answers["/sendMessage"] = (
        403,
        {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"},
    )
    reply = report_message_from_staff(acting=counsellor, report=Report.objects.get(), body="Hello?")
    deliver_all()
    reply.delivery.refresh_from_db()
    assert reply.delivery.state == DeliveryState.FAILED and reply.delivery.problem == DeliveryProblem.REFUSED
    assert "403" in reply.delivery.reason  # for the operators: the provider's code, no words of anyone
    assert len(provider.sent("/sendMessage")) == 1


def test_stop_ends_the_conversation_politely_and_busy_holds_replies_until_the_child_writes(
    make_channel, post_json, provider, counsellor
):
    channel = make_channel(ChannelKind.TELEGRAM)
    signed(post_json, channel, update(1, text="hello"))
    signed(post_json, channel, update(2, text="Bận!"))
    deliver_all()
    report = Report.objects.get()
    provider.calls.clear()
    held = report_message_from_staff(acting=counsellor, report=report, body="Are you OK?")
    deliver_all()
    assert provider.sent("/sendMessage") == []
    signed(post_json, channel, update(3, text="ok I'm back"))
    deliver_all()
    assert [call.json()["text"] for call in provider.sent("/sendMessage")] == ["Are you OK?"]
    held.delivery.refresh_from_db()
    assert held.delivery.state == DeliveryState.SENT

    provider.calls.clear()
    signed(post_json, channel, update(4, text="STOP"))
    deliver_all()
    report.refresh_from_db()
    assert report.status == ReportStatus.CLOSED
    [goodbye] = provider.sent("/sendMessage")
    assert "Chúng mình đã dừng" in goodbye.json()["text"]


def test_a_picture_is_hashed_and_matched_in_memory_and_never_kept(make_channel, post_json, provider):
    channel = make_channel(ChannelKind.TELEGRAM)
    provider.answers["/getFile"] = (
        200,
        {
            "ok": True,
            "result": {
                "file_id": "AgAD",
                "file_unique_id": "u",
                "file_size": 9000,
                "file_path": "photos/file_1.png",
            },
        },
    )
    provider.files["/file/bottest-token/photos/file_1.png"] = synthetic_png()
    photo = [
        {"file_id": "small", "file_unique_id": "s", "width": 90, "height": 67, "file_size": 1200},
        {"file_id": "AgAD", "file_unique_id": "u", "width": 320, "height": 240, "file_size": 9000},
    ]
    signed(post_json, channel, update(1, photo=photo, caption="this one"))
    deliver_all()
    message = ReportMessage.objects.get(sender=Sender.REPORTER)
    assert (message.kind, message.body) == (MessageKind.PICTURE, "this one")
    picture = ReceivedPicture.objects.get(message=message)
    assert len(picture.pdq) == 64 and len(picture.md5) == 32 and picture.problem == ""
    assert picture.file_ref == "AgAD"  # the biggest size, to pass on; the bytes are not stored
    [get_file] = provider.sent("/getFile")
    assert "file_id=AgAD" in get_file.path


def test_a_picture_that_cannot_be_fetched_keeps_its_message(make_channel, post_json, provider):
    channel = make_channel(ChannelKind.TELEGRAM)
    provider.answers["/getFile"] = (
        400,
        {"ok": False, "error_code": 400, "description": "Bad Request: invalid file_id"},
    )
    photo = [{"file_id": "gone", "file_unique_id": "g", "width": 9, "height": 9, "file_size": 10}]
    signed(post_json, channel, update(1, photo=photo))
    deliver_all()
    picture = ReceivedPicture.objects.get()
    assert picture.message.kind == MessageKind.PICTURE and picture.pdq == "" and picture.problem


def test_a_switched_off_channel_answers_404_and_stores_nothing(make_channel, post_json, provider):
    channel = make_channel(ChannelKind.TELEGRAM)
    channel.enabled = False
    channel.save()
    assert signed(post_json, channel, update(1, text="hi")).status_code == 404
    assert not OutboxItem.objects.exists()


def test_no_message_words_sender_id_or_token_reach_the_logs(
    make_channel, post_json, provider, counsellor, caplog
):
    caplog.set_level("DEBUG")
    channel = make_channel(ChannelKind.TELEGRAM)
    signed(post_json, channel, update(1, text="zebra-words-of-a-child"))
    signed(post_json, channel, update(2, text="zebra"), secret="wrong")  # refused: logged by channel only
    provider.fail_next = 1
    deliver_all(rounds=2)
    report_message_from_staff(
        acting=counsellor, report=Report.objects.get(), body="okapi-words-of-a-counsellor"
    )
    provider.answers["/sendMessage"] = (
        400,
        {"ok": False, "error_code": 400, "description": "chat 5550001 not found"},
    )
    deliver_all()
    logged = caplog.text
    assert caplog.records  # something was logged: the refusal, the provider's failure
    for secret in ("zebra", "okapi", str(CHAT_ID), "test-token", "test-secret"):
        assert secret not in logged, secret


def test_a_chat_picture_is_never_matched_against_the_sandbox_bank(make_channel, post_json, provider):
    """The sandbox's synthetic bank is for platforms' sandbox keys: a child's picture that happens to
    be in it counts no match; the same hash in a real bank does."""
    from childshield.accounts.models import Agency, AgencyKind
    from childshield.hashing.imaging import pdq_from_bytes
    from childshield.hashing.services import synthetic_bank_ensure

    pdq = pdq_from_bytes(synthetic_png())
    hotline = Agency.objects.create(country="VN", name="Hotline (sandbox test)", kind=AgencyKind.HOTLINE)
    synthetic_bank_ensure(owner=hotline, name="Sandbox", hashes=[("pdq", pdq.value, pdq.quality)])
    channel = make_channel(ChannelKind.TELEGRAM)
    provider.answers["/getFile"] = (200, {"ok": True, "result": {"file_id": "A", "file_path": "p/1.png"}})
    provider.files["/file/bottest-token/p/1.png"] = synthetic_png()
    photo = [{"file_id": "A", "file_unique_id": "a", "width": 320, "height": 240, "file_size": 9000}]
    signed(post_json, channel, update(1, photo=photo))
    deliver_all()
    assert ReceivedPicture.objects.get().matched_entries == 0
