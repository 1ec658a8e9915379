"""Reads of the chat channels and conversations."""

from dataclasses import dataclass

from django.http import Http404
from django.utils import timezone

from childshield.accounts.models import Membership
from childshield.accounts.permissions import require
from childshield.intake.hooks import ChatHours
from childshield.messaging.models import (
    BlockedSender,
    ChatChannel,
    Conversation,
    Delivery,
    DeliveryProblem,
    DeliveryState,
    ReceivedPicture,
)
from childshield.messaging.permissions import MessagingPerm
from childshield.outbox.models import OutboxItem, OutboxState


def channel_by_webhook_key(key: str) -> ChatChannel:
    """The channel switched on whose webhook address holds `key`; 404 for any other."""
    channel = ChatChannel.objects.filter(webhook_key=key, enabled=True).first()
    if channel is None:
        raise Http404
    return channel


def channels_for_manage(*, acting: Membership) -> list[ChatChannel]:
    require(acting, MessagingPerm.CHANNEL_MANAGE)
    return list(ChatChannel.objects.order_by("kind", "name"))


def channel_for_manage(*, acting: Membership, pk: int) -> ChatChannel:
    require(acting, MessagingPerm.CHANNEL_MANAGE)
    channel = ChatChannel.objects.filter(pk=pk).first()
    if channel is None:
        raise Http404
    return channel


def blocked_senders(*, acting: Membership) -> list[BlockedSender]:
    """The senders blocked, newest first: who blocked them, why, how many messages refused since."""
    require(acting, MessagingPerm.SENDER_BLOCK)
    return list(
        BlockedSender.objects.select_related("channel", "blocked_by__user").order_by("-created_at")[:200]
    )


def web_chat_channel() -> ChatChannel | None:
    """The web chat's settings (its hours), if a supervisor set them."""
    return ChatChannel.objects.filter(kind="web", enabled=True).order_by("pk").first()


def web_chat_hours() -> ChatHours:
    """When counsellors answer the web chat: its channel's hours; always, when none is set up."""
    channel = web_chat_channel()
    if channel is None:
        return ChatHours(open_now=True)
    now = timezone.now()
    opening = channel.next_opening(now)
    return ChatHours(open_now=opening is None, opens_at=opening)


def conversation_of(*, report_id: int) -> Conversation | None:
    return Conversation.objects.select_related("channel").filter(report_id=report_id).first()


@dataclass(frozen=True)
class DeliveryView:
    """How a reply's sending goes, as the counsellor sees it."""

    state: str  # "sending", "retrying", "sent", "failed", "held"
    problem: str = ""  # why not sent, in the page's language
    detail: str = ""  # the provider's answer, for the operators (a status or error code)


def deliveries_of(*, message_ids: list[int]) -> dict[int, DeliveryView]:
    """The delivery of each of these messages that went out through a chat app."""
    deliveries = list(Delivery.objects.filter(message_id__in=message_ids).select_related("conversation"))
    pending = [d for d in deliveries if d.state == DeliveryState.PENDING]
    outbox = {
        item.idempotency_key: item
        for item in OutboxItem.objects.filter(idempotency_key__in=[d.outbox_key for d in pending]).only(
            "idempotency_key", "state", "attempts"
        )
    }
    views: dict[int, DeliveryView] = {}
    for delivery in deliveries:
        if delivery.state == DeliveryState.SENT:
            views[delivery.message_id] = DeliveryView("sent")
        elif delivery.state == DeliveryState.FAILED:
            problem = DeliveryProblem(delivery.problem or DeliveryProblem.REFUSED)
            views[delivery.message_id] = DeliveryView("failed", str(problem.label), delivery.reason)
        else:
            item = outbox.get(delivery.outbox_key)
            if item is None:
                views[delivery.message_id] = DeliveryView(
                    "held" if delivery.conversation.paused_at else "sending"
                )
            elif item.state == OutboxState.DEAD:
                views[delivery.message_id] = DeliveryView("failed", str(DeliveryProblem.GAVE_UP.label))
            else:
                views[delivery.message_id] = DeliveryView("retrying" if item.attempts else "sending")
    return views


def pictures_of(*, message_ids: list[int]) -> dict[int, ReceivedPicture]:
    return {p.message_id: p for p in ReceivedPicture.objects.filter(message_id__in=message_ids)}


def picture_of(*, report_id: int, message_id: int) -> ReceivedPicture | None:
    """The picture of a message of this report, if it was one."""
    return (
        ReceivedPicture.objects.select_related("message")
        .filter(message_id=message_id, message__report_id=report_id)
        .first()
    )
