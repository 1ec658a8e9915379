"""Every write of the chat channels: taking a provider's delivery (checked, de-duplicated, handed to
the outbox), turning each message into the report's thread, answering by itself, sending replies out
with their delivery state, pictures hashed and matched in memory, STOP and the code word, blocking an
abusive sender, and the channels themselves.

The webhook answers at once: what it stores is the provider's message id and an outbox item; a
worker does the rest (`receive`), so a slow database or a picture to fetch never makes the provider
time out and deliver again.
"""

import hashlib
import hmac
import logging
from dataclasses import asdict
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from childshield.accounts.models import Membership
from childshield.accounts.permissions import require
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.core.blind_index import blind_index
from childshield.core.errors import ApplicationError
from childshield.hashing.imaging import ImageRejected, pdq_from_bytes
from childshield.hashing.models import Algorithm, MatchChannel
from childshield.hashing.selectors import live_bank_ids
from childshield.hashing.services import HashQuery, hashes_match
from childshield.intake import conversations
from childshield.intake.models import Channel, MessageKind, Report, ReportMessage
from childshield.messaging import words
from childshield.messaging.adapters import adapter_for
from childshield.messaging.adapters.base import Inbound, NotDeliverable
from childshield.messaging.models import (
    BlockedSender,
    ChannelKind,
    ChatChannel,
    Conversation,
    Delivery,
    DeliveryProblem,
    DeliveryState,
    InboundEvent,
    ReceivedPicture,
)
from childshield.messaging.permissions import MessagingPerm
from childshield.outbox.models import OutboxItem
from childshield.outbox.services import outbox_enqueue

logger = logging.getLogger(__name__)

RECEIVE = "messaging.receive"
SEND = "messaging.send"

# The report's channel for each kind of chat channel.
REPORT_CHANNEL = {
    ChannelKind.WEB: Channel.CHAT,
    ChannelKind.TELEGRAM: Channel.TELEGRAM,
    ChannelKind.MESSENGER: Channel.MESSENGER,
    ChannelKind.ZALO: Channel.ZALO,
    ChannelKind.TWILIO: Channel.SMS,
    ChannelKind.SMS_GATEWAY: Channel.SMS,
}


def sender_key(channel: ChatChannel, address: str) -> str:
    """The keyed hash a sender is recognised by on one channel (the same person on two channels is two)."""
    return blind_index(f"{channel.pk}:{address}", purpose="messaging.sender")


def _key(*parts: object) -> str:
    """A key (stored in clear: a delivery's id, an outbox or message key) from provider ids, which may
    be long, hold any character or name a sender (a gateway's phone number, a Zalo user id): keyed with
    BLIND_INDEX_KEY, so none can be confirmed by hashing a guess."""
    message = "messaging\x00" + "\x00".join(str(part) for part in parts)
    return hmac.new(settings.BLIND_INDEX_KEY.encode(), message.encode(), hashlib.sha256).hexdigest()


# Taking a delivery ------------------------------------------------------------------------------


@transaction.atomic
def inbound_accept(*, channel: ChatChannel, messages: list[Inbound]) -> int:
    """Store each new message's id and an outbox item to handle it; a message delivered again is
    dropped here. Returns how many were new. Called by the webhook once the call was verified."""
    new = 0
    for message in messages:
        try:
            with transaction.atomic():
                InboundEvent.objects.create(
                    channel=channel, event_id=_key("event", channel.pk, message.event_id)
                )
        except IntegrityError:
            continue  # the provider delivered it again
        payload = {**asdict(message), "kind": str(message.kind), "channel": channel.pk}
        outbox_enqueue(kind=RECEIVE, payload=payload, idempotency_key=_key(channel.pk, message.event_id))
        new += 1
    return new


def receive(*, payload: dict[str, Any], idempotency_key: str) -> None:
    """The outbox handler of one inbound message: its conversation and report, the message in the
    thread, the first answer, STOP and the code word, and a picture's hashes."""
    channel = ChatChannel.objects.get(pk=payload["channel"])
    message = Inbound(**{key: value for key, value in payload.items() if key != "channel"})
    key = sender_key(channel, message.address)
    blocked = BlockedSender.objects.filter(channel=channel, sender_key=key)
    if blocked.exists():
        blocked.update(refused=F("refused") + 1)
        return
    conversation = (
        Conversation.objects.select_related("report").filter(channel=channel, sender_key=key).first()
    )
    is_new = conversation is None
    if conversation is None:
        report = conversations.conversation_report_open(
            channel=REPORT_CHANNEL[ChannelKind(channel.kind)],
            idempotency_key=_key("conversation", key),
            language=words.channel_language(channel),
        )
        conversation = Conversation.objects.create(
            channel=channel, sender_key=key, address=message.address, report=report
        )
    else:
        was_paused = conversation.paused_at is not None
        Conversation.objects.filter(pk=conversation.pk).update(last_inbound_at=timezone.now(), paused_at=None)
        conversation.paused_at = None
        if was_paused:
            _deliveries_resume(conversation)
    added = conversations.conversation_message_add(
        report=conversation.report,
        body=message.text,
        kind=MessageKind(message.kind),
        idempotency_key=_key("in", idempotency_key),
    )
    if message.kind == MessageKind.TEXT and words.is_stop(message.text):
        conversations.conversation_close(report=conversation.report, reason="the sender sent STOP")
        conversations.automatic_message_add(
            report=conversation.report,
            body=words.stop_answer(words.channel_language(channel)),
            idempotency_key=_key("stop", added.pk),
        )
        return
    if message.kind == MessageKind.TEXT and words.is_pause(message.text):
        Conversation.objects.filter(pk=conversation.pk).update(paused_at=timezone.now())
        return
    if message.kind == MessageKind.PICTURE and not ReceivedPicture.objects.filter(message=added).exists():
        _picture_take(channel=channel, message=added, file_ref=message.file_ref)
    if is_new:
        conversations.automatic_message_add(
            report=conversation.report,
            body=words.first_answer(channel),
            idempotency_key=_key("first", conversation.pk),
        )


