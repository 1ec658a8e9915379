"""A platform's answers to notices: received, removed, not removed. A removal is checked by the
hotline (a removal check right away, through the outbox) before the item counts as removed."""

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from childshield.accounts.models import Agency
from childshield.audit.models import AuditAction
from childshield.core.errors import ApplicationError
from childshield.hashing.models import ApiKey
from childshield.hotline.custody import custody_record
from childshield.hotline.models import ContentItem, Notice
from childshield.hotline.services.removal import removal_check
from childshield.outbox.handlers import Payload
from childshield.outbox.services import outbox_enqueue
from childshield.platforms.models import NoticeResponse, ResponseKind

REMOVAL_VERIFY = "platforms.removal_verify"
# A platform's clock may run a little ahead of ours.
CLOCK_SKEW = timedelta(minutes=5)


@transaction.atomic
def notice_respond(
    *,
    key: ApiKey,
    platform: Agency,
    notice: Notice,
    kind: ResponseKind | str,
    acted_at: datetime | None = None,
    note: str = "",
) -> tuple[NoticeResponse, bool]:
    """Record the platform's answer; (the answer, whether it is new). The same answer sent again is
    the first one; a removal after "not removed" (or the reverse) is a new answer, both kept. A sandbox
    key answers no real notice (its test notices come by webhook and need no answer)."""
    if key.is_sandbox:
        raise PermissionDenied("a sandbox key answers no real notice")
    now = timezone.now()
    acted_at = acted_at or now
    if acted_at > now + CLOCK_SKEW:
        raise ApplicationError(_("The time the platform acted is in the future."), code="invalid")
    if notice.sent_at is not None and acted_at < notice.sent_at and kind == ResponseKind.ACKNOWLEDGED:
        acted_at = notice.sent_at  # received before it was sent: the clocks differ
    acted_at = min(acted_at, now)
    response, created = NoticeResponse.objects.get_or_create(
        notice=notice,
        platform=platform,
        kind=kind,
        defaults={"api_key": key, "acted_at": acted_at, "received_at": now, "note": note.strip()[:1000]},
    )
    if created:
        item = notice.item
        custody_record(
            None, AuditAction.UPDATE, item, f"platform answered notice {notice.sequence}: {kind}", item.agency
        )
        if kind == ResponseKind.REMOVED:
            outbox_enqueue(
                kind=REMOVAL_VERIFY,
                payload={"item": item.pk},
                idempotency_key=f"removal-verify-{response.pk}",
            )
    return response, created


def removal_verify(*, payload: Payload, idempotency_key: str) -> None:
    """The outbox's handler: check at once whether an address a platform says it removed is gone."""
    item = ContentItem.objects.filter(pk=int(payload.get("item") or 0)).first()
    if item is not None and item.removed_at is None:
        removal_check(item=item)
