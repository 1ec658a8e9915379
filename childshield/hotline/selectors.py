"""Reads of reported content, each for who is asking: the item list and page, evidence, figures, packages.

Only the hotline agency holding an item sees it; reads of an item's page and of evidence are audited.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypedDict

from django.db.models import BooleanField, Count, ExpressionWrapper, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django_stubs_ext import WithAnnotations

from childshield.accounts.models import Agency, AgencyKind, Membership
from childshield.accounts.permissions import Scope, may, perm_scope, require
from childshield.accounts.related import RelatedLink, related_for
from childshield.audit import services as audit
from childshield.audit.models import AuditAction, AuditEvent
from childshield.hotline.models import (
    OPEN_NOTICE_STATUSES,
    ContentAssessment,
    ContentItem,
    Evidence,
    ItemStatus,
    Notice,
    NoticePurpose,
    NoticeState,
    ReceivedImage,
    ReferralPackage,
)
from childshield.hotline.permissions import HotlinePerm


def _items(membership: Membership | None, perm: HotlinePerm = HotlinePerm.ITEM_VIEW) -> QuerySet[ContentItem]:
    scope = require(membership, perm)
    assert membership is not None
    items = ContentItem.objects.all()
    return items if scope == Scope.ALL else items.filter(agency_id=membership.agency_id)


class LastNotice(TypedDict):
    last_notice_state: str | None
    last_notice_email: str | None
    last_notice_bounced: bool


def with_last_notice(
    items: QuerySet[ContentItem],
) -> QuerySet[WithAnnotations[ContentItem, LastNotice]]:
    """Items with their latest notice's state and recipient, and `last_notice_bounced`: it bounced
    while the item is still followed, so someone must correct the contact."""
    latest = Notice.objects.filter(item=OuterRef("pk"), purpose=NoticePurpose.TAKEDOWN).order_by("-sequence")
    return items.annotate(
        last_notice_state=Subquery(latest.values("state")[:1]),
        last_notice_email=Subquery(latest.values("recipient_email")[:1]),
    ).annotate(
        last_notice_bounced=ExpressionWrapper(
            Q(status__in=OPEN_NOTICE_STATUSES, last_notice_state=NoticeState.BOUNCED),
            output_field=BooleanField(),
        )
    )


def hotline_agency_for(*, country: str) -> Agency | None:
    """The hotline that receives the reported addresses of a country (the first, if there are several)."""
    return (
        Agency.objects.filter(kind=AgencyKind.HOTLINE, country=country.upper(), is_active=True)
        .order_by("pk")
        .first()
    )


def item_list(
    *,
    membership: Membership | None,
    status: str = "",
    classification: str = "",
    category: str = "",
    notice_bounced: bool = False,
    provider: int | None = None,
) -> QuerySet[ContentItem]:
    items = with_last_notice(
        _items(membership).select_related("provider").annotate(source_count=Count("sources"))
    )
    if notice_bounced:
        items = items.filter(last_notice_bounced=True)
    if status:
        items = items.filter(status=status)
    if classification:
        items = items.filter(classification=classification)
    if category:
        items = items.filter(category=category)
    if provider:
        items = items.filter(provider_id=provider)
    return items.order_by("-first_reported_at", "-pk")


def status_counts(*, membership: Membership | None) -> dict[str, int]:
    rows = _items(membership).values("status").annotate(n=Count("pk")).order_by()
    return {row["status"]: row["n"] for row in rows}


def bounced_count(*, membership: Membership | None) -> int:
    """Items whose latest notice bounced: someone must correct the contact."""
    return (
        with_last_notice(_items(membership).filter(status__in=OPEN_NOTICE_STATUSES))
        .filter(last_notice_bounced=True)
        .count()
    )


def item_get(
    *, membership: Membership | None, pk: int, perm: HotlinePerm = HotlinePerm.ITEM_VIEW
) -> ContentItem:
    item = _items(membership, perm).select_related("agency", "provider").filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


@dataclass
class ItemPage:
    item: ContentItem
    sources: list[Any]
    assessments: list[ContentAssessment]
    evidence: list[Evidence]
    traces: list[Any]
    notices: list[Any]
    checks: list[Any]
    timeline: list[AuditEvent]
    pending_assessment: ContentAssessment | None = None
    related: list[RelatedLink] = field(default_factory=list)


def item_page(*, membership: Membership, pk: int) -> ItemPage:
    """Everything on an item's page; opening it is audited."""
    item = item_get(membership=membership, pk=pk)
    assessments = list(item.assessments.select_related("assessor__user", "confirmed_by__user"))
    pending = next((a for a in assessments if not a.is_confirmed), None)
    if pending is not None and item.status != ItemStatus.ASSESSED:
        pending = None
    if pending is not None and assessments and assessments[0].pk != pending.pk:
        pending = None
    page = ItemPage(
        item=item,
        sources=list(item.sources.select_related("report", "added_by__user")),
        assessments=assessments,
        evidence=list(item.evidence.all()) if may(membership, HotlinePerm.EVIDENCE_VIEW) else [],
        traces=list(item.traces.select_related("provider")[:20]),
        notices=list(item.notices.prefetch_related("files")),
        checks=list(item.checks.all()[:20]),
        timeline=item_timeline(item=item),
        pending_assessment=pending,
        related=related_for(item, membership),
    )
    audit.record(action=AuditAction.VIEW, actor=membership.user, agency=membership.agency, obj=item)
    return page


