"""Every write of the outbox: enqueueing an item in a change's transaction, delivering it (once a
worker holds it), retrying with backoff, giving up into a dead letter, replaying dead letters, and
purging what was delivered."""

import logging
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.utils import timezone

from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.core.alerts import administrators_alert
from childshield.outbox import handlers, kicks, tasks
from childshield.outbox.backoff import retry_delay
from childshield.outbox.handlers import DeliveryFailed, Payload
from childshield.outbox.mail import EMAIL
from childshield.outbox.models import OutboxItem, OutboxState

logger = logging.getLogger(__name__)


def outbox_enqueue(
    *,
    kind: str,
    payload: Payload,
    idempotency_key: str | None = None,
    deliver_after: datetime | None = None,
) -> OutboxItem:
    """Write a side effect to deliver, in the transaction of the change that causes it.

    It is delivered only if that transaction commits, and then at least once: a worker is asked at
    once (best effort) and the minute sweep delivers whatever that missed. `idempotency_key` names
    the change (never a person: it is stored in clear); the same key enqueued twice is one item.
    """
    if handlers.handler_for(kind) is None:
        raise ValueError(f"No outbox handler is registered for {kind!r}.")
    if not transaction.get_connection().in_atomic_block:
        # Outside a transaction the item could be written without the change, or the change without it.
        raise RuntimeError("outbox_enqueue must be called inside the transaction of the change.")
    key = f"{kind}:{idempotency_key or uuid.uuid4().hex}"
    existing = OutboxItem.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    now = timezone.now()
    due = deliver_after if deliver_after is not None and deliver_after > now else now
    try:
        with transaction.atomic():
            item = OutboxItem.objects.create(
                kind=kind, payload=payload, idempotency_key=key, next_attempt_at=due, created_at=now
            )
    except IntegrityError:
        # The same change enqueued at the same moment by another request: one item.
        return OutboxItem.objects.get(idempotency_key=key)
    if due <= now:
        kicks.kick_on_commit(tasks.outbox_deliver, item.pk)
    return item


def email_enqueue(
    *,
    subject: str,
    body: str,
    to: Sequence[str],
    html_body: str = "",
    idempotency_key: str | None = None,
) -> OutboxItem:
    """An e-mail to send once the change commits; it carries a Message-ID made from the key."""
    return outbox_enqueue(
        kind=EMAIL,
        payload={"subject": str(subject), "body": str(body), "to": list(to), "html_body": str(html_body)},
        idempotency_key=idempotency_key,
    )


def _claimable(now: datetime) -> Q:
    return Q(state=OutboxState.PENDING, next_attempt_at__lte=now) & (
        Q(locked_until__isnull=True) | Q(locked_until__lte=now)
    )


def _claim(item_id: int, now: datetime) -> OutboxItem | None:
    """Take the item for this worker for OUTBOX_LEASE_SECONDS, counting the attempt; None if it is
    not due, or another worker holds it.

    SKIP LOCKED (where the database has it) lets concurrent sweeps pass each other's items without
    waiting; the conditional UPDATE is what makes the claim exclusive on every database.
    """
    claimable = _claimable(now) & Q(pk=item_id)
    lease_end = max(now, timezone.now()) + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    with transaction.atomic():
        item = OutboxItem.objects.select_for_update(skip_locked=True).filter(claimable).first()
        if item is None:
            return None
        taken = OutboxItem.objects.filter(claimable).update(
            attempts=F("attempts") + 1, locked_until=lease_end
        )
    if not taken:
        return None
    item.attempts += 1
    item.locked_until = lease_end
    return item


