"""Notices that did not arrive: bounces reported by the mail provider or recorded by an analyst."""

import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q

from childshield.accounts.models import Membership
from childshield.audit.models import AuditAction
from childshield.hotline.custody import custody_record
from childshield.hotline.models import Notice, NoticeState
from childshield.hotline.permissions import HotlinePerm, require_for_item

logger = logging.getLogger(__name__)

# What a mail provider reports that means the notice did not reach anyone.
UNDELIVERED_EVENTS = frozenset({"bounced", "rejected", "failed"})


@dataclass(frozen=True)
class DeliveryReport:
    """A mail provider's word about one message (normalised by django-anymail's webhooks)."""

    event_type: str
    provider: str
    message_id: str = ""
    notice_id: str = ""
    recipient: str = ""
    reason: str = ""


def notice_delivery_record(*, report: DeliveryReport) -> Notice | None:
    """A provider says a notice did not arrive: the notice is bounced, as if an analyst had said so.

    Finds the notice by the id it carried (metadata), else by its message id, and only when the
    recipient is the notice's. Reports of other mail (password resets, referrals), of delivery, or
    of a notice already bounced change nothing. Returns the notice it bounced.
    """
    if report.event_type not in UNDELIVERED_EVENTS:
        return None
    found = Q(pk=-1)
    if report.notice_id.isdigit():
        found |= Q(pk=int(report.notice_id))
    if report.message_id:
        found |= Q(message_id=report.message_id[:255])
    with transaction.atomic():
        notice = (
            Notice.objects.select_for_update()
            .select_related("item", "item__agency")
            .filter(found)
            .exclude(state=NoticeState.BOUNCED)
            .first()
        )
        if notice is None or (
            report.recipient and report.recipient.strip().lower() != notice.recipient_email.lower()
        ):
            return None
        detail = f"{report.provider}: {report.event_type}" + (f" ({report.reason})" if report.reason else "")
        notice.state = NoticeState.BOUNCED
        notice.last_error = detail[:300]
        notice.next_attempt_at = None
        notice.save(update_fields=["state", "last_error", "next_attempt_at"])
        custody_record(
            None,
            AuditAction.UPDATE,
            notice.item,
            f"notice {notice.sequence} bounced, reported by {report.provider}",
            notice.item.agency,
        )
    logger.info("hotline notice %s reported %s by %s", notice.pk, report.event_type, report.provider)
    return notice


@transaction.atomic
def notice_mark_bounced(*, acting: Membership, notice: Notice, detail: str = "") -> Notice:
    """The recipient's mail system returned the notice: recorded so the contact can be corrected."""
    require_for_item(acting, notice.item, HotlinePerm.NOTICE_SEND)
    notice.state = NoticeState.BOUNCED
    notice.last_error = detail.strip()[:300] or "bounced"
    notice.next_attempt_at = None
    notice.save(update_fields=["state", "last_error", "next_attempt_at"])
    custody_record(acting, AuditAction.UPDATE, notice.item, f"notice {notice.sequence} bounced")
    return notice
