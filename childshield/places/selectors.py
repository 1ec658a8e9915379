"""Reads of places: roll-ups through the area tree and its history, current areas, helplines."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from childshield.accounts.models import Agency, Membership
from childshield.accounts.permissions import require
from childshield.places.models import NAME_LANGUAGES, Area, HelplineNumber, MembershipProvince
from childshield.places.permissions import PlacesPerm
from childshield.places.services.areas import AREA_COLUMNS


def _valid_on(on: date) -> Q:
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=on)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=on)
    )


def area_roll_up(*, area: Area, level: str, on: date | None = None) -> Area | None:
    """The area of `level` that contains `area`; with `on`, the one that held it on that day.

    Without `on` the answer is the area as recorded (a 2024 record in Kim Thủy rolls up to Quảng
    Bình). With `on`, a merged-away area is followed through `replaced_by` to its successor valid
    on that day (Quảng Trị from 2025-07-01). None when no area of that level contains `area`, or
    when the one found had ended on `on` without a successor (Viet Nam's abolished districts).
    """
    target_rank = Area.level_rank(level)
    # Bad data must not hang a report, so every walk remembers where it has been.
    seen: set[int] = set()
    current: Area | None = area
    while current is not None and current.level != level:
        if current.pk in seen or Area.level_rank(current.level) < target_rank:
            return None
        seen.add(current.pk)
        current = current.parent
    if current is None or on is None:
        return current

    seen = set()
    found: Area = current
    while not found.is_valid_on(on):
        ended_before = found.valid_to is not None and found.valid_to < on
        if not ended_before or found.replaced_by is None or found.pk in seen:
            return None
        seen.add(found.pk)
        found = found.replaced_by
    return found


def areas_current(*, country: str, level: str, on: date | None = None) -> QuerySet[Area]:
    """Areas of `country` and `level` that existed on `on` (today by default)."""
    on = on or timezone.localdate()
    return Area.objects.filter(_valid_on(on), country=country, level=level).order_by("code")


def provinces_by_name(*, country: str, language: str) -> QuerySet[Area]:
    """Today's provinces of `country` in the alphabetical order of their names in `language` (a person
    looks for a name), English names for a language without names of its own."""
    language = language.split("-")[0]
    column = f"name_{language}" if language in NAME_LANGUAGES else "name_en"
    return areas_current(country=country, level=Area.Level.PROVINCE).order_by(column, "code")


def area_children(*, area: Area, on: date | None = None) -> QuerySet[Area]:
    """The areas directly under `area`; with `on`, only those that existed on that day."""
    children = Area.objects.filter(parent=area).order_by("code")
    if on is not None:
        children = children.filter(_valid_on(on))
    return children


def area_countries() -> QuerySet[Area]:
    """The country-level areas loaded, one per country that has place data."""
    return Area.objects.filter(level=Area.Level.COUNTRY).order_by("code")


@dataclass
class AreaNode:
    """One area in a tree built for display, with its status on the chosen day."""

    area: Area
    on: date
    children: list[AreaNode] = field(default_factory=list)

    @property
    def is_current(self) -> bool:
        return self.area.is_valid_on(self.on)

    @property
    def has_ended(self) -> bool:
        return self.area.valid_to is not None and self.area.valid_to < self.on

    @property
    def not_yet_valid(self) -> bool:
        return self.area.valid_from is not None and self.area.valid_from > self.on


@dataclass
class LevelCount:
    level: str
    label: str
    current: int
    total: int


@dataclass
class AreaTree:
    """All areas of one country as a tree, and how many of each level existed on the chosen day."""

    root: AreaNode
    counts: list[LevelCount]


def area_trees(*, country: str | None = None, on: date | None = None) -> list[AreaTree]:
    """One tree per country (all countries unless `country` is given), built from one query."""
    on = on or timezone.localdate()
    areas = Area.objects.select_related("replaced_by").order_by("country", "code")
    if country:
        areas = areas.filter(country=country)

    nodes: dict[int, AreaNode] = {}
    for area in areas:
        nodes[area.pk] = AreaNode(area=area, on=on)
    roots: list[AreaNode] = []
    for node in nodes.values():
        parent = nodes.get(node.area.parent_id) if node.area.parent_id is not None else None
        if parent is None:
            roots.append(node)
        else:
            parent.children.append(node)

    trees: list[AreaTree] = []
    for root in roots:
        counts = {
            level: LevelCount(level=level, label=str(label), current=0, total=0)
            for level, label in Area.Level.choices
        }
        for node in _descendants(root):
            counts[node.area.level].total += 1
            counts[node.area.level].current += node.is_current
        trees.append(
            AreaTree(
                root=root, counts=[c for c in counts.values() if c.total and c.level != Area.Level.COUNTRY]
            )
        )
    return trees


def _descendants(root: AreaNode) -> list[AreaNode]:
    # Iterative, so a deep or malformed tree cannot exhaust the recursion limit.
    found: list[AreaNode] = []
    stack = list(root.children)
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(node.children)
    return found


def helplines_for_country(*, country: str) -> QuerySet[HelplineNumber]:
    """The helpline numbers in use to show for `country`, in the order they should appear."""
    return HelplineNumber.objects.filter(country=country, is_active=True).order_by("order", "number")


def area_lineage_ids(*, area: Area, most: int = 50) -> set[int]:
    """The area, the areas merged into it (and into those, before), and the areas it was merged into:
    one place under the names it had before and after each merger. At most `most` areas."""
    found = {area.pk}
    successor = area.replaced_by_id
    while successor is not None and successor not in found and len(found) < most:
        found.add(successor)
        successor = Area.objects.filter(pk=successor).values_list("replaced_by_id", flat=True).first()
    frontier = set(found)
    while frontier and len(found) < most:
        frontier = set(Area.objects.filter(replaced_by_id__in=frontier).values_list("pk", flat=True)) - found
        found |= frontier
    return found


def membership_province(*, membership: Membership) -> Area | None:
    """The province a programme manager's figures are limited to; None: the whole country."""
    limit = MembershipProvince.objects.select_related("province").filter(membership=membership).first()
    return None if limit is None else limit.province


