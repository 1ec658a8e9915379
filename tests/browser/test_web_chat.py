"""The web chat from the public home (issue 19): a first message and whether the child is safe; out of
hours, when someone will answer and the phone line; and the counsellor's queue with web, Telegram and
Zalo chats side by side, each with its channel. Every page axe-clean, in vi, km and en."""

from datetime import time

import pytest
from django.utils import timezone

from childshield.intake import conversations
from childshield.intake.models import Channel, Report
from childshield.messaging.models import ChannelKind, ChatChannel
from childshield.messaging.services import channel_save
from childshield.places.models import HelplineNumber
from tests.browser.conftest import assert_accessible
from tests.browser.intake_steps import read_receipt, sign_in
from tests.browser.test_helpline_path import counsellor  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def _closed_now() -> ChatChannel:
    """The web chat, open only in an hour that is not now."""
    start = (
        (timezone.localtime() + timezone.timedelta(hours=3)).time().replace(minute=0, second=0, microsecond=0)
    )
    end = time((start.hour + 1) % 24, 0)
    return channel_save(
        acting=None, channel=ChatChannel(kind=ChannelKind.WEB, name="Web chat", opens_at=start, closes_at=end)
    )


@pytest.mark.parametrize("language", ["vi", "km", "en"])
def test_a_child_starts_a_chat_from_the_home_page_and_is_told_when_someone_answers_out_of_hours(
    live_server,
    open_page,
    axe,
    counsellor,  # noqa: F811  (test_helpline_path's: a helpline and its counsellor)
    language,
):
    _closed_now()
    HelplineNumber.objects.get_or_create(
        country="VN", number="111", defaults={"name_en": "National child helpline"}
    )
    phone = open_page(viewport={"width": 360, "height": 740})
    phone.goto(f"{live_server.url}/{language}/")
    phone.click("a[href$='/chat/']")
    assert phone.locator("[data-chat-closed]").is_visible()
    assert phone.locator("[data-chat-closed] a[href='tel:111']").count() == 1
    assert phone.locator("[data-quick-exit]").is_visible()
    assert_accessible(axe, phone)

    # Nothing filled: the mistakes are said, and the page stays usable.
    phone.click("button.button-big")
    phone.wait_for_selector(".error-summary")
    assert_accessible(axe, phone)

    phone.check("input[name=safe_now][value=yes]")
    phone.fill("textarea[name=description]", "có ng lạ cứ nhắn tin đòi ảnh của em, em sợ lắm")
    phone.click("button.button-big")
    read_receipt(phone)
    assert phone.locator("[data-chat-closed]").is_visible()
    assert phone.locator("[data-thread]").count() >= 1
    assert_accessible(axe, phone)

    report = Report.objects.get()
    assert report.channel == Channel.CHAT and report.about == "" and report.safe_now == "yes"


def test_the_queue_shows_web_telegram_and_zalo_chats_side_by_side_with_their_channel(
    live_server,
    open_page,
    axe,
    counsellor,  # noqa: F811
):
    for number, channel in enumerate([Channel.CHAT, Channel.TELEGRAM, Channel.ZALO]):
        report = conversations.conversation_report_open(channel=channel, idempotency_key=f"side-{number}")
        conversations.conversation_message_add(
            report=report, body="hello?", idempotency_key=f"side-m-{number}"
        )
    desk = open_page(viewport={"width": 1200, "height": 900})
    sign_in(desk, live_server.url, counsellor.user.email)
    desk.goto(f"{live_server.url}/en/helpline/")
    channels = desk.locator("[data-queue-item] [data-channel]")
    assert sorted(channels.evaluate_all("cells => cells.map(c => c.dataset.channel)")) == [
        "chat",
        "telegram",
        "zalo",
    ]
    text = desk.locator("table").inner_text()
    assert "Web chat" in text and "Telegram" in text and "Zalo" in text
    assert_accessible(axe, desk)


