"""What a source of the indicators is, and a dimension of it: the names of every source (`Source`), a
dimension's values and where it may be shown (`Dimension`), and a source's records, date and places
(`SourceSpec`). `figures.sources` registers each source's declaration under its name; a source kept in
a module of its own (`figures.training`) declares itself with these.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.db.models import Model, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from childshield.core.periods import PeriodKind
from childshield.insights.figures.derived import NOT_SAID

NOT_SAID_LABEL = _("Not said")


class Source(StrEnum):
    REPORTS = "reports"
    CONTACTS = "contacts"
    COUNSELLING = "counselling"
    CASES_OPENED = "cases_opened"
    CASES_OPEN = "cases_open"
    CASES_CLOSED = "cases_closed"
    CLOSURES_FOLLOWED = "closures_followed"
    SERVICES_COMPLETED = "services_completed"
    SERVICES_PLANNED = "services_planned"
    HOTLINE_CONFIRMED = "hotline_confirmed"
    REFERRALS = "referrals"
    HOTLINE_REPORTED = "hotline_reported"
    NOTICES = "notices"
    HOTLINE_REMOVED = "hotline_removed"
    HOTLINE_NOTICED = "hotline_noticed"
    BLOCK_REQUESTS = "block_requests"
    BLOCKED_HASHES = "blocked_hashes"
    SELF_SUBMITTED_HASHES = "self_submitted_hashes"
    LOOKUPS = "lookups"
    LIBRARY_VISITS = "library_visits"
    TRAINING_ATTENDANCE = "training_attendance"


@dataclass(frozen=True)
class Dimension:
    code: str
    label: str | Promise
    # The values in the order tables show them, with their labels; NOT_SAID is added when records may
    # leave the field empty. Empty for a free-text dimension (values as recorded, most frequent first).
    choices: tuple[tuple[str, str | Promise], ...]
    # The record's value(s) for this dimension: a field name (one value), or a function (several).
    field: str = ""
    # For a dimension of several values per record: each record's values, by primary key.
    values_of: Callable[[QuerySet[Model]], dict[int, list[str]]] | None = None
    may_be_empty: bool = True
    # The smallest area it may be shown at: "province" (never below: these sources hold no area below
    # a province), or "country" for a dimension too fine to show per province (a pair of agencies'
    # answers: a pair sends a few referrals a year in a province).
    smallest_area: str = "province"
    # The shortest period it is published for: a month, or a quarter for a dimension whose months are
    # too thin to show (a pair of agencies sends a few referrals a month) — protecting its months
    # would hide its quarters and year as well.
    smallest_period: PeriodKind = PeriodKind.MONTH

    # A record may hold several values (a report's harms), or none: the rows do not add up to the
    # total, so they are suppressed cell by cell. A dimension read by `values_of` that gives each
    # record exactly one value (a case's age band) is not: its rows add up, and are protected so.
    several: bool = False
    # The code of another dimension of the source each value is a part of: a value "<parent>:<part>"
    # counts within the parent's value "<parent>" (a pair's accepted referrals within the pair's), so
    # the parts of each parent value add up to it, and are protected so.
    within: str = ""
    # The code of another dimension whose values are this one's parts ("<pair>:<value>"): summed over
    # the pairs, the parts of a value are that value of the other (a status's referrals, every pair's
    # referrals of that status), so they are protected with it.
    across: str = ""

    @property
    def multi_valued(self) -> bool:
        return self.several

    @property
    def by_province(self) -> bool:
        """Whether it is published for each province, not only for the whole country."""
        return self.smallest_area != "country"

    def published_for(self, kind: PeriodKind) -> bool:
        """Whether it is published for periods of `kind`."""
        order = (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR)
        return order.index(kind) >= order.index(self.smallest_period)

    def ordered_values(self) -> list[tuple[str, str | Promise]]:
        values = list(self.choices)
        if self.may_be_empty and all(code != NOT_SAID for code, _label in values):
            values.append((NOT_SAID, NOT_SAID_LABEL))
        return values


@dataclass(frozen=True)
class SourceSpec:
    source: Source
    label: str | Promise
    date_field: str
    country_field: str
    province_field: str  # the field of the record's area (any level: rolled up), "" when it has none
    dimensions: tuple[Dimension, ...]
    records: Callable[[], QuerySet[Model]]
    # A stock (cases open), not a flow: the records at the end of a month, given that end. A month's
    # count is the stock at its last instant, so a period's is its last month's, never the sum.
    open_at: Callable[[datetime], QuerySet[Model]] | None = None
    # A field each record holds a count in (a day's visits), summed instead of counting the records.
    count_field: str = ""

    @property
    def is_stock(self) -> bool:
        return self.open_at is not None
