"""Notices to the host of confirmed content: the first one, retries with backoff, re-notices, escalation.

Functions the scheduler calls take `now`, so tests (and a replay) can move time on; notices sent
without a person acting are audited without an actor.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from childshield.accounts.models import Membership
from childshield.audit.models import AuditAction
from childshield.core.errors import ApplicationError
from childshield.hotline import channels, selectors, tasks
from childshield.hotline.custody import custody_record
from childshield.hotline.deliveries import NOTICE_TO_PLATFORMS
from childshield.hotline.models import (
    OPEN_NOTICE_STATUSES,
    ContentItem,
    HostingTrace,
    ItemStatus,
    Notice,
    NoticePurpose,
    NoticeState,
    PartnerHotline,
    RecipientKind,
)
from childshield.hotline.notice_mail import notice_message, sent_message_id
from childshield.hotline.permissions import HotlinePerm, require_for_item
from childshield.hotline.services.hosting import hosting_trace
from childshield.outbox.kicks import kick_on_commit
from childshield.outbox.services import outbox_enqueue

logger = logging.getLogger(__name__)


# How the chain of custody names each kind of notice (in English, as every custody entry).
CUSTODY_NAMES = {
    NoticePurpose.TAKEDOWN: "notice",
    NoticePurpose.PRESERVATION: "preservation request",
    NoticePurpose.FILE_REQUEST: "file request",
}


@dataclass(frozen=True)
class Recipient:
    kind: RecipientKind
    name: str
    email: str


def _recipient_for(item: ContentItem) -> Recipient | None:
    """Who the item's notice goes to: its platform or hosting provider, when their abuse contact is known."""
    provider = item.provider
    if provider is None or not provider.abuse_email:
        return None
    kind = RecipientKind.PLATFORM if provider.is_platform else RecipientKind.HOSTING_PROVIDER
    return Recipient(kind, provider.name, provider.abuse_email)


def _escalation_recipient_for(item: ContentItem) -> Recipient | None:
    """The partner hotline of the hosting country when it is abroad, else our own police contact."""
    partners = PartnerHotline.objects.filter(is_active=True).order_by("pk")
    if item.hosting_country and item.hosting_country != item.agency.country:
        partner = partners.filter(country=item.hosting_country, kind=RecipientKind.PARTNER_HOTLINE).first()
        if partner is not None:
            return Recipient(RecipientKind.PARTNER_HOTLINE, partner.name, partner.email)
    police = partners.filter(country=item.agency.country, kind=RecipientKind.POLICE).first()
    if police is not None:
        return Recipient(RecipientKind.POLICE, police.name, police.email)
    return None


def _notice_create(
    *,
    item: ContentItem,
    recipient: Recipient,
    acting: Membership | None,
    escalation: bool,
    now: datetime,
    purpose: NoticePurpose = NoticePurpose.TAKEDOWN,
    **request: object,
) -> Notice:
    """A queued notice; `request` holds a platform request's own fields (platform, preserve_days…)."""
    sequence = item.notices.filter(purpose=purpose).count() + 1
    notice = Notice.objects.create(
        item=item,
        purpose=purpose,
        sequence=sequence,
        recipient_kind=recipient.kind,
        recipient_name=recipient.name[:200],
        recipient_email=recipient.email,
        is_escalation=escalation,
        queued_at=now,
        next_attempt_at=now,
        created_by=acting,
        **request,
    )
    what = CUSTODY_NAMES[NoticePurpose(purpose)]
    custody_record(
        acting,
        AuditAction.CREATE,
        item,
        f"{what} {sequence} queued to {recipient.kind} {recipient.name}",
        item.agency,
    )
    return notice


@transaction.atomic
def notice_queue(
    *, acting: Membership, item: ContentItem, escalation: bool = False, now: datetime | None = None
) -> Notice:
    """An analyst sends a notice now (or escalates), e.g. after a contact was added."""
    require_for_item(acting, item, HotlinePerm.NOTICE_SEND)
    # Lock the item only: PostgreSQL cannot lock the nullable side of the provider's outer join.
    item = (
        ContentItem.objects.select_for_update(of=("self",))
        .select_related("agency", "provider")
        .get(pk=item.pk)
    )
    if item.status not in OPEN_NOTICE_STATUSES:
        raise ApplicationError(_("Notices go out only for confirmed items still online."), code="closed")
    recipient = _escalation_recipient_for(item) if escalation else _recipient_for(item)
    if recipient is None:
        raise ApplicationError(
            _("No contact is known for this item's host yet. Add one to the hosting providers or partners."),
            code="no_recipient",
        )
    notice = _notice_create(
        item=item, recipient=recipient, acting=acting, escalation=escalation, now=now or timezone.now()
    )
    # The queued notice is its own outbox (docs/architecture.md): the minute job sends it if this
    # kick is lost.
    kick_on_commit(tasks.notice_send, notice.pk)
    return notice