def _picture_take(*, channel: ChatChannel, message: ReportMessage, file_ref: str) -> None:
    """Hash the picture in memory and match it against every bank switched on; keep the hashes, the
    number of matches and the provider's reference, never the picture. A picture that cannot be
    fetched or read is recorded as such: the message stays."""
    picture = ReceivedPicture(message=message, file_ref=file_ref)
    adapter = adapter_for(channel.kind)
    try:
        if adapter is None or not file_ref:
            raise NotDeliverable("the channel gave no picture to fetch")
        data = adapter.fetch(channel, file_ref)
        pdq = pdq_from_bytes(data)
        picture.pdq, picture.pdq_quality = pdq.value, pdq.quality
        picture.md5 = hashlib.md5(data, usedforsecurity=False).hexdigest()
        del data
        banks = live_bank_ids()  # never the sandbox's synthetic banks
        results = hashes_match(
            queries=[
                HashQuery(Algorithm.PDQ, picture.pdq, picture.pdq_quality),
                HashQuery(Algorithm.MD5, picture.md5),
            ],
            bank_ids=banks,
            channel=MatchChannel.SERVICE,
            agency=None,
        )
        picture.matched_entries = len({match.entry_id for result in results for match in result.matches})
    except NotDeliverable as error:
        picture.problem = error.reason[:200]
    except ImageRejected as error:
        picture.problem = f"not read as a picture ({error.code})"[:200]
    except Exception as error:  # the provider down, a broken file: the message is kept all the same
        picture.problem = f"could not be fetched ({type(error).__name__})"
    picture.save()


def picture_content(*, picture: ReceivedPicture) -> bytes:
    """A picture a sender sent, fetched again from the provider into memory (to pass it to the
    hotline's evidence store); the provider keeps it only for a while."""
    conversation = (
        Conversation.objects.select_related("channel").filter(report_id=picture.message.report_id).first()
    )
    adapter = adapter_for(conversation.channel.kind) if conversation is not None else None
    if conversation is None or adapter is None or not picture.file_ref:
        raise ApplicationError(_("This picture cannot be fetched from the app."), code="not_fetched")
    try:
        return adapter.fetch(conversation.channel, picture.file_ref)
    except Exception as error:  # the provider down, the file gone: said to the counsellor
        logger.warning(
            "A picture of conversation %s could not be fetched again: %s",
            conversation.pk,
            type(error).__name__,
        )
        raise ApplicationError(
            _("The app did not give the picture again. Try later: apps keep pictures only for a while."),
            code="not_fetched",
        ) from None


def picture_passed(*, picture: ReceivedPicture) -> None:
    ReceivedPicture.objects.filter(pk=picture.pk).update(passed_to_hotline_at=timezone.now())


# Sending out ------------------------------------------------------------------------------------


def message_to_reporter(*, message: ReportMessage) -> None:
    """The intake hook for a message written to the reporter: when the report is a conversation on a
    chat app, send it there (through the outbox); held while the sender said someone is near."""
    conversation = Conversation.objects.filter(report_id=message.report_id).first()
    if conversation is None:
        return
    delivery = Delivery.objects.create(message=message, conversation=conversation)
    if conversation.paused_at is None:
        outbox_enqueue(
            kind=SEND, payload={"delivery": delivery.pk}, idempotency_key=f"delivery-{delivery.pk}"
        )


def _deliveries_resume(conversation: Conversation) -> None:
    """The sender wrote again after the code word: what was held is sent now."""
    for delivery in conversation.deliveries.filter(state=DeliveryState.PENDING).order_by("pk"):
        outbox_enqueue(
            kind=SEND, payload={"delivery": delivery.pk}, idempotency_key=f"delivery-{delivery.pk}"
        )