def item_timeline(*, item: ContentItem) -> list[AuditEvent]:
    """The item's chain of custody: every audited action on it, oldest first."""
    return list(
        AuditEvent.objects.filter(object_type=ContentItem._meta.label, object_id=str(item.pk)).order_by(
            "occurred_at", "pk"
        )
    )


def evidence_get(*, membership: Membership, pk: int) -> Evidence:
    """One piece of evidence for an analyst to look at; audited on the item's chain of custody."""
    items = _items(membership, HotlinePerm.EVIDENCE_VIEW)
    evidence = Evidence.objects.filter(item__in=items, pk=pk).select_related("item").first()
    if evidence is None:
        raise Http404
    audit.record(
        action=AuditAction.VIEW,
        actor=membership.user,
        agency=membership.agency,
        obj=evidence.item,
        reason=f"evidence {evidence.pk} viewed",
    )
    return evidence


def items_for_package(*, membership: Membership, ids: Iterable[int]) -> list[ContentItem]:
    return list(
        _items(membership, HotlinePerm.PACKAGE_EXPORT)
        .filter(pk__in=list(ids))
        .select_related("provider", "agency")
        .prefetch_related("evidence")
    )


def package_recipients(*, membership: Membership) -> QuerySet[Agency]:
    require(membership, HotlinePerm.PACKAGE_EXPORT)
    return Agency.objects.filter(is_active=True, kind__in=[AgencyKind.POLICE, AgencyKind.HOTLINE]).exclude(
        pk=membership.agency_id
    )


def package_list(*, membership: Membership | None) -> QuerySet[ReferralPackage]:
    """Packages the member's hotline made (exporters) and packages addressed to the member's agency."""
    require(membership, HotlinePerm.PACKAGE_RECEIVE)
    assert membership is not None
    visible = Q(recipient_id=membership.agency_id)
    if may(membership, HotlinePerm.PACKAGE_EXPORT):
        visible |= Q(agency_id=membership.agency_id)
    return (
        ReferralPackage.objects.filter(visible)
        .select_related("agency", "recipient", "created_by__user")
        .defer("document")
        .order_by("-created_at", "-pk")
    )


def package_get(*, membership: Membership, pk: int) -> ReferralPackage:
    """A package to download; audited as an export by the reader."""
    package = package_list(membership=membership).defer(None).filter(pk=pk).first()
    if package is None:
        raise Http404
    audit.record(
        action=AuditAction.EXPORT,
        actor=membership.user,
        agency=membership.agency,
        obj=package,
        reason="download",
    )
    return package


# Figures -------------------------------------------------------------------------------------


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile: the smallest value with at least `fraction` of the values at or below it."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


@dataclass
class RemovalFigure:
    label: str
    removed: int = 0
    hours_from_notice: list[float] = field(default_factory=list)
    hours_from_report: list[float] = field(default_factory=list)

    @staticmethod
    def _median(values: list[float]) -> float | None:
        return statistics.median(values) if values else None

    @staticmethod
    def _p90(values: list[float]) -> float | None:
        return percentile(values, 0.9) if values else None

    @property
    def median_from_notice(self) -> float | None:
        return self._median(self.hours_from_notice)

    @property
    def p90_from_notice(self) -> float | None:
        return self._p90(self.hours_from_notice)

    @property
    def median_from_report(self) -> float | None:
        return self._median(self.hours_from_report)

    @property
    def p90_from_report(self) -> float | None:
        return self._p90(self.hours_from_report)


