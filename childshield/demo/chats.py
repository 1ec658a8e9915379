"""Demo chat channels and conversations: a web chat open all day, and a Telegram bot and a Zalo OA that
are switched off (their tokens are made up: a supervisor enters real ones), each with a made-up
conversation waiting in the queue beside the web reports."""

from django.db import transaction

from childshield.intake import conversations
from childshield.intake.models import Channel
from childshield.messaging.models import ChannelKind, ChatChannel, Conversation
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
        made += 1
    return made
