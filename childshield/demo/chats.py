"""Demo chat channels and conversations: a web chat open all day, and a Telegram bot and a Zalo OA that
are switched off (their tokens are made up: a supervisor enters real ones), each with a made-up
conversation waiting in the queue beside the web reports."""

import hashlib

from django.db import transaction
from django.utils import timezone

from childshield.accounts.models import AgencyKind, Membership, Role
from childshield.demo.hashing import demo_picture
from childshield.hashing.imaging import pdq_from_bytes
from childshield.hotline.services.received_images import received_image_add
from childshield.intake import conversations
from childshield.intake.models import Channel, MessageKind, Report
from childshield.messaging.models import ChannelKind, ChatChannel, Conversation, ReceivedPicture
from childshield.messaging.services import channel_save, sender_key

DEMO_CHATS = (
    (
        ChannelKind.TELEGRAM,
        Channel.TELEGRAM,
        "111 Telegram (demo)",
        "demo-telegram-1",
        "ai đó dọa gửi ảnh của em cho cả lớp",
    ),
    (
        ChannelKind.ZALO,
        Channel.ZALO,
        "111 Zalo (demo)",
        "demo-zalo-1",
        "có ng lạ cứ đòi em lên cam, em ko muốn",
    ),
)


@transaction.atomic
def demo_chats_seed() -> int:
    """The demo's channels and conversations, once; returns how many conversations it made."""
    made = 0
    if not ChatChannel.objects.filter(kind=ChannelKind.WEB).exists():
        channel_save(acting=None, channel=ChatChannel(kind=ChannelKind.WEB, name="Web chat"))
    for kind, report_channel, name, address, first_words in DEMO_CHATS:
        channel = ChatChannel.objects.filter(kind=kind, name=name).first()
        if channel is None:
            channel = channel_save(
                acting=None,
                channel=ChatChannel(
                    kind=kind,
                    name=name,
                    enabled=False,
                    token="demo-token-not-real",
                    secret="demo-secret-not-real",
                    config={"app_id": "demo-app"} if kind == ChannelKind.ZALO else {},
                ),
            )
        key = sender_key(channel, address)
        if Conversation.objects.filter(channel=channel, sender_key=key).exists():
            continue
        report = conversations.conversation_report_open(
            channel=report_channel, idempotency_key=f"demo-chat-{address}", language="vi"
        )
        Conversation.objects.create(channel=channel, sender_key=key, address=address, report=report)
        conversations.conversation_message_add(
            report=report, body=first_words, idempotency_key=f"demo-chat-m-{address}"
        )
        if kind == ChannelKind.ZALO:
            _picture_passed(report)
        made += 1
    return made


def _picture_passed(report: Report) -> None:
    """The Zalo child also sent a picture (a drawn one), which the counsellor passed to the hotline:
    the counsellor's thread says so, the hotline's analysts find it under Pictures from chats."""
    counsellor = (
        Membership.objects.filter(role=Role.COUNSELLOR, agency__kind=AgencyKind.HELPLINE)
        .order_by("pk")
        .first()
    )
    if counsellor is None:
        return
    content = demo_picture(3)
    message = conversations.conversation_message_add(
        report=report, body="", kind=MessageKind.PICTURE, idempotency_key="demo-chat-picture"
    )
    hashed = pdq_from_bytes(content)
    ReceivedPicture.objects.get_or_create(
        message=message,
        defaults={
            "pdq": hashed.value,
            "pdq_quality": hashed.quality,
            "md5": hashlib.md5(content, usedforsecurity=False).hexdigest(),
            "passed_to_hotline_at": timezone.now(),
        },
    )
    received_image_add(passed_by=counsellor, report=report, content=content)