@dataclass
class RemovalFigures:
    overall: RemovalFigure
    by_provider: list[RemovalFigure]
    by_country: list[RemovalFigure]
    by_month: list[RemovalFigure]


def _hours(delta: timedelta) -> float:
    return delta.total_seconds() / 3600


def removal_figures(*, membership: Membership | None, since: datetime | None = None) -> RemovalFigures:
    """Time to removal of the hotline's removed items, in hours.

    From notice: removal time minus the first notice sent; from report: minus the first report.
    Median, and the 90th percentile by nearest rank. Grouped by provider, hosting country and the
    month of removal (UTC). Items removed before any notice count only "from report".
    """
    scope = require(membership, HotlinePerm.FIGURES_VIEW)
    assert membership is not None
    items = ContentItem.objects.filter(status=ItemStatus.REMOVED, removed_at__isnull=False)
    if scope < Scope.ALL:
        items = items.filter(agency_id=membership.agency_id)
    if since is not None:
        items = items.filter(removed_at__gte=since)
    overall = RemovalFigure(label="")
    groups: dict[str, dict[str, RemovalFigure]] = {"provider": {}, "country": {}, "month": {}}
    rows = items.values_list(
        "removed_at", "first_notice_at", "first_reported_at", "provider__name", "hosting_country"
    )
    for removed_at, first_notice_at, first_reported_at, provider, country in rows.iterator():
        assert removed_at is not None  # filtered above
        keys = {
            "provider": provider or "—",
            "country": country or "—",
            "month": removed_at.strftime("%Y-%m"),
        }
        figures = [overall] + [
            groups[group].setdefault(key, RemovalFigure(label=key)) for group, key in keys.items()
        ]
        for figure in figures:
            figure.removed += 1
            figure.hours_from_report.append(_hours(removed_at - first_reported_at))
            if first_notice_at is not None:
                figure.hours_from_notice.append(_hours(removed_at - first_notice_at))
    audit.record(
        action=AuditAction.VIEW,
        actor=membership.user,
        agency=membership.agency,
        object_type="hotline.RemovalFigures",
        reason="time to removal figures",
    )

    def ordered(group: str) -> list[RemovalFigure]:
        return [groups[group][key] for key in sorted(groups[group])]

    return RemovalFigures(
        overall=overall,
        by_provider=ordered("provider"),
        by_country=ordered("country"),
        by_month=ordered("month"),
    )


def items_from_report(*, membership: Membership | None, report_id: int) -> list[tuple[ContentItem, bool]]:
    """The hotline items that came from one report, each with whether the member may open it.

    Called by the pages of a report or a case, which show it only to people allowed to read that
    record: they learn each item's number and status (was the content taken down?), nothing more.
    Hotline analysts also get the link to their own hotline's items.
    """
    if membership is None or not membership.is_active:
        return []
    openable = perm_scope(membership, HotlinePerm.ITEM_VIEW) is not None
    items = ContentItem.objects.filter(sources__report_id=report_id).distinct().order_by("pk")
    return [(item, openable and item.agency_id == membership.agency_id) for item in items]


def received_images_for_review(*, membership: Membership) -> list[ReceivedImage]:
    """Pictures passed from chats to the member's hotline: those to assess first, then the latest."""
    require(membership, HotlinePerm.EVIDENCE_VIEW)
    images = ReceivedImage.objects.filter(agency_id=membership.agency_id).select_related(
        "report", "assessed_by__user"
    )
    waiting = list(images.filter(assessed_at__isnull=True).order_by("passed_at", "pk")[:100])
    done = list(images.filter(assessed_at__isnull=False).order_by("-assessed_at", "-pk")[:50])
    return waiting + done


def received_image_get(*, membership: Membership, pk: int, opened: bool = False) -> ReceivedImage:
    """A picture passed to the member's hotline; 404 for any other. Opening the picture is audited."""
    require(membership, HotlinePerm.EVIDENCE_VIEW)
    image = ReceivedImage.objects.filter(pk=pk, agency_id=membership.agency_id).first()
    if image is None:
        raise Http404
    if opened:
        audit.record(
            action=AuditAction.VIEW,
            actor=membership.user,
            agency=membership.agency,
            obj=image,
            reason=f"picture from a chat {image.pk} viewed",
        )
    return image
