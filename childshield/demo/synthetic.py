"""The common ground of the demo's synthetic figures: when a record was made, in which province, and
the made-up agencies and people (who cannot sign in) that hold the records."""

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TypeVar

from childshield.accounts.models import Agency, Membership, User
from childshield.places.models import Area
from childshield.places.services.agency_areas import agency_areas_add

DAYS = 730  # the 24 months before today
BATCH = 500
FIGURES_PEOPLE_DOMAIN = "figures.demo.childshield.test"
# Large cities and the pilot provinces (Quảng Trị, Quảng Ngãi) hear from more children.
BUSY_PROVINCES = {"VN01": 3, "VN79": 3, "VN31": 2, "VN48": 2, "VN92": 2, "VN45": 3, "VN51": 3}


Value = TypeVar("Value", bound=str)


def pick(rng: random.Random, weights: Mapping[Value, float]) -> Value:
    """One of the values, as often as its weight says."""
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def moment(rng: random.Random, now: datetime, *, days: int = DAYS) -> datetime:
    """A time in the `days` before `now`, a little more often recent (the programme grows)."""
    return now - timedelta(seconds=int(days * 86400 * rng.random() ** 1.15) + 600)


@dataclass
class Provinces:
    """Today's provinces, each with those merged into it in 2025: a record made before the merger
    names one of the old provinces (it counts in today's, through the areas' history)."""

    current: list[Area]
    lineage: dict[int, list[Area]]
    communes: dict[int, list[Area]] = field(default_factory=dict)
    weights: list[float] = field(default_factory=list)

    @classmethod
    def of(cls, country: str, today: date) -> "Provinces":
        provinces = list(Area.objects.filter(country=country, level=Area.Level.PROVINCE).order_by("code"))
        current = [area for area in provinces if area.is_valid_on(today)]
        lineage: dict[int, list[Area]] = {area.pk: [area] for area in current}
        for area in provinces:
            successor = area.replaced_by if not area.is_valid_on(today) else None
            while successor is not None and successor.pk not in lineage:
                successor = successor.replaced_by
            if successor is not None:
                lineage[successor.pk].append(area)
        communes: dict[int, list[Area]] = {}
        for commune in Area.objects.filter(country=country, level=Area.Level.COMMUNE, valid_to__isnull=True):
            holder = commune.parent
            while holder is not None and holder.level != Area.Level.PROVINCE:
                holder = holder.parent
            today_of = next((pk for pk, members in lineage.items() if holder in members), None)
            if today_of is not None:
                communes.setdefault(today_of, []).append(commune)
        weights = [float(BUSY_PROVINCES.get(area.code, 1)) for area in current]
        return cls(current=current, lineage=lineage, communes=communes, weights=weights)

    def on(self, rng: random.Random, day: date) -> Area:
        """A province as a record made on `day` names it."""
        today_province = rng.choices(self.current, weights=self.weights)[0]
        valid = [area for area in self.lineage[today_province.pk] if area.is_valid_on(day)]
        return rng.choice(valid or [today_province])

    def place_on(self, rng: random.Random, day: date) -> Area:
        """Where a child lives: one of the pilot communes for most children of the pilot provinces."""
        province = self.on(rng, day)
        today_pk = next(pk for pk, members in self.lineage.items() if province in members)
        communes = [commune for commune in self.communes.get(today_pk, []) if commune.is_valid_on(day)]
        return rng.choice(communes) if communes and rng.random() < 0.6 else province


def figures_agency(*, country: str, name: str, kind: str, area_codes: Sequence[str]) -> Agency:
    agency, _created = Agency.objects.get_or_create(country=country, name=name, defaults={"kind": kind})
    agency_areas_add(agency=agency, area_codes=area_codes)
    return agency


def figures_member(*, agency: Agency, role: str, handle: str, full_name: str) -> Membership:
    """A made-up person of a figures agency, who cannot sign in (no password): the records need
    someone who logged, led or decided them."""
    email = f"{handle}@{FIGURES_PEOPLE_DOMAIN}"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=None, full_name=full_name)
    membership, _created = Membership.objects.get_or_create(user=user, agency=agency, role=role)
    return membership
