"""The web chat's pages (issue 19): started with a first message and whether the child is safe, the
first message shown as the child's own, polled at the chat's pace from the start (the child waits on
the page for the first answer), and out of hours, when someone answers and the phone line."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from childshield.intake.models import Channel, Report
from childshield.intake.tokens import form_token_issue
from childshield.messaging.models import ChannelKind, ChatChannel
from childshield.places.models import HelplineNumber
from tests.intake.conftest import thread_token

pytestmark = pytest.mark.django_db


def _start(client, token="", **fields):
    data = {
        "form_token": token or form_token_issue(),
        "safe_now": "no",
        "description": "ai đó dọa em",
        **fields,
    }
    return client.post("/vi/chat/", data)


def test_a_chat_starts_as_a_report_whose_page_polls_at_the_chats_pace(client, settings):
    settings.INTAKE_POLL_SECONDS, settings.INTAKE_CHAT_POLL_SECONDS = 20, 2
    token = form_token_issue()
    response = _start(client, token)
    html = response.content.decode()
    report = Report.objects.get()
    assert (report.channel, report.safe_now, report.is_urgent, report.about) == (Channel.CHAT, "no", True, "")
    assert 'data-message-id="first"' in html and "ai đó dọa em" in html
    assert 'data-poll-seconds="2"' in html and report.display_reference in html
    updates = client.post("/vi/report/status/updates/", {"thread_token": thread_token(html), "after": "0"})
    assert updates["X-Poll-Seconds"] == "2"
    # The same form sent twice is one chat, shown again.
    again = _start(client, token).content.decode()
    assert Report.objects.count() == 1 and report.display_reference in again


def test_a_chat_without_its_answers_says_what_is_missing_and_keeps_what_was_written(client):
    response = _start(client, safe_now="", description="em sợ")
    html = response.content.decode()
    assert response.status_code == 200 and "error-summary" in html and "em sợ" in html
    assert not Report.objects.exists()


def test_out_of_hours_the_chat_says_when_someone_answers_and_gives_the_phone_line(client):
    HelplineNumber.objects.create(
        country="VN", number="111", name_en="Child helpline", name_vi="Tổng đài 111"
    )
    opens = (timezone.localtime() + timedelta(hours=3)).time().replace(minute=0, second=0, microsecond=0)
    ChatChannel.objects.create(
        kind=ChannelKind.WEB, name="Web chat", opens_at=opens, closes_at=time((opens.hour + 1) % 24, 0)
    )
    html = client.get("/vi/chat/").content.decode()
    assert "data-chat-closed" in html and 'href="tel:111"' in html and opens.strftime("%H:%M") in html
    html = _start(client).content.decode()
    assert "data-chat-closed" in html
    # Open now: nothing said of hours.
    ChatChannel.objects.update(opens_at=None, closes_at=None)
    assert "data-chat-closed" not in client.get("/vi/chat/").content.decode()
