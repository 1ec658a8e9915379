"""Removal: checking whether followed addresses still answer, and closing items whose content stays up."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from childshield.accounts.models import Membership
from childshield.audit.models import AuditAction
from childshield.core.errors import ApplicationError
from childshield.hotline import probe
from childshield.hotline.custody import custody_record
from childshield.hotline.models import (
    OPEN_NOTICE_STATUSES,
    CheckState,
    ContentItem,
    ItemStatus,
    NoticePurpose,
    NoticeState,
    RemovalCheck,
)
from childshield.hotline.permissions import HotlinePerm, require_for_item


@transaction.atomic
def removal_check(
    *,
    item: ContentItem,
    now: datetime | None = None,
    acting: Membership | None = None,
    result: probe.ProbeResult | None = None,
) -> RemovalCheck:
    """Ask whether the address still answers (status only); when gone, the item is removed.

    `result` records a check made elsewhere (a partner's crawler, or the demo's) instead of probing now.
    """
    if acting is not None:
        require_for_item(acting, item, HotlinePerm.TRACE)
    if result is None:
        result = probe.check_url(item.url, timeout=settings.HOTLINE_CHECK_TIMEOUT_SECONDS)
    at = now or result.checked_at or timezone.now()
    state = result.state if result.state in CheckState.values else CheckState.ERROR
    check = RemovalCheck.objects.create(
        item=item,
        state=state,
        status_code=result.status_code,
        redirect_to=result.redirect_to or "",
        detail=(result.detail or "")[:300],
        checked_at=at,
    )
    item = ContentItem.objects.select_for_update().get(pk=item.pk)
    item.last_checked_at = at
    fields = ["last_checked_at", "updated_at"]
    if state == CheckState.REMOVED and item.status in OPEN_NOTICE_STATUSES:
        item.status = ItemStatus.REMOVED
        item.removed_at = at
        item.closed_at = at
        fields += ["status", "removed_at", "closed_at"]
        # Notices to remove still waiting to be retried are no longer needed (a request to preserve
        # the data or send the file still is).
        item.notices.filter(
            purpose=NoticePurpose.TAKEDOWN, state__in=[NoticeState.QUEUED, NoticeState.FAILED]
        ).update(next_attempt_at=None)
    item.save(update_fields=fields)
    custody_record(acting, AuditAction.UPDATE, item, f"removal check: {state}", item.agency)
    return check


def removal_checks_due(*, now: datetime | None = None, limit: int = 200) -> int:
    """Check every followed item not checked within HOTLINE_CHECK_EVERY_MINUTES."""
    now = now or timezone.now()
    checked_before = now - timedelta(minutes=settings.HOTLINE_CHECK_EVERY_MINUTES)
    items = (
        ContentItem.objects.filter(status__in=OPEN_NOTICE_STATUSES, confirmed_at__isnull=False)
        .filter(Q(last_checked_at__isnull=True) | Q(last_checked_at__lte=checked_before))
        .order_by("last_checked_at", "pk")
    )
    count = 0
    for item in list(items[:limit]):
        removal_check(item=item, now=now)
        count += 1
    return count


@transaction.atomic
def item_close_not_removed(
    *, acting: Membership, item: ContentItem, reason: str, now: datetime | None = None
) -> ContentItem:
    require_for_item(acting, item, HotlinePerm.ITEM_CLOSE)
    item = ContentItem.objects.select_for_update().get(pk=item.pk)
    if item.status not in OPEN_NOTICE_STATUSES:
        raise ApplicationError(_("Only items still being followed up can be closed."), code="closed")
    if not reason.strip():
        raise ApplicationError(_("Say why the item is closed."), code="reason_required")
    item.status = ItemStatus.NOT_REMOVED
    item.closed_at = now or timezone.now()
    item.save(update_fields=["status", "closed_at", "updated_at"])
    custody_record(acting, AuditAction.UPDATE, item, f"closed as not removed: {reason.strip()}")
    return item
