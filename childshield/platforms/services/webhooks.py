"""Notices to platforms' webhooks: a platform's subscriptions, and each notice to it delivered as
signed JSON through the outbox (retried with backoff, a dead letter an admin can replay). The e-mail
stays the notice of record."""

import json
import socket
import uuid
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from childshield.accounts.models import Agency
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.core.addresses import NonPublicAddress, non_public_address, pinned_transport
from childshield.core.errors import ApplicationError
from childshield.hotline.models import Notice
from childshield.outbox.handlers import DeliveryFailed, Payload
from childshield.outbox.services import outbox_enqueue
from childshield.platforms.models import PlatformHost, WebhookDelivery, WebhookSubscription
from childshield.platforms.signing import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    SIGNATURE_HEADER,
    signature,
    webhook_secret_new,
)

WEBHOOK_DELIVER = "platforms.webhook_deliver"
MAX_WEBHOOKS_PER_PLATFORM = 5


def _check_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    local_allowed = settings.PLATFORMS_WEBHOOK_ALLOW_PRIVATE_ADDRESSES
    if parts.scheme != "https" and not (local_allowed and parts.scheme == "http"):
        raise ApplicationError(_("A webhook address must start with https://."), code="invalid_url")
    if not parts.hostname or parts.username or parts.password:
        raise ApplicationError(
            _("The webhook address has no host, or carries a password."), code="invalid_url"
        )
    if not local_allowed:
        try:
            if non_public_address(parts.hostname):
                raise ApplicationError(
                    _("The webhook address leads to a private network: give a public address."),
                    code="invalid_url",
                )
        except (socket.gaierror, UnicodeError):
            raise ApplicationError(
                _("The webhook's host name does not resolve."), code="invalid_url"
            ) from None
    return url


@transaction.atomic
def webhook_subscribe(*, platform: Agency, url: str) -> tuple[WebhookSubscription, str]:
    """A new address for the platform's notices; its signing secret is returned once."""
    url = _check_url(url)
    live = WebhookSubscription.objects.select_for_update().filter(platform=platform, is_active=True)
    if len(live) >= MAX_WEBHOOKS_PER_PLATFORM:
        raise ApplicationError(
            _("A platform may have at most %(limit)d webhooks: end one first.")
            % {"limit": MAX_WEBHOOKS_PER_PLATFORM},
            code="too_many_webhooks",
        )
    secret = webhook_secret_new()
    subscription = WebhookSubscription.objects.create(platform=platform, url=url, secret=secret)
    audit.record(action=AuditAction.CREATE, agency=platform, obj=subscription, reason="webhook subscribed")
    return subscription, secret


@transaction.atomic
def webhook_end(*, subscription: WebhookSubscription) -> WebhookSubscription:
    """No more deliveries to it; those under way stop at their next attempt."""
    if subscription.is_active:
        subscription.is_active = False
        subscription.ended_at = timezone.now()
        subscription.save(update_fields=["is_active", "ended_at"])
        audit.record(
            action=AuditAction.DELETE, agency=subscription.platform, obj=subscription, reason="webhook ended"
        )
    return subscription


def notice_to_platform(notice: Notice) -> bool:
    """The hotline's platform channel (`hotline.channels`): when the notice's host is a platform with
    webhooks, one delivery per webhook, each an outbox item; True when there was one. A request
    (preservation, file) names its platform; a takedown's is found through its host."""
    platform_id = notice.platform_id
    if platform_id is None:
        provider_id = notice.item.provider_id
        host = PlatformHost.objects.filter(provider_id=provider_id).first() if provider_id else None
        if host is None:
            return False
        platform_id = host.platform_id
    subscriptions = list(WebhookSubscription.objects.filter(platform_id=platform_id, is_active=True))
    with transaction.atomic():
        for subscription in subscriptions:
            delivery, _created = WebhookDelivery.objects.get_or_create(
                subscription=subscription, notice=notice, defaults={"delivery_id": uuid.uuid4()}
            )
            outbox_enqueue(
                kind=WEBHOOK_DELIVER,
                payload={"delivery": delivery.pk},
                idempotency_key=f"webhook-{delivery.pk}",
            )
    return bool(subscriptions)


def notice_payload(delivery: WebhookDelivery) -> dict[str, Any]:
    """What the platform receives: the notice, its purpose (take down, preserve the data for
    `preserve_days`, send the file with `file_hash` or at the address) and the address, as the e-mail
    says it."""
    notice, item = delivery.notice, delivery.notice.item
    return {
        "delivery_id": str(delivery.delivery_id),
        "event": "notice",
        "notice": {
            "id": notice.pk,
            "purpose": notice.purpose,
            "sequence": notice.sequence,
            "renotice": notice.is_takedown and notice.sequence > 1,
            "sent_at": (notice.sent_at or notice.queued_at).isoformat(),
            "preserve_days": notice.preserve_days,
            "file_hash": notice.file_hash,
        },
        "item": {
            "number": item.number,
            "url": item.url,
            "classification": item.classification,
            "category": item.category,
            "first_reported_at": item.first_reported_at.isoformat(),
        },
    }


def webhook_deliver(*, payload: Payload, idempotency_key: str) -> None:
    """The outbox's handler: POST the signed notice; a 2xx delivers it, anything else is tried again
    (the outbox's backoff, then a dead letter). Its reasons name no address and no person."""
    delivery = (
        WebhookDelivery.objects.select_related("subscription", "notice__item")
        .filter(pk=int(payload.get("delivery") or 0))
        .first()
    )
    if delivery is None or delivery.delivered_at is not None:
        return
    subscription = delivery.subscription
    if not subscription.is_active:
        return  # the platform ended the webhook: nothing more goes there
    status_code = signed_post(
        subscription=subscription, delivery_id=str(delivery.delivery_id), payload=notice_payload(delivery)
    )
    delivery.delivered_at = timezone.now()
    delivery.status_code = status_code
    delivery.save(update_fields=["delivered_at", "status_code"])


def signed_post(*, subscription: WebhookSubscription, delivery_id: str, payload: dict[str, Any]) -> int:
    """POST `payload` as signed JSON to the webhook; its 2xx status, or `DeliveryFailed` (tried again
    by the outbox). Its reasons name no address and no person."""
    host = urlsplit(subscription.url).hostname or ""
    transport = None
    if not settings.PLATFORMS_WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
        # Resolved and checked once, and connected to at the address checked: a name that answers
        # otherwise between the two (DNS rebinding) cannot lead the server into its own network.
        try:
            transport = pinned_transport(host)
        except (socket.gaierror, UnicodeError):
            raise DeliveryFailed("the webhook's host name does not resolve") from None
        except NonPublicAddress:
            raise DeliveryFailed("the webhook's host resolves to a private address") from None
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "childshield-webhooks/1",
        DELIVERY_HEADER: delivery_id,
        EVENT_HEADER: "notice",
        SIGNATURE_HEADER: signature(secret=subscription.secret, body=body),
    }
    try:
        with httpx.Client(
            transport=transport,
            timeout=settings.PLATFORMS_WEBHOOK_TIMEOUT_SECONDS,
            follow_redirects=False,
            trust_env=False,
        ) as client:
            response = client.post(subscription.url, content=body, headers=headers)
    except httpx.HTTPError as error:
        raise DeliveryFailed(f"the webhook did not answer ({type(error).__name__})") from None
    if not 200 <= response.status_code < 300:
        raise DeliveryFailed(f"the webhook answered {response.status_code}")
    return response.status_code
