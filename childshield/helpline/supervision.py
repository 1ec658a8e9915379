"""The supervisor's view of the helpline now: the queue and its waits, who is on shift, today's contacts.

Counts and waiting times only: nothing a child wrote, and no child's name, is read or shown here,
so the page is not an audited reading. Reads the queue through the helpline's selectors; the
few queries of its own take the acting membership like every selector.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from childshield.accounts.models import Membership, Role
from childshield.accounts.permissions import may
from childshield.helpline import selectors, services
from childshield.helpline.models import Category, Contact, ContactKind, QueueClaim
from childshield.helpline.permissions import HelplinePerm
from childshield.helpline.selectors import QueueItem
from childshield.intake import selectors as intake_selectors
from childshield.intake.models import ReportMessage, ReportStatus, Sender

HELPLINE_ROLES = (Role.COUNSELLOR, Role.HELPLINE_SUPERVISOR)


def may_supervise(membership: Membership | None) -> bool:
    """Helpline supervisors, acting for a helpline agency, see their own helpline's figures."""
    return may(membership, HelplinePerm.SUPERVISE)


def require_supervise(membership: Membership | None) -> Membership:
    if membership is None or not may_supervise(membership):
        raise PermissionDenied(HelplinePerm.SUPERVISE)
    return membership


def shift_hours() -> int:
    """Someone who signed in within this many hours counts as on shift (HELPLINE_SHIFT_HOURS)."""
    return int(getattr(settings, "HELPLINE_SHIFT_HOURS", 8))


def poll_seconds() -> int:
    return int(getattr(settings, "HELPLINE_SUPERVISOR_POLL_SECONDS", 15))


