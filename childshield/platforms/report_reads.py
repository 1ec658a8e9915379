"""The hotline's reads of platforms' reports: the list, one report in full (the uploader, location and
description decrypted, audited as a read of sensitive data) and the reports that named an item, for
the item's page. Each takes the acting member, who reads the reports of their own hotline (scope
AGENCY, as the hotline's items are scoped); a sandbox report belongs to no hotline."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Model, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from childshield.accounts.models import Agency, AgencyKind, Membership
from childshield.accounts.permissions import Scope, may, perm_scope, require
from childshield.accounts.related import RelatedLink
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.hotline.models import ContentItem
from childshield.hotline.permissions import HotlinePerm
from childshield.platforms.models import PlatformReport, PlatformReportItem
from childshield.platforms.permissions import PlatformPerm

PAGE_SIZE = 50

# The uploader's and the location's fields, as the API takes them (serializers.UploaderInput,
# LocationInput), in the order the page shows them.
UPLOADER_FIELDS: tuple[tuple[str, Promise], ...] = (
    ("display_name", gettext_lazy("Display name")),
    ("username", gettext_lazy("Username")),
    ("account_id", gettext_lazy("Account id")),
    ("email", gettext_lazy("E-mail")),
    ("phone", gettext_lazy("Phone")),
    ("ip_address", gettext_lazy("IP address")),
    ("profile_url", gettext_lazy("Profile address")),
)
LOCATION_FIELDS: tuple[tuple[str, Promise], ...] = (
    ("country", gettext_lazy("Country")),
    ("region", gettext_lazy("Region")),
    ("city", gettext_lazy("City")),
    ("note", gettext_lazy("Note")),
)


def _reports(membership: Membership | None) -> QuerySet[PlatformReport]:
    scope = require(membership, PlatformPerm.REPORT_VIEW)
    assert membership is not None
    reports = PlatformReport.objects.filter(hotline__isnull=False)
    return reports if scope == Scope.ALL else reports.filter(hotline_id=membership.agency_id)


def reporting_platforms() -> QuerySet[Agency]:
    """The platforms to filter the list by: every platform onboarded, by name."""
    return Agency.objects.filter(kind=AgencyKind.PLATFORM).order_by("name")


@dataclass(frozen=True)
class ReportRow:
    report: PlatformReport
    addresses: int


def report_list_page(
    *, membership: Membership, platform: Agency | None, page_number: str | int | None
) -> tuple[Page[Any], list[ReportRow]]:
    """One page of the hotline's platform reports, newest first (of one platform, if given), each with
    its number of addresses (one query for the page); the listing is audited."""
    reports = _reports(membership).select_related("platform").order_by("-received_at", "-pk")
    if platform is not None:
        reports = reports.filter(platform=platform)
    page = Paginator(reports, PAGE_SIZE).get_page(page_number)
    shown = list(page.object_list)
    counts = dict(
        PlatformReportItem.objects.filter(report__in=shown)
        .values("report")
        .annotate(count=Count("pk"))
        .values_list("report", "count")
    )
    audit.record(
        action=AuditAction.VIEW,
        actor=membership.user,
        agency=membership.agency,
        object_type=PlatformReport._meta.label,
        reason=f"platform reports listed (page {page.number}"
        + (f", platform {platform.pk})" if platform is not None else ")"),
    )
    return page, [ReportRow(report=report, addresses=counts.get(report.pk, 0)) for report in shown]


@dataclass(frozen=True)
class ReportAddress:
    position: int
    url: str
    item: ContentItem | None  # the hotline item it was filed as, when the member may open it


@dataclass(frozen=True)
class ReportPage:
    report: PlatformReport
    addresses: list[ReportAddress]
    uploader: list[tuple[Promise, str]]
    location: list[tuple[Promise, str]]


def _items_visible(membership: Membership, rows: Iterable[PlatformReportItem]) -> set[int]:
    scope = perm_scope(membership, HotlinePerm.ITEM_VIEW)
    if scope is None:
        return set()
    return {
        row.item.pk
        for row in rows
        if row.item is not None and (scope == Scope.ALL or row.item.agency_id == membership.agency_id)
    }


def _filled(values: dict[str, str], fields: tuple[tuple[str, Promise], ...]) -> list[tuple[Promise, str]]:
    return [(label, values[name]) for name, label in fields if values.get(name)]


def report_page(*, membership: Membership, pk: int) -> ReportPage:
    """A report in full for the hotline that holds it (another's, a sandbox's: 404); reading it, the
    uploader's account and the location decrypted, is audited."""
    report = _reports(membership).select_related("platform", "api_key", "intake_report").filter(pk=pk).first()
    if report is None:
        raise Http404
    rows = list(report.items.select_related("item").order_by("position"))
    visible = _items_visible(membership, rows)
    audit.record(
        action=AuditAction.VIEW,
        actor=membership.user,
        agency=membership.agency,
        obj=report,
        reason="platform report read (uploader, location, description)",
    )
    return ReportPage(
        report=report,
        addresses=[
            ReportAddress(row.position, row.url, row.item if row.item_id in visible else None) for row in rows
        ],
        uploader=_filled(report.uploader, UPLOADER_FIELDS),
        location=_filled(report.location, LOCATION_FIELDS),
    )


def reports_of_item(item: Model, acting: Membership | None) -> list[RelatedLink]:
    """The platform reports that named a hotline item, for its page (`accounts.related`): each a link
    to the report, for those who may read it."""
    if not may(acting, PlatformPerm.REPORT_VIEW):
        return []
    reports = (
        _reports(acting)
        .filter(items__item_id=item.pk)
        .select_related("platform")
        .distinct()
        .order_by("-received_at", "-pk")
    )
    return [
        RelatedLink(
            kind=_("Platform report"),
            label=_("Reported by %(platform)s on %(day)s — see the report")
            % {
                "platform": report.platform.name,
                "day": date_format(timezone.localtime(report.received_at), "j M Y"),
            },
            url=reverse("platforms:report_detail", args=[report.pk]),
            status=report.number,
        )
        for report in reports
    ]
