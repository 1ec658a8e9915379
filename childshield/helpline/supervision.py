"""The supervisor's reads of the helpline now: the queue and its waits, who is on shift, today's contacts.

Counts and waiting times only: nothing a child wrote, and no child's name, is read or shown here,
so the page (views/supervision.py) is not an audited reading. Reads the queue through the
helpline's selectors; the few queries of its own take the acting membership like every selector.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from childshield.accounts.models import Membership
from childshield.accounts.permissions import require
from childshield.helpline import queue, selectors
from childshield.helpline.models import Category, Contact, ContactKind, QueueClaim
from childshield.helpline.permissions import HelplinePerm
from childshield.helpline.queue import QueueItem
from childshield.intake import selectors as intake_selectors
from childshield.intake.models import ReportMessage, ReportStatus, Sender


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
    require(acting, HelplinePerm.SUPERVISE)
    now = timezone.now()
    last_from_reporter = Subquery(
        ReportMessage.objects.filter(report=OuterRef("pk"), sender=Sender.REPORTER)
        .order_by("-created_at", "-id")
        .values("created_at")[:1]
    )
    # The queue's rule (queue._waiting): new reports, and reports whose reporter wrote last.
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
    urgent = queue.queue_urgent_items(acting=acting)
    return QueueOverview(
        waiting=len(waits),
        unclaimed=unclaimed,
        longest_minutes=max(waits) if waits else None,
        median_minutes=int(statistics.median(waits)) if waits else None,
        urgent=urgent,
        alert_minutes=settings.HELPLINE_URGENT_ALERT_MINUTES,
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
            hours=settings.HELPLINE_SHIFT_HOURS
        )


def _start_of_today() -> datetime:
    return timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)


def counsellors_on_shift(*, acting: Membership) -> list[CounsellorLoad]:
    """The helpline's counsellors and supervisors who signed in within the shift or hold items; their load."""
    require(acting, HelplinePerm.SUPERVISE)
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
            agency=acting.agency, role__in=selectors.roles_on_queue(), is_active=True, user__is_active=True
        )
        .annotate(
            claims=Coalesce(Subquery(claims, output_field=IntegerField()), zero),
            contacts_today=Coalesce(Subquery(contacts, output_field=IntegerField()), zero),
        )
        .filter(
            Q(user__last_login__gte=timezone.now() - timedelta(hours=settings.HELPLINE_SHIFT_HOURS))
            | Q(claims__gt=0)
        )
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
    require(acting, HelplinePerm.SUPERVISE)
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
