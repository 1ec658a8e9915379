"""What a platform may read back: its own reports and where each address stands."""

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from childshield.accounts.models import Agency
from childshield.hotline.models import ItemStatus, Notice, RecipientKind
from childshield.platforms.models import (
    NoticeResponse,
    PlatformReport,
    PlatformReportItem,
    WebhookSubscription,
)

# What a platform is told of the hotline's item for an address it reported.
_ITEM_STATUS = {
    ItemStatus.NEW: "received",
    ItemStatus.ASSESSED: "in_review",
    ItemStatus.CONFIRMED: "confirmed",
    ItemStatus.NOTICE_SENT: "confirmed",
    ItemStatus.RENOTICED: "confirmed",
    ItemStatus.ESCALATED: "confirmed",
    ItemStatus.REMOVED: "removed",
    ItemStatus.NOT_REMOVED: "not_removed",
    ItemStatus.OUT_OF_SCOPE: "no_action",
}
_FINAL = frozenset({"removed", "not_removed", "no_action"})


def platform_reports(*, platform: Agency) -> QuerySet[PlatformReport]:
    return PlatformReport.objects.filter(platform=platform)


def platform_report_get(*, platform: Agency, pk: int) -> PlatformReport:
    """One of the platform's own reports; another platform's is not found (404), as one that never was."""
    report = platform_reports(platform=platform).select_related("api_key").filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


def platform_report_status(*, report: PlatformReport) -> dict[str, Any]:
    """The report as the platform sees it (`PlatformReportOutput`'s shape)."""
    rows = list(report.items.select_related("item").order_by("position"))
    items = [{"url": row.url, "status": address_state(row)} for row in rows]
    states = {item["status"] for item in items}
    if items and states <= _FINAL:
        status = "done"
    elif states - {"received"}:
        status = "in_review"
    else:
        status = "received"
    return {
        "id": report.pk,
        "number": report.number,
        "external_id": report.external_id,
        "received_at": report.received_at,
        "status": status,
        "items": items,
        "file_hashes": len(report.file_hashes),
        "forwarded_to_helpline": report.intake_report_id is not None,
        "sandbox": report.api_key.is_sandbox,
    }


def webhooks(*, platform: Agency) -> QuerySet[WebhookSubscription]:
    return WebhookSubscription.objects.filter(platform=platform, is_active=True).order_by("pk")


def webhook_get(*, platform: Agency, pk: int) -> WebhookSubscription:
    subscription = webhooks(platform=platform).filter(pk=pk).first()
    if subscription is None:
        raise Http404
    return subscription


def item_status_for_platform(status: str) -> str:
    """The hotline's item status as a platform is told it."""
    return _ITEM_STATUS.get(ItemStatus(status), "in_review")


def address_state(row: PlatformReportItem) -> str:
    """An address of a report as the platform is told it; a sandbox address (no hotline item) stays
    `received`, what a live address answers before an analyst has looked at it."""
    return "received" if row.item is None else item_status_for_platform(row.item.status)


def platform_notices(*, platform: Agency, purpose: str = "") -> QuerySet[Notice]:
    """The notices sent to the platform, once sent (the e-mail of record went): a request names the
    platform; a takedown goes to a hosting provider that is the platform (`PlatformHost`)."""
    notices = (
        Notice.objects.filter(recipient_kind=RecipientKind.PLATFORM, sent_at__isnull=False)
        .filter(
            Q(platform=platform) | Q(platform__isnull=True, item__provider__platform_host__platform=platform)
        )
        .select_related("item")
        .prefetch_related("files")
        .order_by("pk")
    )
    return notices.filter(purpose=purpose) if purpose else notices


def platform_notice_get(*, platform: Agency, pk: int) -> Notice:
    notice = platform_notices(platform=platform).filter(pk=pk).first()
    if notice is None:
        raise Http404
    return notice


def notice_state(*, notice: Notice, platform: Agency) -> dict[str, Any]:
    """A notice as the platform sees it (`NoticeOutput`'s shape), with its answers so far."""
    item = notice.item
    responses = NoticeResponse.objects.filter(notice=notice, platform=platform).order_by("received_at", "pk")
    files = list(notice.files.all())
    return {
        "id": notice.pk,
        "purpose": notice.purpose,
        "sequence": notice.sequence,
        "renotice": notice.is_takedown and notice.sequence > 1,
        "sent_at": notice.sent_at,
        "preserve_days": notice.preserve_days,
        "file_hash": notice.file_hash,
        "answer": {
            "outcome": notice.outcome or None,
            "preserved_until": notice.preserved_until,
            "evidence_id": files[0].pk if files else None,
            "answered_at": notice.outcome_at,
        },
        "item": {
            "number": item.number,
            "url": item.url,
            "classification": item.classification,
            "category": item.category,
            "status": item_status_for_platform(item.status),
        },
        "responses": [
            {"kind": response.kind, "acted_at": response.acted_at, "received_at": response.received_at}
            for response in responses
        ],
    }