# Setting up a country in the staff pages (system administrators) --------------------------------------


def agency_get_for_setup(*, acting: Membership, pk: int) -> Agency:
    """Any agency, for those who set agencies up (scope ALL); 404 if there is none with this id."""
    require(acting, PlacesPerm.AGENCIES_MANAGE)
    return get_object_or_404(Agency, pk=pk)


def agency_served_areas(*, agency: Agency) -> list[Area]:
    """The areas an agency serves, by code."""
    return list(Area.objects.filter(agencies__agency=agency).order_by("code"))


def agency_area_choices(*, country: str, language: str) -> list[Area]:
    """What an agency of `country` may be given from a list: the whole country, then today's provinces
    and districts by name in `language` (communes and villages are given by code)."""
    whole = list(Area.objects.filter(code=country, level=Area.Level.COUNTRY))
    provinces = list(provinces_by_name(country=country, language=language))
    language = language.split("-")[0]
    column = f"name_{language}" if language in NAME_LANGUAGES else "name_en"
    districts = list(
        areas_current(country=country, level=Area.Level.DISTRICT)
        .select_related("parent")
        .order_by("parent__code", column, "code")
    )
    return whole + provinces + districts


def helpline_numbers_for_setup(*, acting: Membership) -> QuerySet[HelplineNumber]:
    """Every helpline number, in use or not, by country and in each country's order."""
    require(acting, PlacesPerm.HELPLINES_MANAGE)
    return HelplineNumber.objects.order_by("country", "order", "number")


def helpline_number_get_for_setup(*, acting: Membership, pk: int) -> HelplineNumber:
    require(acting, PlacesPerm.HELPLINES_MANAGE)
    return get_object_or_404(HelplineNumber, pk=pk)


def areas_as_csv(*, country: str = "") -> str:
    """Every stored area (of `country`, or all), ended ones included, as a CSV file in the format the
    area loader reads: a template to edit and load again."""
    areas = Area.objects.select_related("parent", "replaced_by").order_by("country", "code")
    if country:
        areas = areas.filter(country=country)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(AREA_COLUMNS)
    for area in areas:
        writer.writerow(
            [
                area.code,
                area.country,
                area.level,
                area.parent.code if area.parent else "",
                area.name_vi,
                area.name_km,
                area.name_en,
                area.valid_from.isoformat() if area.valid_from else "",
                area.valid_to.isoformat() if area.valid_to else "",
                area.replaced_by.code if area.replaced_by else "",
            ]
        )
    return out.getvalue()