def notice_send(*, notice_id: int, now: datetime | None = None) -> Notice:
    """Send one notice; on failure keep it failed with the next attempt planned (backoff), never lost."""
    now = now or timezone.now()
    with transaction.atomic():
        notice = Notice.objects.select_for_update().select_related("item", "item__agency").get(pk=notice_id)
        if notice.state in (NoticeState.SENT, NoticeState.BOUNCED):
            return notice
        item = notice.item
        notice.attempts += 1
        message = notice_message(notice)
        try:
            message.send(fail_silently=False)
        except Exception as error:  # any backend's failure: SMTP, socket, API
            # Minutes after each failed attempt before the next; past the last, the notice stays failed.
            backoff = settings.HOTLINE_NOTICE_BACKOFF_MINUTES
            notice.state = NoticeState.FAILED
            notice.last_error = type(error).__name__[:300]
            notice.next_attempt_at = (
                now + timedelta(minutes=backoff[notice.attempts - 1])
                if notice.attempts <= len(backoff)
                else None
            )
            notice.save(update_fields=["state", "attempts", "last_error", "next_attempt_at"])
            logger.warning(
                "hotline notice %s failed (attempt %s): %s", notice.pk, notice.attempts, notice.last_error
            )
            custody_record(
                None,
                AuditAction.UPDATE,
                item,
                f"notice {notice.sequence} failed: {notice.last_error}",
                item.agency,
            )
            return notice
        notice.state = NoticeState.SENT
        notice.sent_at = now
        notice.next_attempt_at = None
        notice.last_error = ""
        notice.message_id = sent_message_id(message)
        notice.save(
            update_fields=["state", "attempts", "last_error", "next_attempt_at", "sent_at", "message_id"]
        )
        if notice.is_takedown:
            _item_noticed(item=item, notice=notice, now=now)
        else:  # a request to a platform: the item's notices to remove and its status stay as they are
            custody_record(
                None,
                AuditAction.UPDATE,
                item,
                f"{CUSTODY_NAMES[NoticePurpose(notice.purpose)]} {notice.sequence} sent to "
                f"{notice.recipient_kind}",
                item.agency,
            )
        if notice.recipient_kind == RecipientKind.PLATFORM:
            outbox_enqueue(
                kind=NOTICE_TO_PLATFORMS,
                payload={"notice_id": notice.pk},
                idempotency_key=f"notice-{notice.pk}",
            )
        return notice


def _item_noticed(*, item: ContentItem, notice: Notice, now: datetime) -> None:
    """A takedown notice went: the item counts it, and is noticed, re-noticed or escalated."""
    item = ContentItem.objects.select_for_update().get(pk=item.pk)
    item.notice_count += 1
    item.first_notice_at = item.first_notice_at or now
    item.last_notice_at = now
    if item.status in OPEN_NOTICE_STATUSES:
        if notice.is_escalation:
            item.status = ItemStatus.ESCALATED
            item.escalated_at = item.escalated_at or now
        elif item.status != ItemStatus.ESCALATED:
            item.status = ItemStatus.NOTICE_SENT if item.notice_count == 1 else ItemStatus.RENOTICED
    item.save(
        update_fields=[
            "notice_count",
            "first_notice_at",
            "last_notice_at",
            "status",
            "escalated_at",
            "updated_at",
        ]
    )
    custody_record(
        None,
        AuditAction.UPDATE,
        item,
        f"notice {notice.sequence} sent to {notice.recipient_kind}",
        item.agency,
    )


def notice_platforms_deliver(*, notice_id: int) -> None:
    """Also hand a platform's notice to its webhook, where the platforms app has one; audited.

    Run by the outbox, at least once: a channel is given the same notice again after a failure, and
    tells a repeat by the notice's id.
    """
    notice = Notice.objects.select_related("item", "item__agency").get(pk=notice_id)
    taken = channels.deliver(notice)
    if taken:
        custody_record(
            None,
            AuditAction.UPDATE,
            notice.item,
            f"notice {notice.sequence} delivered by {', '.join(taken)}",
            notice.item.agency,
        )


def notice_first_send(*, item_id: int, now: datetime | None = None) -> Notice | None:
    """Right after confirmation: trace the host, then send the first notice if a contact is known."""
    now = now or timezone.now()
    item = ContentItem.objects.select_related("agency", "provider").get(pk=item_id)
    if item.status != ItemStatus.CONFIRMED or item.notices.filter(purpose=NoticePurpose.TAKEDOWN).exists():
        return None
    # A trace made since the confirmation (by hand, or an earlier run of this job) is used as it is.
    if not item.traces.filter(traced_at__gte=item.confirmed_at).exists():
        hosting_trace(acting=None, item=item, now=now)
        item.refresh_from_db()
    recipient = _recipient_for(item)
    if recipient is None:
        return None
    with transaction.atomic():
        notice = _notice_create(item=item, recipient=recipient, acting=None, escalation=False, now=now)
    return notice_send(notice_id=notice.pk, now=now)