def outbox_item_deliver(*, item_id: int, now: datetime | None = None) -> bool:
    """Deliver one item if it is due and no other worker holds it; True if it was delivered now."""
    now = now or timezone.now()
    item = _claim(item_id, now)
    if item is None:
        return False
    handler = handlers.handler_for(item.kind)
    try:
        if handler is None:
            raise DeliveryFailed(f"no handler is registered for {item.kind}")
        if item.attempts > settings.OUTBOX_MAX_ATTEMPTS:
            # A worker died holding the item on its last attempt.
            raise DeliveryFailed("the last attempt never finished")
        # The handler's own writes and the item's delivery commit together, or neither does.
        with transaction.atomic():
            handler(payload=item.payload or {}, idempotency_key=item.idempotency_key)
            OutboxItem.objects.filter(pk=item.pk).update(
                state=OutboxState.DELIVERED,
                delivered_at=now,
                payload=None,
                locked_until=None,
                last_error="",
            )
    except Exception as error:  # whatever the handler raised: the item is tried again or given up
        _failed(item, error, now)
        return False
    return True


def _error_text(error: Exception) -> str:
    if isinstance(error, DeliveryFailed):
        return f"DeliveryFailed: {error.reason}"[:300]
    text = type(error).__name__
    code = getattr(error, "smtp_code", None)  # a mail server's answer code says much, and no name
    if isinstance(code, int):
        text += f" (SMTP {code})"
    return text[:300]


def _failed(item: OutboxItem, error: Exception, now: datetime) -> None:
    reason = _error_text(error)
    # Only while this worker still holds the item: past its lease another may have delivered it.
    held = OutboxItem.objects.filter(pk=item.pk, state=OutboxState.PENDING, locked_until=item.locked_until)
    if item.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        if not held.update(state=OutboxState.DEAD, locked_until=None, last_error=reason):
            return
        logger.error(
            "outbox item %s (%s) is dead after %s attempts: %s", item.pk, item.kind, item.attempts, reason
        )
        administrators_alert(
            kind=f"outbox.dead.{item.kind}",
            summary=(
                f"An outbox item ({item.kind}, id {item.pk}) could not be delivered after {item.attempts} "
                f"attempts ({reason}) and is now a dead letter. Fix the cause, then replay it: "
                f"manage.py outbox_replay --id {item.pk} (or --all-dead), or the admin's Outbox page."
            ),
        )
        return
    held.update(next_attempt_at=now + retry_delay(item.attempts), locked_until=None, last_error=reason)
    logger.warning("outbox item %s (%s) failed attempt %s: %s", item.pk, item.kind, item.attempts, reason)


def outbox_sweep(*, now: datetime | None = None) -> int:
    """Deliver the items due (oldest due first, at most OUTBOX_BATCH), then delete delivered items
    older than OUTBOX_KEEP_DELIVERED_DAYS; returns how many were delivered. Run every minute."""
    due_at = now or timezone.now()
    due = list(
        OutboxItem.objects.filter(_claimable(due_at))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[: settings.OUTBOX_BATCH]
    )
    # Each item is claimed just before it is delivered, so a long batch never outlives its leases.
    delivered = sum(1 for item_id in due if outbox_item_deliver(item_id=item_id, now=now))
    kept_since = due_at - timedelta(days=settings.OUTBOX_KEEP_DELIVERED_DAYS)
    OutboxItem.objects.filter(state=OutboxState.DELIVERED, delivered_at__lt=kept_since).delete()
    return delivered


@transaction.atomic
def outbox_items_replay(
    *, item_ids: Sequence[int] | None = None, actor: models.Model | None = None, via: str
) -> list[int]:
    """Put dead letters back to pending with their attempts reset, and deliver them again; audited.

    `item_ids` None replays every dead letter. Items not dead are left alone. Returns the ids replayed.
    """
    dead = OutboxItem.objects.select_for_update().filter(state=OutboxState.DEAD).order_by("pk")
    if item_ids is not None:
        dead = dead.filter(pk__in=list(item_ids))
    now = timezone.now()
    replayed = []
    for item in dead:
        audit.record(
            action=AuditAction.UPDATE,
            actor=actor,
            obj=item,
            reason=(
                f"outbox item ({item.kind}) replayed ({via}) after {item.attempts} attempts: "
                f"{item.last_error}"
            ),
        )
        replayed.append(item.pk)
        kicks.kick_on_commit(tasks.outbox_deliver, item.pk)
    OutboxItem.objects.filter(pk__in=replayed).update(
        state=OutboxState.PENDING, attempts=0, next_attempt_at=now, locked_until=None
    )
    return replayed
