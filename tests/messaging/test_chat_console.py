"""The counsellor's side of a chat from a chat app (issue 19): each reply's sending shown, a picture said
to have come (never shown), at most HELPLINE_CHAT_CAP chats held at once, a chat closed with the child
told how to come back, and an abusive sender blocked by a supervisor."""

import pytest

from childshield.helpline.services.queue import queue_claim
from childshield.intake.models import Report, ReportStatus
from childshield.messaging.models import BlockedSender, ChannelKind, ReceivedPicture
from childshield.outbox.models import OutboxItem
from tests.messaging.conftest import deliver_all, synthetic_png
from tests.messaging.test_telegram import signed, update

pytestmark = pytest.mark.django_db


@pytest.fixture
def telegram(make_channel, provider):
    return make_channel(ChannelKind.TELEGRAM)


def _chat(post_json, channel, update_id, chat_id=5550001, **message):
    payload = update(update_id, **message)
    payload["message"]["chat"]["id"] = chat_id
    signed(post_json, channel, payload)
    deliver_all()
    return Report.objects.order_by("-pk").first()


def test_the_thread_shows_each_replys_sending_and_a_picture_without_showing_it(
    telegram, post_json, provider, sign_in, counsellor
):
    provider.answers["/getFile"] = (
        200,
        {"ok": True, "result": {"file_id": "p", "file_path": "photos/p.png"}},
    )
    provider.files["/file/bottest-token/photos/p.png"] = synthetic_png(3)
    report = _chat(
        post_json, telegram, 1, photo=[{"file_id": "p", "file_unique_id": "p", "width": 320, "height": 240}]
    )
    queue_claim(acting=counsellor, report=report)
    client = sign_in(counsellor)
    provider.fail_next = 1
    response = client.post(
        f"/en/helpline/queue/{report.reference}/reply/", {"body": "Chào em.", "once": "o1"}, follow=True
    )
    html = response.content.decode()
    assert "is being sent through 111 Telegram" in html
    assert "The child reads it in the app: it is sent through 111 Telegram." in html
    assert 'data-delivery="sending"' in html
    assert (
        "A picture was received. It is not shown." in html and "It matches nothing in the hash banks." in html
    )
    assert "<img" not in html.split("data-thread")[1].split("</ol>")[0]
    assert ReceivedPicture.objects.get().pdq

    deliver_all()  # the provider fails once
    html = client.get(f"/en/helpline/queue/{report.reference}/reply/").content.decode()
    assert 'data-delivery="retrying"' in html
    deliver_all(rounds=2)
    html = client.get(f"/en/helpline/queue/{report.reference}/reply/").content.decode()
    assert html.count('data-delivery="sent"') == 2  # the first answer and the reply


def test_a_counsellor_holds_at_most_the_cap_of_chats(telegram, post_json, sign_in, counsellor, settings):
    settings.HELPLINE_CHAT_CAP = 2
    reports = [_chat(post_json, telegram, number, chat_id=100 + number, text="hi") for number in range(1, 4)]
    client = sign_in(counsellor)
    for report in reports[:2]:
        client.post(f"/en/helpline/queue/{report.reference}/claim/")
    response = client.post(f"/en/helpline/queue/{reports[2].reference}/claim/", follow=True)
    assert "You already hold 2 chats." in response.content.decode()
    assert not hasattr(Report.objects.get(pk=reports[2].pk), "helpline_claim")

    # Closing one frees a place; the child is told how to come back.
    response = client.post(f"/en/helpline/queue/{reports[0].reference}/chat/close/", follow=True)
    assert response.status_code == 200
    closed = Report.objects.get(pk=reports[0].pk)
    assert closed.status == ReportStatus.CLOSED
    assert closed.messages.order_by("pk").last().sender == "automatic"
    client.post(f"/en/helpline/queue/{reports[2].reference}/claim/")
    assert Report.objects.get(pk=reports[2].pk).helpline_claim.holder == counsellor


def test_a_supervisor_blocks_an_abusive_sender_whose_next_messages_never_reach_the_queue(
    telegram, post_json, sign_in, supervisor, counsellor
):
    report = _chat(post_json, telegram, 1, text="spam spam")
    client = sign_in(counsellor)
    assert (
        client.post(f"/en/helpline/queue/{report.reference}/chat/block/", {"reason": "abuse"}).status_code
        == 403
    )
    client = sign_in(supervisor)
    response = client.post(
        f"/en/helpline/queue/{report.reference}/chat/block/", {"reason": "Insults counsellors"}
    )
    assert response.status_code == 302
    blocked = BlockedSender.objects.get()
    assert Report.objects.get(pk=report.pk).status == ReportStatus.CLOSED
    messages_before = report.messages.count()
    _chat(post_json, telegram, 2, text="more spam")
    assert report.messages.count() == messages_before and Report.objects.count() == 1
    blocked.refresh_from_db()
    assert blocked.refused == 1
    # Lifted from the channels page, the sender's next message reaches the queue again.
    client.post(f"/en/helpline/channels/blocked/{blocked.pk}/unblock/")
    _chat(post_json, telegram, 3, text="sorry")
    assert Report.objects.get(pk=report.pk).status == ReportStatus.OPEN
    assert not OutboxItem.objects.filter(state="dead").exists()
