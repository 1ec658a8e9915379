"""What a source counts that its records do not hold themselves, worked out through another table:
a report's link through the registry of source links (R3) and a library visit's (R3c), the cases open
at an instant through their status history (C2), a closure's reopening (C17), an item's content type
through its confirmed assessment (K4), whether it was removed (K7), and a lookup's match of a child's
own hash (K12).
"""

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Case as Conditional
from django.db.models import CharField, F, IntegerField, Model, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from childshield.cases.models import Case, CaseStatusChange
from childshield.cases.models.cases import CaseStatus
from childshield.hashing.models import BankSource, HashBank
from childshield.hotline.models import ContentAssessment
from childshield.intake.models import SOURCE_LINK_PUBLISHABLE_LEVELS, SourceLink
from childshield.learning.models import SourceVisit

NOT_SAID = ""  # the value of a record that does not say (an empty field)


# R3: a report's `?from=` read through the registry of source links (`intake.SourceLink`).
UNREGISTERED = "unregistered"  # a `?from=` value nobody registered
LINK_NOT_SHOWN = "not_shown"  # a registered link that may not be shown on its own (a school's)


def _link_values(records: QuerySet[Model], value_of: Callable[[SourceLink], str]) -> dict[int, list[str]]:
    """Each report's value for its link: `value_of` its registered link, "not registered", or "not
    said" when it did not come from a link."""
    registered = {(link.country, link.code): link for link in SourceLink.objects.select_related("area")}
    found = {}
    for pk, country, code in records.values_list("pk", "country", "source").iterator(chunk_size=5000):
        link = registered.get((country, code))
        found[pk] = [NOT_SAID if not code else UNREGISTERED if link is None else value_of(link)]
    return found


def report_link_kinds(records: QuerySet[Model]) -> dict[int, list[str]]:
    return _link_values(records, lambda link: link.kind)


def report_links(records: QuerySet[Model]) -> dict[int, list[str]]:
    return _link_values(records, lambda link: link.code if link.may_be_published else LINK_NOT_SHOWN)


def link_choices(country: str) -> tuple[tuple[str, str | Promise], ...]:
    """R3's rows per link: the country's links that may be shown on their own, then the rest."""
    shown = [
        (link.code, link.label)
        for link in SourceLink.objects.filter(country=country, published=True).select_related("area")
        if link.may_be_published
    ]
    return (
        *shown,
        (LINK_NOT_SHOWN, _("Other registered links")),
        (UNREGISTERED, _("Other / not registered")),
        (NOT_SAID, _("Not from a link")),
    )


def library_visits() -> QuerySet[Model]:
    """The library's visits per source link and day (R3c, R3d), each row carrying its link's value for
    R3d as R3b reads it: its code where it may be shown on its own, else "other registered links"."""
    shown = Q(link__published=True) & (
        Q(link__area__isnull=True) | Q(link__area__level__in=SOURCE_LINK_PUBLISHABLE_LEVELS)
    )
    return SourceVisit.objects.annotate(
        link_shown=Conditional(
            When(shown, then=F("link__code")), default=Value(LINK_NOT_SHOWN), output_field=CharField()
        )
    )


def cases_open_at(end: datetime) -> QuerySet[Model]:
    """Cases open at the instant `end`: opened before it, and whose latest status change before it is
    not a closing (a case closed and reopened is open again). Each carries the year `end` falls in,
    for its age band."""
    latest = (
        CaseStatusChange.objects.filter(case=OuterRef("pk"), changed_at__lt=end)
        .order_by("-changed_at", "-pk")
        .values("to_status")[:1]
    )
    year = timezone.localtime(end - timedelta(microseconds=1)).year
    return (
        Case.objects.filter(opened_at__lt=end)
        .annotate(status_then=Subquery(latest))
        .filter(Q(status_then__isnull=True) | ~Q(status_then=CaseStatus.CLOSED))
        .annotate(counted_in_year=Value(year, output_field=IntegerField()))
    )


def reopen_window() -> timedelta:
    return timedelta(days=settings.FIGURES_REOPEN_WINDOW_DAYS)


def closures_reopened(records: QuerySet[Model]) -> dict[int, list[str]]:
    """Whether each closure's case was reopened within the window after it."""
    window = reopen_window()
    reopenings: dict[int, list[datetime]] = {}
    for case, at in CaseStatusChange.objects.filter(
        case__in=records.values("case_id"), from_status=CaseStatus.CLOSED, to_status=CaseStatus.OPEN
    ).values_list("case_id", "changed_at"):
        reopenings.setdefault(case, []).append(at)
    return {
        pk: ["yes" if any(decided < at <= decided + window for at in reopenings.get(case, [])) else "no"]
        for pk, case, decided in records.values_list("pk", "case_id", "decided_at").iterator(chunk_size=5000)
    }


def item_content_types(records: QuerySet[Model]) -> dict[int, list[str]]:
    """Each item's content type, from its latest confirmed assessment (the item does not hold it)."""
    confirmed = dict(
        ContentAssessment.objects.filter(item__in=records.values("pk"), confirmed_at__isnull=False)
        .order_by("item_id", "confirmed_at", "pk")
        .values_list("item_id", "content_type")
    )
    return {pk: [confirmed.get(pk) or NOT_SAID] for pk in records.values_list("pk", flat=True)}


def items_removed(records: QuerySet[Model]) -> dict[int, list[str]]:
    return {
        pk: ["no" if removed_at is None else "yes"]
        for pk, removed_at in records.values_list("pk", "removed_at").iterator(chunk_size=5000)
    }


def lookups_matching_own_hashes(records: QuerySet[Model]) -> dict[int, list[str]]:
    """The channel of each lookup that matched an entry of a self-submitted bank; nothing for others."""
    banks = set(HashBank.objects.filter(source=BankSource.SELF_SUBMITTED).values_list("pk", flat=True))
    return {
        pk: [channel]
        for pk, channel, result in records.filter(matched=True)
        .values_list("pk", "channel", "result")
        .iterator(chunk_size=5000)
        if any(isinstance(match, dict) and match.get("bank") in banks for match in result or [])
    }
