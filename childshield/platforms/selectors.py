"""What a platform may read back: its own reports and where each address stands."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from childshield.accounts.models import Agency
from childshield.hotline.models import ItemStatus
from childshield.platforms.models import PlatformReport, WebhookSubscription

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
    report = platform_reports(platform=platform).filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


def platform_report_status(*, report: PlatformReport) -> dict[str, Any]:
    """The report as the platform sees it (`PlatformReportOutput`'s shape)."""
    rows = list(report.items.select_related("item").order_by("position"))
    items = [
        {
            "url": row.url,
            "status": _ITEM_STATUS.get(ItemStatus(row.item.status), "in_review"),
        }
        for row in rows
    ]
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
    }


def webhooks(*, platform: Agency) -> QuerySet[WebhookSubscription]:
    return WebhookSubscription.objects.filter(platform=platform, is_active=True).order_by("pk")


def webhook_get(*, platform: Agency, pk: int) -> WebhookSubscription:
    subscription = webhooks(platform=platform).filter(pk=pk).first()
    if subscription is None:
        raise Http404
    return subscription
