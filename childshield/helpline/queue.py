"""The queue's reads: its order (urgent first, decided in the database before any limit, then the
counsellor's languages), its filters, its pages, the version a poll compares, and the urgent items
read directly for alerts and supervisors."""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OrderBy,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from childshield.accounts.models import Membership
from childshield.accounts.permissions import may, require
from childshield.core.choices import WritingLanguage
from childshield.helpline.models import QueueClaim, ReportTriage, UrgentAlert
from childshield.helpline.permissions import HelplinePerm
from childshield.helpline.triage import Flag, flags_of
from childshield.intake import selectors as intake_selectors
from childshield.intake.models import Channel, Report, ReportMessage, ReportStatus, SafeNow, Sender

# The queue shows this many items a page; every urgent item comes before every routine one, so a
# later page never holds an urgent item while an earlier one shows a routine item.
QUEUE_PAGE_SIZE = 50

# The urgency rank the queue sorts by first (lower first).
URGENT = 0
ROUTINE = 1

# The one rule of urgency, read by the database: the child answered that they are not safe now or
# not sure (intake stores that answer as the report's `is_urgent`), or triage found words of danger
# or self-harm (stored as the report's triage row's `is_urgent`). Python never decides it again: a
# QueueItem carries the rank the database gave it, so the order and the "Urgent" badge cannot
# disagree (tests/helpline/test_queue_order.py checks the rule against what each row shows).
URGENT_RULE = Q(is_urgent=True) | Q(helpline_triage__is_urgent=True)

# The child's answer to "Are you safe right now?" as a counsellor reads it: "not sure" is never shown
# as "not safe" (both are urgent all the same, by URGENT_RULE).
SAFETY_LABELS = {SafeNow.NO.value: _("Not safe now"), SafeNow.NOT_SURE.value: _("Not sure if safe")}


def answered_in(languages: list[str]) -> Q:
    """Reports to be answered in one of `languages`: the one the child chose, else the page's."""
    return Q(reply_language__in=languages) | Q(reply_language="", language__in=languages)


@dataclass(frozen=True)
class QueueFilter:
    """What a counsellor chose to see: one language to answer in, one channel; empty shows all."""

    language: str = ""
    channel: str = ""

    @classmethod
    def of(cls, *, language: str, channel: str) -> "QueueFilter":
        """The filter asked for, without any value that is not a language or channel of ours."""
        return cls(
            language=language if language in WritingLanguage.values else "",
            channel=channel if channel in Channel.values else "",
        )

    @property
    def active(self) -> bool:
        return bool(self.language or self.channel)

    @property
    def query(self) -> str:
        """The filter as the tail of a link's query (`&language=km`), kept across pages."""
        chosen = {"language": self.language, "channel": self.channel}
        return "".join(f"&{urlencode({name: value})}" for name, value in chosen.items() if value)

    def matching(self) -> Q:
        chosen = Q()
        if self.language:
            chosen &= answered_in([self.language])
        if self.channel:
            chosen &= Q(channel=self.channel)
        return chosen