# Staff pages: one language each (Khmer here, Vietnamese below; the child's pages above in all three),
# which keeps the browser suite's time in hand; the pages' words are checked in every language by the
# catalogue tests.
@pytest.mark.parametrize("language", ["km"])
def test_the_chat_pages_of_counsellors_and_supervisors_are_accessible(
    live_server,
    open_page,
    axe,
    counsellor,  # noqa: F811
    make_member,
    language,
):
    from childshield.accounts.models import Role
    from childshield.helpline.services.queue import queue_claim
    from childshield.intake.services import report_message_from_staff
    from childshield.messaging.models import BlockedSender, Conversation

    supervisor = make_member(
        email="supervisor@example.org", role=Role.HELPLINE_SUPERVISOR, agency=counsellor.agency
    )
    telegram = channel_save(
        acting=None,
        channel=ChatChannel(kind=ChannelKind.TELEGRAM, name="111 Telegram", enabled=False, secret="s"),
    )
    report = conversations.conversation_report_open(
        channel=Channel.TELEGRAM, idempotency_key=f"a11y-{language}"
    )
    Conversation.objects.create(channel=telegram, sender_key="k" * 64, address="1", report=report)
    conversations.conversation_message_add(
        report=report, body="hello", kind="sticker", idempotency_key=f"a11y-m-{language}"
    )
    queue_claim(acting=counsellor, report=report)
    report_message_from_staff(acting=counsellor, report=report, body="We are here.")
    BlockedSender.objects.create(
        channel=telegram, sender_key="b" * 64, blocked_by=supervisor, reason="made-up abuse"
    )

    desk = open_page(viewport={"width": 1200, "height": 900})
    sign_in(desk, live_server.url, supervisor.user.email, language)
    desk.goto(f"{live_server.url}/{language}/helpline/queue/{report.reference}/reply/")
    assert desk.locator("[data-chat]").is_visible() and desk.locator("[data-delivery]").count() == 1
    assert_accessible(axe, desk)
    desk.goto(f"{live_server.url}/{language}/helpline/channels/")
    assert desk.locator("[data-webhook]").count() == 1 and desk.locator("[data-blocked]").count() == 1
    assert_accessible(axe, desk)
    desk.goto(f"{live_server.url}/{language}/helpline/channels/{telegram.pk}/")
    assert_accessible(axe, desk)
    desk.click("form.card button[type=submit]")  # the kind is fixed; the secret kept: saved
    desk.wait_for_url(f"{live_server.url}/{language}/helpline/channels/")


@pytest.mark.parametrize("language", ["vi"])
def test_the_hotlines_pictures_from_chats_are_accessible_and_open_veiled(
    live_server,
    open_page,
    axe,
    counsellor,  # noqa: F811
    make_member,
    language,
):
    from childshield.accounts.models import Agency, AgencyKind, Role
    from childshield.demo.hashing import demo_picture
    from childshield.hotline.services.received_images import received_image_add

    hotline = Agency.objects.create(country="VN", name="Hotline (test)", kind=AgencyKind.HOTLINE)
    analyst = make_member(email="analyst@example.org", role=Role.HOTLINE_ANALYST, agency=hotline)
    report = conversations.conversation_report_open(
        channel=Channel.TELEGRAM, idempotency_key=f"pic-{language}"
    )
    image = received_image_add(passed_by=counsellor, report=report, content=demo_picture(2))
    desk = open_page(viewport={"width": 1200, "height": 900})
    sign_in(desk, live_server.url, analyst.user.email, language)
    desk.goto(f"{live_server.url}/{language}/hotline/pictures/")
    assert desk.locator("img").count() == 0
    assert_accessible(axe, desk)
    desk.click(f"#picture-{image.pk} a.button")
    desk.wait_for_selector("figure.evidence-veiled img")
    assert_accessible(axe, desk)
    desk.check(f"#picture-{image.pk} input[value=out_of_scope]")
    desk.click(f"#picture-{image.pk} form button[type=submit]")
    desk.wait_for_selector(f"#picture-{image.pk} [data-assessed]")
