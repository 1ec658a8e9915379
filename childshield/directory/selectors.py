"""Reads of the services directory: the search counsellors and case workers use, one service, form choices.

Other apps (helpline, cases) find services through `resource_search`; nothing else reaches the
tables, so a change in how services are stored stays here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import F, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from childshield.accounts.models import Agency, Membership
from childshield.accounts.permissions import require
from childshield.core.blind_index import normalise
from childshield.directory.models import OpeningHours, Resource
from childshield.directory.permissions import DirectoryPerm, keeps_whole_directory
from childshield.places.models import Area

# Deep enough for country > province > district > commune > village, with merges on top.
_MAX_WALK = 12


def _with_details(resources: QuerySet[Resource]) -> QuerySet[Resource]:
    return resources.select_related("agency").prefetch_related(
        "kinds",
        "languages",
        Prefetch("hours", queryset=OpeningHours.objects.order_by("weekday", "opens")),
        Prefetch("areas", queryset=Area.objects.select_related("parent").order_by("code")),
    )


def areas_around(*, area: Area) -> set[int]:
    """The ids of `area`, the areas it sits in and the areas inside it, through the places' history.

    A service for a province serves every commune in it, and a search for a province finds the
    services of its communes. Merges count both ways: a commune of Quảng Bình (merged into Quảng
    Trị in 2025) is served by Quảng Trị's services, and a search for Quảng Trị finds Quảng Bình's.
    """
    found: set[int] = {area.pk}

    # Upwards: parents, and the areas each one was merged into. One query per step.
    frontier: set[int] = {area.pk}
    for _step in range(_MAX_WALK):
        rows = Area.objects.filter(pk__in=frontier).values_list("parent_id", "replaced_by_id")
        frontier = {pk for row in rows for pk in row if pk is not None} - found
        if not frontier:
            break
        found |= frontier

    # Downwards: children, and the areas merged into each one (whose own children still point at
    # them). Services never name a village (the form does not offer them), so the walk stops above.
    below: set[int] = {area.pk}
    frontier = {area.pk}
    for _step in range(_MAX_WALK):
        inside = Area.objects.filter(Q(parent_id__in=frontier) | Q(replaced_by_id__in=frontier)).exclude(
            level=Area.Level.VILLAGE
        )
        frontier = set(inside.values_list("pk", flat=True)) - below
        if not frontier:
            break
        below |= frontier
    return found | below


def _open_at(moment: datetime) -> Q:
    """Services open at `moment` (server time zone), overnight ranges included, as one condition."""
    local = timezone.localtime(moment)
    day, now, yesterday = local.weekday(), local.time(), (local.weekday() - 1) % 7
    same_day = Q(hours__weekday=day, hours__opens__lte=now) & (
        (Q(hours__closes__gt=now) & Q(hours__closes__gt=F("hours__opens")))
        | Q(hours__closes__lte=F("hours__opens"))
    )
    from_yesterday = Q(hours__weekday=yesterday, hours__closes__gt=now, hours__closes__lte=F("hours__opens"))
    return Q(always_open=True) | same_day | from_yesterday


def resource_search(
    *,
    acting: Membership | None,
    text: str = "",
    kinds: Iterable[str] = (),
    area: Area | None = None,
    language: str = "",
    open_at: datetime | None = None,
    country: str | None = None,
    self_referral_only: bool = False,
    include_inactive: bool = False,
) -> QuerySet[Resource]:
    """Services matching every filter given, by name; `kinds` matches a service offering any of them.

    `text` matches names, address and notes word by word, with or without Vietnamese diacritics.
    `area` matches services for that area, the areas above it and the areas inside it.
    `open_at` keeps those open at that moment. The result carries its kinds, languages, hours and
    areas, so listing it costs a fixed number of queries.
    """
    require(acting, DirectoryPerm.VIEW)
    resources = Resource.objects.all()
    if not include_inactive:
        resources = resources.filter(is_active=True)
    if country:
        resources = resources.filter(country=country)
    for word in normalise(text).split():
        resources = resources.filter(search_text__contains=word)
    chosen_kinds = [kind for kind in kinds if kind]
    if chosen_kinds:
        resources = resources.filter(
            pk__in=Resource.objects.filter(kinds__kind__in=chosen_kinds).values("pk")
        )
    if area is not None and area.level == Area.Level.COUNTRY:
        # Every service of a country serves somewhere in it: no need to walk the whole tree.
        resources = resources.filter(country=area.country)
    elif area is not None:
        resources = resources.filter(
            pk__in=Resource.objects.filter(areas__in=areas_around(area=area)).values("pk")
        )
    if language:
        resources = resources.filter(
            pk__in=Resource.objects.filter(languages__language=language).values("pk")
        )
    if open_at is not None:
        resources = resources.filter(pk__in=Resource.objects.filter(_open_at(open_at)).values("pk"))
    if self_referral_only:
        resources = resources.filter(accepts_self_referral=True)
    return _with_details(resources).order_by("name_en", "name_vi", "name_km", "pk")


def resource_get(*, acting: Membership | None, pk: int) -> Resource:
    require(acting, DirectoryPerm.VIEW)
    resource = _with_details(Resource.objects.filter(pk=pk)).first()
    if resource is None:
        raise Http404
    return resource


def areas_for_directory(*, country: str) -> QuerySet[Area]:
    """Areas a service can serve or be searched by: the country, and its current areas above villages."""
    return (
        Area.objects.filter(country=country, valid_to__isnull=True)
        .exclude(level=Area.Level.VILLAGE)
        .select_related("parent")
        .order_by("code")
    )


def agencies_for_directory(*, acting: Membership) -> QuerySet[Agency]:
    """Agencies a service can be linked to: one's own for an agency administrator, else the country's."""
    agencies = Agency.objects.filter(is_active=True, country=acting.agency.country).order_by("name")
    if keeps_whole_directory(acting):
        return agencies
    return agencies.filter(pk=acting.agency_id)