def send(*, payload: dict[str, Any], idempotency_key: str) -> None:
    """The outbox handler of one reply: sent through the channel's API. A provider that is down or
    asks to slow down raises (the outbox tries again, then gives up as a dead letter); one that will
    never take it marks the delivery not sent, with why, at once."""
    delivery = (
        Delivery.objects.select_related("conversation__channel", "message")
        .filter(pk=payload["delivery"], state=DeliveryState.PENDING)
        .first()
    )
    if delivery is None:
        return
    channel = delivery.conversation.channel
    adapter = adapter_for(channel.kind)
    text = delivery.message.body
    # Sent after the provider failed before: the child is told it is late, not left to wonder.
    item = OutboxItem.objects.filter(idempotency_key=delivery.outbox_key).only("attempts").first()
    if item is not None and item.attempts > 1:
        text = f"{words.late_note(words.channel_language(channel))}\n{text}"
    try:
        if adapter is None or not channel.enabled:
            raise NotDeliverable("switched off", DeliveryProblem.SWITCHED_OFF)
        provider_id = adapter.send(channel, delivery.conversation, text)
    except NotDeliverable as error:
        Delivery.objects.filter(pk=delivery.pk).update(
            state=DeliveryState.FAILED, problem=error.problem, reason=error.reason[:200]
        )
        return
    Delivery.objects.filter(pk=delivery.pk).update(
        state=DeliveryState.SENT, provider_message_id=provider_id[:200], sent_at=timezone.now()
    )


# What counsellors and supervisors do -------------------------------------------------------------


@transaction.atomic
def conversation_end(*, acting: Membership, report: Report) -> None:
    """A counsellor closes a chat (on a chat app or the web chat); the child is told how to come back."""
    conversation = Conversation.objects.select_related("channel").filter(report=report).first()
    language = words.channel_language(conversation.channel) if conversation else report.language or "en"
    conversations.conversation_close(report=report, reason=f"chat closed by membership {acting.pk}")
    conversations.automatic_message_add(
        report=report,
        body=words.closed_answer(language),
        idempotency_key=_key("closed", report.pk, timezone.now().isoformat()),
    )


@transaction.atomic
def sender_block(*, acting: Membership, report: Report, reason: str) -> BlockedSender:
    """Refuse the sender of this conversation from now on (by the keyed hash); the chat is closed."""
    require(acting, MessagingPerm.SENDER_BLOCK)
    conversation = Conversation.objects.filter(report=report).first()
    if conversation is None:
        raise ApplicationError(_("Only a sender on a chat app can be blocked."), code="not_a_chat")
    if not reason.strip():
        raise ApplicationError(_("Say why the sender is blocked."), code="reason_required")
    blocked, _created = BlockedSender.objects.get_or_create(
        channel_id=conversation.channel_id,
        sender_key=conversation.sender_key,
        defaults={"blocked_by": acting, "reason": reason.strip()[:200]},
    )
    conversations.conversation_close(report=report, reason="the sender was blocked")
    audit.record(
        action=AuditAction.UPDATE,
        actor=acting.user,
        agency=acting.agency,
        obj=blocked,
        reason="sender blocked",
    )
    return blocked


@transaction.atomic
def sender_unblock(*, acting: Membership, pk: int) -> None:
    """Lift a block (a mistake, or the sender may write again); audited."""
    require(acting, MessagingPerm.SENDER_BLOCK)
    blocked = BlockedSender.objects.filter(pk=pk).first()
    if blocked is None:
        return
    audit.record(
        action=AuditAction.DELETE,
        actor=acting.user,
        agency=acting.agency,
        obj=blocked,
        reason="sender unblocked",
    )
    blocked.delete()


def _channel_checked(channel: ChatChannel) -> None:
    if channel.kind != ChannelKind.WEB and adapter_for(channel.kind) is None:
        raise ApplicationError(_("This kind of channel is not known."), code="unknown_kind")
    needs_secret = channel.kind not in {ChannelKind.WEB}
    if needs_secret and not channel.secret:
        raise ApplicationError(
            _("A secret is needed: it is how childshield knows a message really comes from the provider."),
            code="secret_required",
        )
    needs = {
        ChannelKind.MESSENGER: ["verify_token"],
        ChannelKind.ZALO: ["app_id"],
        ChannelKind.TWILIO: ["account_sid", "from"],
        ChannelKind.SMS_GATEWAY: ["send_url"],
    }.get(ChannelKind(channel.kind), [])
    missing = [name for name in needs if not channel.config.get(name)]
    if missing:
        raise ApplicationError(
            _("This channel also needs: %(names)s.") % {"names": ", ".join(missing)}, code="config_required"
        )


@transaction.atomic
def channel_save(*, acting: Membership | None, channel: ChatChannel) -> ChatChannel:
    """Add or change a channel, checked; audited (never with its token or secret)."""
    if acting is not None:
        require(acting, MessagingPerm.CHANNEL_MANAGE)
    _channel_checked(channel)
    created = channel.pk is None
    channel.save()
    audit.record(
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        actor=acting.user if acting else None,
        agency=acting.agency if acting else None,
        obj=channel,
        reason=f"chat channel {'added' if created else 'changed'} ({channel.kind}, "
        f"{'on' if channel.enabled else 'off'})",
    )
    return channel


def inbound_events_purge(*, older_than_days: int) -> int:
    """Forget the ids of deliveries older than a provider would deliver again."""
    since = timezone.now() - timedelta(days=older_than_days)
    deleted, _rows = InboundEvent.objects.filter(received_at__lt=since).delete()
    return deleted