def notices_first_send_due(*, now: datetime | None = None) -> int:
    """Confirmed items whose first trace and notice never ran (a lost task): run them now."""
    now = now or timezone.now()
    traced_since = HostingTrace.objects.filter(item=OuterRef("pk"), traced_at__gte=OuterRef("confirmed_at"))
    takedowns = Notice.objects.filter(item=OuterRef("pk"), purpose=NoticePurpose.TAKEDOWN)
    items = (
        ContentItem.objects.filter(status=ItemStatus.CONFIRMED, confirmed_at__lte=now - timedelta(minutes=1))
        .exclude(Exists(takedowns))
        .exclude(Exists(traced_since))
    )
    count = 0
    for item_id in list(items.values_list("pk", flat=True)[:200]):
        notice_first_send(item_id=item_id, now=now)
        count += 1
    return count


def notices_retry_due(*, now: datetime | None = None) -> int:
    """Send the queued notices and retry the failed ones whose next attempt is due."""
    now = now or timezone.now()
    due = Notice.objects.filter(
        state__in=[NoticeState.QUEUED, NoticeState.FAILED], next_attempt_at__lte=now
    ).values_list("pk", flat=True)
    count = 0
    for notice_id in list(due[:500]):
        notice_send(notice_id=notice_id, now=now)
        count += 1
    return count


def items_renotice_due(*, now: datetime | None = None) -> int:
    """Notice again items still up after HOTLINE_RENOTICE_AFTER_HOURS; after N notices, escalate."""
    now = now or timezone.now()
    items = ContentItem.objects.filter(
        status__in=[ItemStatus.NOTICE_SENT, ItemStatus.RENOTICED],
        last_notice_at__lte=now - timedelta(hours=settings.HOTLINE_RENOTICE_AFTER_HOURS),
    ).exclude(
        Exists(
            Notice.objects.filter(
                item=OuterRef("pk"),
                purpose=NoticePurpose.TAKEDOWN,
                state__in=[NoticeState.QUEUED, NoticeState.FAILED],
                next_attempt_at__isnull=False,
            )
        )
    )
    # An item whose last notice bounced, with no other address to write to, waits for a person:
    # left out here so that hundreds of them cannot crowd the others out of each run's batch.
    # Compared in lower case on both sides: an iexact against the subquery's column breaks on
    # SQLite once the subquery has parameters of its own (its purpose).
    items = (
        selectors.with_last_notice(items)
        .annotate(provider_email=Lower("provider__abuse_email"), last_email=Lower("last_notice_email"))
        .exclude(
            Q(last_notice_bounced=True)
            & Q(notice_count__lt=settings.HOTLINE_ESCALATE_AFTER_NOTICES)
            & (
                Q(provider__isnull=True)
                | Q(provider__abuse_email="")
                | Q(provider_email=F("last_email"))
            )
        )
        .select_related("agency", "provider")
        .order_by("last_notice_at", "pk")
    )
    made = 0
    for item in list(items[:500]):
        if item_renotice(item=item, now=now) is not None:
            made += 1
    return made


def item_renotice(*, item: ContentItem, now: datetime | None = None) -> Notice | None:
    """Notice one item again, or escalate it once it had HOTLINE_ESCALATE_AFTER_NOTICES notices."""
    now = now or timezone.now()
    escalation = item.notice_count >= settings.HOTLINE_ESCALATE_AFTER_NOTICES
    takedowns = item.notices.filter(purpose=NoticePurpose.TAKEDOWN)
    recipient = _escalation_recipient_for(item) if escalation else _recipient_for(item)
    if recipient is None and not escalation:
        last = takedowns.filter(is_escalation=False).order_by("-sequence").first()
        if last is not None:
            recipient = Recipient(
                RecipientKind(last.recipient_kind), last.recipient_name, last.recipient_email
            )
    if recipient is None or _bounced_last_time(item, recipient.email):
        # Sending again to an address that bounced reaches nobody: the analyst corrects the contact.
        return None
    with transaction.atomic():
        notice = _notice_create(item=item, recipient=recipient, acting=None, escalation=escalation, now=now)
    return notice_send(notice_id=notice.pk, now=now)


def _bounced_last_time(item: ContentItem, email: str) -> bool:
    last = (
        item.notices.filter(purpose=NoticePurpose.TAKEDOWN, recipient_email__iexact=email)
        .order_by("-sequence")
        .first()
    )
    return last is not None and last.state == NoticeState.BOUNCED