@dataclass(frozen=True)
class QueueItem:
    report: Report
    waiting_since: datetime
    is_reply: bool
    flags: list[Flag]
    claim: QueueClaim | None
    is_urgent: bool
    # False until the report's words have been read by triage: only for a report saved before triage
    # ran at saving, or whose triage failed, until the minute task catches it up.
    triaged: bool = True

    @property
    def waiting(self) -> timedelta:
        return timezone.now() - self.waiting_since

    @property
    def waiting_minutes(self) -> int:
        return max(0, int(self.waiting.total_seconds() // 60))

    @property
    def is_overdue(self) -> bool:
        """Urgent and still unanswered after the alert time."""
        return self.is_urgent and self.waiting >= _alert_after()

    def held_by(self, membership: Membership) -> bool:
        return self.claim is not None and self.claim.holder_id == membership.pk

    @property
    def safety_label(self) -> str:
        label = SAFETY_LABELS.get(self.report.safe_now)
        return str(label) if label else ""


@dataclass(frozen=True)
class QueuePage:
    """One page of the queue, what waits in all, and the token of what the page shows."""

    items: list[QueueItem]
    number: int
    pages: int
    waiting: int
    urgent: int
    # Urgent items the counsellor's filter leaves out: shown, so that a filter never hides them silently.
    urgent_outside_filter: int
    filters: QueueFilter
    # Urgent items past the alert time, on any page: for those alerted to them, else empty.
    overdue: list[QueueItem]
    # Changes whenever anything the page shows changes (but the minutes, which the page counts on).
    version: str
    size: int = QUEUE_PAGE_SIZE

    @property
    def urgent_beyond_one_page(self) -> bool:
        return self.urgent > self.size

    @property
    def previous_number(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next_number(self) -> int | None:
        return self.number + 1 if self.number < self.pages else None


def _alert_after() -> timedelta:
    return timedelta(minutes=settings.HELPLINE_URGENT_ALERT_MINUTES)


def _language_order(*, acting: Membership) -> list[OrderBy]:
    """Where the counsellor's languages sort the queue: after urgency and lane, before waiting time.

    Reports to be answered in a language the person writes (their profile's "My languages") rank
    first; the others follow, never left out. Without languages set, every report ranks the same.
    """
    spoken = list(acting.user.languages or [])
    if not spoken:
        return []
    in_their_language = Case(
        When(answered_in(spoken), then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return [in_their_language.asc()]


def _waiting(*, acting: Membership) -> QuerySet[Report]:
    """Reports waiting for the helpline, in the queue's order, in the database, before any limit.

    New reports, and reports whose reporter wrote last (an answered one waits again when they
    write back), annotated with their urgency rank and since when they wait. Urgent first (in every
    lane: a child who says they are not safe is never sorted below a routine report, whatever the
    anti-abuse screening said), then clear reports before those sent in a burst, then the
    counsellor's languages, then those waiting longest.
    """
    last_from_reporter = Subquery(
        ReportMessage.objects.filter(report=OuterRef("pk"), sender=Sender.REPORTER)
        .order_by("-created_at", "-id")
        .values("created_at")[:1]
    )
    return (
        intake_selectors.reports_waiting(acting=acting)
        .annotate(last_reporter_at=last_from_reporter)
        .filter(Q(status=ReportStatus.NEW) | Q(last_sender=Sender.REPORTER))
        .annotate(
            urgency=Case(
                When(URGENT_RULE, then=Value(URGENT)), default=Value(ROUTINE), output_field=IntegerField()
            ),
            waiting_since=Case(
                When(last_sender=Sender.REPORTER, then=Coalesce("last_reporter_at", "created_at")),
                default=F("created_at"),
                output_field=DateTimeField(),
            ),
        )
        .order_by("urgency", "lane", *_language_order(acting=acting), "waiting_since", "pk")
    )


def _with_rows(reports: QuerySet[Report]) -> QuerySet[Report]:
    """What a row shows, in the same query: the claim and its holder, the stored signals."""
    return (
        reports.select_related("helpline_claim__holder__user", "helpline_triage")
        # The queue shows stored signals: nothing the reporter wrote is decrypted at each poll.
        .defer("description", "urls", "contact", "helpline_triage__words")
    )


def _item(report: Report) -> QueueItem:
    triage: ReportTriage | None = getattr(report, "helpline_triage", None)
    return QueueItem(
        report=report,
        waiting_since=report.waiting_since,  # type: ignore[attr-defined]  # annotated by _waiting
        is_reply=report.last_sender == Sender.REPORTER,  # type: ignore[attr-defined]
        flags=flags_of(triage.signals) if triage else [],
        claim=getattr(report, "helpline_claim", None),
        is_urgent=report.urgency == URGENT,  # type: ignore[attr-defined]
        triaged=triage is not None,
    )


# What of a row the page shows and can change while it waits. The full read and the poll's read make
# the same tuple, one from the row's objects, the other from these columns of the same query.
_ROW_COLUMNS = (
    "pk",
    "helpline_claim__holder_id",
    "helpline_triage__id",
    "helpline_triage__signals",
    "urgency",
    "last_sender",
    "waiting_since",
    "safe_now",
    "language",
    "reply_language",
    "channel",
)


def _row_state(
    pk: int,
    holder_id: int | None,
    triage_id: int | None,
    signals: list[str] | None,
    urgency: int,
    last_sender: str | None,
    waiting_since: datetime,
    safe_now: str,
    language: str,
    reply_language: str,
    channel: str,
    *,
    overdue_before: datetime,
) -> tuple[object, ...]:
    urgent = urgency == URGENT
    return (
        pk,
        holder_id,
        triage_id is not None,
        tuple(signals or ()),
        urgent,
        last_sender == Sender.REPORTER,
        waiting_since.isoformat(),
        urgent and waiting_since <= overdue_before,
        safe_now,
        language,
        reply_language,
        channel,
    )


def _item_state(item: QueueItem, *, overdue_before: datetime) -> tuple[object, ...]:
    triage: ReportTriage | None = getattr(item.report, "helpline_triage", None)
    return _row_state(
        item.report.pk,
        item.claim.holder_id if item.claim else None,
        triage.pk if triage else None,
        triage.signals if triage else None,
        URGENT if item.is_urgent else ROUTINE,
        Sender.REPORTER if item.is_reply else None,
        item.waiting_since,
        item.report.safe_now,
        item.report.language,
        item.report.reply_language,
        item.report.channel,
        overdue_before=overdue_before,
    )


@dataclass(frozen=True)
class _Totals:
    waiting: int
    urgent: int
    urgent_outside_filter: int
    number: int
    pages: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * QUEUE_PAGE_SIZE


def _totals(*, waiting: QuerySet[Report], filters: QueueFilter, page: int) -> _Totals:
    """What waits in the filter and the urgent items outside it, in one read of the whole queue."""
    chosen = filters.matching()
    counts = {
        "waiting": Count("pk", filter=chosen),
        "urgent": Count("pk", filter=chosen & Q(urgency=URGENT)),
    }
    if filters.active:  # an empty filter's negation would not mean "nothing"
        counts["outside"] = Count("pk", filter=~chosen & Q(urgency=URGENT))
    counted = waiting.aggregate(**counts)
    pages = max(1, -(-counted["waiting"] // QUEUE_PAGE_SIZE))
    return _Totals(
        waiting=counted["waiting"],
        urgent=counted["urgent"],
        urgent_outside_filter=counted.get("outside", 0),
        number=min(max(page, 1), pages),
        pages=pages,
    )


def _version(
    *,
    acting: Membership,
    filters: QueueFilter,
    totals: _Totals,
    rows: list[tuple[object, ...]],
    overdue: list[tuple[object, ...]],
) -> str:
    # Whose page it is too: the same rows read as "yours" to their holder only; and what they chose
    # to see (their filter, their languages, which order the rows).
    seen = repr(
        (acting.pk, acting.role, tuple(acting.user.languages or ()), filters, totals, rows, overdue)
    ).encode()
    return hashlib.blake2b(seen, digest_size=12).hexdigest()


def _past_alert_time(now: datetime) -> Q:
    """Urgent and waiting longer than the alert time (filters `_waiting`'s annotations)."""
    return Q(urgency=URGENT, waiting_since__lte=now - _alert_after())


def _overdue(*, acting: Membership, waiting: QuerySet[Report], now: datetime) -> QuerySet[Report]:
    if not may(acting, HelplinePerm.QUEUE_ALERTS):
        return waiting.none()
    return waiting.filter(_past_alert_time(now)).order_by("waiting_since", "pk")


def queue_page(*, acting: Membership, page: int = 1, filters: QueueFilter | None = None) -> QueuePage:
    """One page of the queue (the last one if `page` is past it), in the queue's order (`_waiting`),
    of the items the filter matches; the overdue alert names every overdue item, filter or not."""
    require(acting, HelplinePerm.QUEUE_VIEW)
    filters = filters or QueueFilter()
    now = timezone.now()
    waiting = _waiting(acting=acting)
    totals = _totals(waiting=waiting, filters=filters, page=page)
    shown = waiting.filter(filters.matching())
    items = [_item(report) for report in _with_rows(shown)[totals.offset : totals.offset + QUEUE_PAGE_SIZE]]
    overdue = [_item(report) for report in _with_rows(_overdue(acting=acting, waiting=waiting, now=now))]
    before = now - _alert_after()
    return QueuePage(
        items=items,
        number=totals.number,
        pages=totals.pages,
        waiting=totals.waiting,
        urgent=totals.urgent,
        urgent_outside_filter=totals.urgent_outside_filter,
        filters=filters,
        overdue=overdue,
        version=_version(
            acting=acting,
            filters=filters,
            totals=totals,
            rows=[_item_state(item, overdue_before=before) for item in items],
            overdue=[(item.report.pk, item.claim.holder_id if item.claim else None) for item in overdue],
        ),
    )


def queue_page_version(*, acting: Membership, page: int = 1, filters: QueueFilter | None = None) -> str:
    """The version `queue_page` would give now, read without the rows' objects: what a poll asks
    first, so that a queue where nothing changed costs a few small reads and no page."""
    require(acting, HelplinePerm.QUEUE_VIEW)
    filters = filters or QueueFilter()
    now = timezone.now()
    waiting = _waiting(acting=acting)
    totals = _totals(waiting=waiting, filters=filters, page=page)
    before = now - _alert_after()
    shown = waiting.filter(filters.matching()).values_list(*_ROW_COLUMNS)
    rows = [
        _row_state(*columns, overdue_before=before)
        for columns in shown[totals.offset : totals.offset + QUEUE_PAGE_SIZE]
    ]
    overdue = list(
        _overdue(acting=acting, waiting=waiting, now=now).values_list("pk", "helpline_claim__holder_id")
    )
    return _version(
        acting=acting, filters=filters, totals=totals, rows=rows, overdue=[tuple(row) for row in overdue]
    )


def queue_urgent_items(*, acting: Membership) -> list[QueueItem]:
    """Every urgent item waiting, longest waiting first: read directly, never through a page."""
    require(acting, HelplinePerm.QUEUE_VIEW)
    urgent = _waiting(acting=acting).filter(Q(urgency=URGENT)).order_by("waiting_since", "pk")
    return [_item(report) for report in _with_rows(urgent)]


def urgent_items_to_alert(*, acting: Membership) -> list[QueueItem]:
    """Urgent items waiting longer than the alert time whose wait the acting member's helpline was
    not alerted to yet, longest waiting first (for the minute task; never through a page)."""
    require(acting, HelplinePerm.QUEUE_ALERTS)
    alerted = UrgentAlert.objects.filter(
        agency=acting.agency, report=OuterRef("pk"), waiting_since=OuterRef("waiting_since")
    )
    due = (
        _waiting(acting=acting)
        .filter(_past_alert_time(timezone.now()))
        .exclude(Exists(alerted))
        .order_by("waiting_since", "pk")
    )
    return [_item(report) for report in _with_rows(due)]
