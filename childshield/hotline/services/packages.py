"""Referral packages: confirmed items signed for police or a partner hotline, with hashes, never images."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from childshield.accounts.models import Agency, AgencyKind, Membership
from childshield.accounts.permissions import require
from childshield.audit.models import AuditAction
from childshield.core.errors import ApplicationError
from childshield.hotline import selectors, signing
from childshield.hotline.custody import custody_record
from childshield.hotline.models import OPEN_NOTICE_STATUSES, ContentItem, ItemStatus, ReferralPackage
from childshield.hotline.permissions import HotlinePerm

PACKAGE_STATUSES = (*OPEN_NOTICE_STATUSES, ItemStatus.REMOVED, ItemStatus.NOT_REMOVED)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _custody(item: ContentItem) -> list[dict[str, str]]:
    return [
        {
            "at": event.occurred_at.isoformat(),
            "action": event.action,
            "by": event.actor_label or "system",
            "agency": event.agency_label,
            "what": event.reason,
        }
        for event in selectors.item_timeline(item=item)
    ]


def _package_item(item: ContentItem) -> dict[str, Any]:
    assessment = item.assessments.filter(confirmed_at__isnull=False).order_by("-confirmed_at").first()
    return {
        "reference": item.number,
        "url": item.url,
        "host": item.host,
        "hosting_country": item.hosting_country,
        "provider": item.provider.name if item.provider else "",
        "status": item.status,
        "classification": item.classification,
        "category": item.category,
        "content_type": assessment.content_type if assessment else "",
        "apparent_age": assessment.apparent_age if assessment else "",
        "interpol_baseline": assessment.interpol_baseline if assessment else None,
        "commercial": assessment.commercial if assessment else None,
        "first_reported_at": _iso(item.first_reported_at),
        "confirmed_at": _iso(item.confirmed_at),
        "first_notice_at": _iso(item.first_notice_at),
        "removed_at": _iso(item.removed_at),
        "hashes": [
            {"md5": e.md5, "sha256": e.sha256, "pdq": e.pdq, "content_type": e.content_type}
            for e in item.evidence.all()
        ],
        "chain_of_custody": _custody(item),
    }


@transaction.atomic
def package_create(
    *,
    acting: Membership,
    items: Iterable[ContentItem],
    recipient: Agency | None = None,
    recipient_label: str = "",
    now: datetime | None = None,
) -> ReferralPackage:
    """A signed referral package of confirmed items: metadata, hashes and custody, never the images.

    Images are never exported this way, whatever the role: the recipient matches its own copies with
    the hashes, and evidence itself moves only through a lawful request outside this system.
    """
    require(acting, HotlinePerm.PACKAGE_EXPORT)
    chosen = [
        item for item in items if item.agency_id == acting.agency_id and item.status in PACKAGE_STATUSES
    ]
    if not chosen:
        raise ApplicationError(_("Choose at least one confirmed item."), code="empty")
    if recipient is not None and recipient.kind not in (AgencyKind.POLICE, AgencyKind.HOTLINE):
        raise ApplicationError(_("Packages go to police or to a hotline."), code="invalid")
    label = (recipient.name if recipient else recipient_label.strip())[:200]
    if not label:
        raise ApplicationError(_("Say who the package is for."), code="invalid")
    now = now or timezone.now()
    payload = {
        "format": "childshield.hotline.referral/1",
        "created_at": now.isoformat(),
        "from": {"agency": acting.agency.name, "country": acting.agency.country},
        "to": label,
        "items": [_package_item(item) for item in chosen],
    }
    document = signing.sign_package(payload)
    package = ReferralPackage.objects.create(
        agency=acting.agency,
        recipient=recipient,
        recipient_label=label,
        item_count=len(chosen),
        document=document,
        created_by=acting,
        created_at=now,
    )
    for item in chosen:
        custody_record(acting, AuditAction.EXPORT, item, f"in referral package {package.pk} to {label}")
    custody_record(acting, AuditAction.CREATE, package, f"{len(chosen)} items to {label}")
    return package
