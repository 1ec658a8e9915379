"""Reads for the platforms' staff pages, each for who is asking: the platforms onboarded (the hotline's
leads, system administrators), a platform's keys (those, and its own staff), and a platform's
dashboard (its own staff; the regulator, every platform)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, DateTimeField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from childshield.accounts.models import Agency, AgencyKind, Membership
from childshield.accounts.permissions import Scope, require
from childshield.hashing.models import ApiCall, ApiKey, MatchRecord
from childshield.hotline.models import HostingProvider, Notice
from childshield.platforms.models import (
    NoticeResponse,
    PlatformHost,
    PlatformReport,
    PlatformReportItem,
    ResponseKind,
)
from childshield.platforms.permissions import PlatformPerm
from childshield.platforms.selectors import address_state, item_status_for_platform, platform_notices

SHOWN = 50  # notices and reports on the dashboard, newest first


def _last_call(key_path: str) -> Greatest:
    """When a key (`key_path` leads to it from the row) last called: the newest of its recorded calls
    and its matches (a successful match is recorded by its MatchRecords alone); each through an index."""
    call = ApiCall.objects.filter(**{"key__" + key_path: OuterRef("pk")}).order_by("-at").values("at")[:1]
    match = (
        MatchRecord.objects.filter(**{"api_key__" + key_path: OuterRef("pk")})
        .order_by("-at")
        .values("at")[:1]
    )
    last_call = Subquery(call, output_field=DateTimeField())
    last_match = Subquery(match, output_field=DateTimeField())
    # GREATEST is NULL on SQLite when either is: each side falls back to the other.
    return Greatest(Coalesce(last_call, last_match), Coalesce(last_match, last_call))


def onboarded_platforms(*, membership: Membership) -> QuerySet[Agency]:
    """Every platform, with its live keys counted, its last call and the hosting providers it answers for."""
    require(membership, PlatformPerm.ONBOARD)
    live_keys = Q(hashing_api_keys__revoked_at__isnull=True)
    return (
        Agency.objects.filter(kind=AgencyKind.PLATFORM)
        .annotate(live_keys=Count("hashing_api_keys", filter=live_keys), last_call=_last_call("agency"))
        .prefetch_related(
            Prefetch(
                "hosting_providers",
                PlatformHost.objects.select_related("provider").order_by("provider__name"),
            )
        )
        .order_by("name")
    )


def providers_free() -> QuerySet[HostingProvider]:
    """Hosting providers that answer for no platform yet (each answers for one at most)."""
    return HostingProvider.objects.filter(is_active=True, platform_host__isnull=True).order_by("name")


def managed_platform_get(*, membership: Membership, pk: int) -> Agency:
    """A platform whose keys the member manages: any (scope ALL) or their own; else not found."""
    scope = require(membership, PlatformPerm.CREDENTIALS_MANAGE)
    platforms = Agency.objects.filter(kind=AgencyKind.PLATFORM, pk=pk)
    if scope < Scope.ALL:
        platforms = platforms.filter(pk=membership.agency_id)
    platform = platforms.first()
    if platform is None:
        raise Http404
    return platform


def platform_keys(*, platform: Agency) -> QuerySet[ApiKey]:
    """The platform's keys, newest first, with when each was last used."""
    return (
        ApiKey.objects.filter(agency=platform)
        .select_related("replaced_by")
        .annotate(last_used=_last_call("pk"))
        .order_by("-created_at", "-pk")
    )


def managed_key_get(*, membership: Membership, pk: int) -> ApiKey:
    """A key of a platform whose keys the member manages; else not found."""
    key = ApiKey.objects.filter(pk=pk, agency__kind=AgencyKind.PLATFORM).select_related("agency").first()
    if key is None:
        raise Http404
    managed_platform_get(membership=membership, pk=key.agency_id)
    return key


def dashboard_platforms(*, membership: Membership) -> QuerySet[Agency]:
    """The platforms whose dashboard the member sees: their own, or every one (the regulator)."""
    scope = require(membership, PlatformPerm.DASHBOARD_VIEW)
    platforms = Agency.objects.filter(kind=AgencyKind.PLATFORM).order_by("name")
    return platforms if scope == Scope.ALL else platforms.filter(pk=membership.agency_id)


def dashboard_platform_get(*, membership: Membership, pk: int | None) -> Agency | None:
    """The platform asked for, if the member may see it; else the first they may (None: none)."""
    platforms = dashboard_platforms(membership=membership)
    chosen = platforms.filter(pk=pk).first() if pk is not None else None
    return chosen or platforms.first()


# An address's state as the API names it (serializers.ITEM_STATES), in words for the pages; the code
# stays beside it, as the platform's engineers read it in the API's answers.
ADDRESS_STATE_LABELS = {
    "received": _("Waiting for an analyst"),
    "in_review": _("Being assessed"),
    "confirmed": _("Confirmed unlawful"),
    "removed": _("Found removed"),
    "not_removed": _("Closed while still online"),
    "no_action": _("Nothing for the hotline to act on"),
}


def state_label(state: str) -> str:
    return str(ADDRESS_STATE_LABELS.get(state, state))


@dataclass(frozen=True)
class NoticeRow:
    """A notice sent to the platform: a takedown with the removal it reported and the time it took,
    or a preservation or file request with the platform's answer (`notice.outcome`)."""

    notice: Notice
    state: str  # the address's state as the platform is told it
    acknowledged_at: datetime | None
    removal_reported_at: datetime | None

    @property
    def state_label(self) -> str:
        return state_label(self.state)

    @property
    def hours_to_act(self) -> float | None:
        """From a takedown to the platform's report of a removal; a request has no such time."""
        sent = self.notice.sent_at
        if not self.notice.is_takedown or sent is None or self.removal_reported_at is None:
            return None
        return (self.removal_reported_at - sent) / timedelta(hours=1)


def dashboard_notices(*, platform: Agency) -> list[NoticeRow]:
    """The newest notices sent to the platform, each with its answers (two queries in all)."""
    notices = list(platform_notices(platform=platform).order_by("-pk")[:SHOWN])
    answers: dict[tuple[int, str], datetime] = {}
    for notice_id, kind, acted_at in NoticeResponse.objects.filter(
        platform=platform, notice__in=notices
    ).values_list("notice_id", "kind", "acted_at"):
        answers.setdefault((notice_id, kind), acted_at)
    return [
        NoticeRow(
            notice=notice,
            state=item_status_for_platform(notice.item.status),
            acknowledged_at=answers.get((notice.pk, ResponseKind.ACKNOWLEDGED)),
            removal_reported_at=answers.get((notice.pk, ResponseKind.REMOVED)),
        )
        for notice in notices
    ]


@dataclass(frozen=True)
class ReportRow:
    report: PlatformReport
    # (the address as sent, its state as the platform is told it, that state in words)
    addresses: list[tuple[str, str, str]]


def dashboard_reports(*, platform: Agency) -> list[ReportRow]:
    """The newest reports the platform sent, each address with its state (two queries in all)."""
    reports = (
        PlatformReport.objects.filter(platform=platform)
        .select_related("api_key")
        .prefetch_related(Prefetch("items", PlatformReportItem.objects.select_related("item")))
        .order_by("-received_at", "-pk")[:SHOWN]
    )
    return [
        ReportRow(
            report=report,
            addresses=[
                (row.url, state, state_label(state))
                for row in report.items.all()
                for state in [address_state(row)]
            ],
        )
        for report in reports
    ]