def _minutes(delta: timedelta) -> int:
    return max(0, int(delta.total_seconds() // 60))


@dataclass(frozen=True)
class QueueOverview:
    waiting: int
    unclaimed: int
    longest_minutes: int | None
    median_minutes: int | None
    urgent: list[QueueItem]
    alert_minutes: int

    @property
    def overdue(self) -> list[QueueItem]:
        return [item for item in self.urgent if item.is_overdue]


def queue_overview(*, acting: Membership) -> QueueOverview:
    """How many items wait and how long (all of them, past the queue page's limit); the urgent ones."""
    require_supervise(acting)
    now = timezone.now()
    last_from_reporter = Subquery(
        ReportMessage.objects.filter(report=OuterRef("pk"), sender=Sender.REPORTER)
        .order_by("-created_at", "-id")
        .values("created_at")[:1]
    )
    # The queue's rule (selectors.queue_items): new reports, and reports whose reporter wrote last.
    rows = (
        intake_selectors.reports_waiting(acting=acting)
        .annotate(last_reporter_at=last_from_reporter)
        .filter(Q(status=ReportStatus.NEW) | Q(last_sender=Sender.REPORTER))
        .values_list("created_at", "last_sender", "last_reporter_at", "helpline_claim__id")
        .order_by()
    )
    waits: list[int] = []
    unclaimed = 0
    for created_at, last_sender, last_reporter_at, claim_id in rows:
        since = (last_reporter_at if last_sender == Sender.REPORTER else None) or created_at
        waits.append(_minutes(now - since))
        unclaimed += claim_id is None
    urgent = [item for item in selectors.queue_items(acting=acting) if item.is_urgent]
    urgent.sort(key=lambda item: item.waiting_since)
    return QueueOverview(
        waiting=len(waits),
        unclaimed=unclaimed,
        longest_minutes=max(waits) if waits else None,
        median_minutes=int(statistics.median(waits)) if waits else None,
        urgent=urgent,
        alert_minutes=selectors.urgent_alert_minutes(),
    )


@dataclass(frozen=True)
class CounsellorLoad:
    membership: Membership
    claims: int
    contacts_today: int
    last_sign_in: datetime | None

    @property
    def signed_in_recently(self) -> bool:
        return self.last_sign_in is not None and timezone.now() - self.last_sign_in <= timedelta(
            hours=shift_hours()
        )


def _start_of_today() -> datetime:
    return timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)


def counsellors_on_shift(*, acting: Membership) -> list[CounsellorLoad]:
    """The helpline's counsellors and supervisors who signed in within the shift or hold items; their load."""
    require_supervise(acting)
    claims = (
        QueueClaim.objects.filter(holder=OuterRef("pk"))
        .exclude(report__status=ReportStatus.CLOSED)
        .values("holder")
        .annotate(n=Count("id"))
        .values("n")
    )
    contacts = (
        Contact.objects.filter(counsellor=OuterRef("pk"), started_at__gte=_start_of_today())
        .values("counsellor")
        .annotate(n=Count("id"))
        .values("n")
    )
    zero = Value(0, output_field=IntegerField())
    members = (
        Membership.objects.filter(
            agency=acting.agency, role__in=HELPLINE_ROLES, is_active=True, user__is_active=True
        )
        .annotate(
            claims=Coalesce(Subquery(claims, output_field=IntegerField()), zero),
            contacts_today=Coalesce(Subquery(contacts, output_field=IntegerField()), zero),
        )
        .filter(Q(user__last_login__gte=timezone.now() - timedelta(hours=shift_hours())) | Q(claims__gt=0))
        .select_related("user")
        .order_by("-claims", "user__full_name", "pk")
    )
    return [
        CounsellorLoad(
            membership=member,
            claims=member.claims,
            contacts_today=member.contacts_today,
            last_sign_in=member.user.last_login,
        )
        for member in members
    ]


@dataclass(frozen=True)
class Tally:
    label: str
    count: int
    code: str = ""


@dataclass(frozen=True)
class ContactsToday:
    total: int
    counselling: int
    by_kind: list[Tally]
    by_category: list[Tally]


def contacts_today(*, acting: Membership) -> ContactsToday:
    """Today's contacts of the whole helpline, by kind (as CHI counts them) and by category."""
    require_supervise(acting)
    today = Contact.objects.filter(agency=acting.agency, started_at__gte=_start_of_today())
    kind_counts = {row["kind"]: row["n"] for row in today.values("kind").annotate(n=Count("id")).order_by()}
    by_kind = [
        Tally(label=str(label), count=kind_counts[kind], code=kind)
        for kind, label in ContactKind.choices
        if kind_counts.get(kind)
    ]
    through = Contact.categories.through
    category_counts = {
        row["category_id"]: row["n"]
        for row in through.objects.filter(contact__in=today)
        .values("category_id")
        .annotate(n=Count("contact_id", distinct=True))
        .order_by()
    }
    categories = Category.objects.filter(pk__in=category_counts).select_related("parent").order_by("position")
    by_category = [
        Tally(
            label=f"{category.parent.name}: {category.name}" if category.parent else category.name,
            count=category_counts[category.pk],
            code=category.code,
        )
        for category in categories
    ]
    by_category.sort(key=lambda tally: -tally.count)
    return ContactsToday(
        total=sum(kind_counts.values()),
        counselling=kind_counts.get(ContactKind.COUNSELLING, 0),
        by_kind=by_kind,
        by_category=by_category,
    )


@login_required
@require_GET
def supervisor(request: HttpRequest) -> HttpResponse:
    """The supervisor's page; HTMX asks for its body alone every few seconds."""
    acting = require_supervise(request.membership)  # type: ignore[attr-defined]
    # Urgent items must show even when no counsellor has the queue open, and triage runs when the
    # queue is looked at; it stores signals only, and nothing it reads reaches this page.
    services.reports_triage(acting=acting)
    context = {
        "queue": queue_overview(acting=acting),
        "counsellors": counsellors_on_shift(acting=acting),
        "contacts": contacts_today(acting=acting),
        "shift_hours": shift_hours(),
        "poll_seconds": poll_seconds(),
        "updated_at": timezone.now(),
    }
    partial = request.headers.get("HX-Request") == "true"
    template = "helpline/supervisor_body.html" if partial else "helpline/supervisor.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
