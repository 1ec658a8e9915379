"""The indicators of docs/indicators.md, as tables read from the year's publications.

An indicator counts one source, split by one dimension (or by province, or by month, or not at all).
`indicator_table` reads its cells for a period and a place from what `figures.publication` published
(counted in the background, protected with every other page and period of the year) and returns a
`FigureTable` whose cells are already suppressed: pages, charts and exports never see a count below
the threshold. A dimension of several values per record (a report's harms) does not add up to the
total, and its table says so.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from childshield.core.ethnic_groups import ethnicity_choices
from childshield.core.periods import Period
from childshield.core.suppression import Cell
from childshield.insights.figures.derived import link_choices
from childshield.insights.figures.pairs import PAIR_DIMENSIONS, pair_labels
from childshield.insights.figures.publication import COUNTRY, Published
from childshield.insights.figures.publication import TOTAL as TOTAL_KEY
from childshield.insights.figures.sources import (
    NOT_SAID,
    NOT_SAID_LABEL,
    Source,
    category_choices,
    dimension_of,
)
from childshield.insights.figures.table import FigureTable
from childshield.places.models import Area

BY_PROVINCE = "province"
BY_MONTH = "month"
TOTAL = ""


@dataclass(frozen=True)
class Indicator:
    code: str
    title: str | Promise
    source: Source
    dimension: str = TOTAL  # a dimension of the source, BY_PROVINCE, BY_MONTH, or TOTAL
    # What a reader must know to read it right, under its table (and in the export); `%(days)s` is
    # the reopening window (FIGURES_REOPEN_WINDOW_DAYS).
    note: str | Promise = ""


OPEN_AT_THE_END = _(
    "Counted on the last day of the period (so far, for a period not over): months are not added up."
)

# T1 counts attendances (docs/indicators.md): what a reader would otherwise take for distinct people.
TRAINED_NOTE = _(
    "Each attendance at a session counts: a person trained twice in the period counts twice. Children "
    "who took part are not counted."
)

INDICATORS: tuple[Indicator, ...] = (
    Indicator("R1", _("Reports received"), Source.REPORTS),
    Indicator("R2", _("Reports by channel"), Source.REPORTS, "channel"),
    Indicator("R3", _("Reports by kind of link"), Source.REPORTS, "link_kind"),
    Indicator("R3b", _("Reports by link"), Source.REPORTS, "link"),
    Indicator("R3c", _("Library visits by kind of link"), Source.LIBRARY_VISITS, "link_kind"),
    Indicator("R3d", _("Library visits by link"), Source.LIBRARY_VISITS, "link"),
    Indicator("R4", _("Reports by what happened"), Source.REPORTS, "harm"),
    Indicator("R4b", _("Reports by where it happened"), Source.REPORTS, "platform"),
    Indicator("R5", _("Reports by age"), Source.REPORTS, "age_band"),
    Indicator("R6", _("Reports by gender"), Source.REPORTS, "gender"),
    Indicator("R7", _("Reports by province"), Source.REPORTS, BY_PROVINCE),
    Indicator("R8", _("Reports by month"), Source.REPORTS, BY_MONTH),
    Indicator("H1", _("Helpline contacts"), Source.CONTACTS),
    Indicator("H2", _("Helpline contacts by kind"), Source.CONTACTS, "kind"),
    Indicator("H3", _("Helpline contacts by channel"), Source.CONTACTS, "channel"),
    Indicator("H4", _("Counselling contacts"), Source.COUNSELLING),
    Indicator("H5", _("Counselling contacts by CHI category"), Source.COUNSELLING, "category"),
    Indicator("H6", _("Counselling contacts by age"), Source.COUNSELLING, "age_band"),
    Indicator("H7", _("Counselling contacts by gender"), Source.COUNSELLING, "gender"),
    Indicator("H8", _("Counselling contacts by province"), Source.COUNSELLING, BY_PROVINCE),
    Indicator("H9", _("Counselling contacts by ethnic group"), Source.COUNSELLING, "ethnicity"),
    Indicator("H10", _("Counselling contacts by disability"), Source.COUNSELLING, "disability"),
    Indicator(
        "H11", _("Counselling contacts about online protection"), Source.COUNSELLING, "online_protection"
    ),
    Indicator("H12", _("Counselling contacts by who called"), Source.COUNSELLING, "caller_type"),
    Indicator("H13", _("Counselling contacts by outcome"), Source.COUNSELLING, "outcome"),
    Indicator("C1", _("Cases opened"), Source.CASES_OPENED),
    Indicator("C4", _("Cases opened by harm"), Source.CASES_OPENED, "harm_type"),
    Indicator("C5", _("Cases opened by sex"), Source.CASES_OPENED, "sex"),
    Indicator("C6", _("Cases opened by age"), Source.CASES_OPENED, "age_band"),
    Indicator("C7", _("Cases opened by ethnic group"), Source.CASES_OPENED, "ethnicity"),
    Indicator("C8", _("Cases opened by disability"), Source.CASES_OPENED, "disability"),
    Indicator("C9", _("Cases opened by province"), Source.CASES_OPENED, BY_PROVINCE),
    Indicator("C9b", _("Cases opened by risk level"), Source.CASES_OPENED, "risk_level"),
    Indicator("C2", _("Cases open at the end of the period"), Source.CASES_OPEN, note=OPEN_AT_THE_END),
    Indicator("C2b", _("Cases open by province"), Source.CASES_OPEN, BY_PROVINCE, OPEN_AT_THE_END),
    Indicator("C2c", _("Cases open by harm"), Source.CASES_OPEN, "harm_type", OPEN_AT_THE_END),
    Indicator("C2d", _("Cases open by sex"), Source.CASES_OPEN, "sex", OPEN_AT_THE_END),
    Indicator("C2e", _("Cases open by age"), Source.CASES_OPEN, "age_band", OPEN_AT_THE_END),
    Indicator("C2f", _("Cases open by ethnic group"), Source.CASES_OPEN, "ethnicity", OPEN_AT_THE_END),
    Indicator("C2g", _("Cases open by disability"), Source.CASES_OPEN, "disability", OPEN_AT_THE_END),
    Indicator("C3", _("Cases closed"), Source.CASES_CLOSED),
    Indicator("C16", _("Cases closed by reason"), Source.CASES_CLOSED, "reason"),
    Indicator(
        "C17",
        _("Closures followed by a reopening"),
        Source.CLOSURES_FOLLOWED,
        "reopened",
        _(
            "Closures decided in the period at least %(days)s days ago; reopened: the case was reopened "
            "within %(days)s days of its closure."
        ),
    ),
    Indicator("C14", _("Services delivered by kind"), Source.SERVICES_COMPLETED, "kind"),
    Indicator("C14b", _("Services added to plans, where they stand now"), Source.SERVICES_PLANNED, "status"),
    Indicator("C14c", _("Services added to plans by kind"), Source.SERVICES_PLANNED, "kind"),
    Indicator("C12", _("Referrals sent"), Source.REFERRALS),
    Indicator("C12b", _("Referrals by answer"), Source.REFERRALS, "status"),
    Indicator("C13", _("Referrals answered in time"), Source.REFERRALS, "answered_in_time"),
    Indicator("C12c", _("Referrals by urgency"), Source.REFERRALS, "urgency"),
    Indicator("C12d", _("Referrals sent, by pair of agencies"), Source.REFERRALS, "pair"),
    Indicator("C12e", _("Referrals by pair of agencies and answer"), Source.REFERRALS, "pair_answer"),
    Indicator("C13c", _("Referrals by pair of agencies, answered in time"), Source.REFERRALS, "pair_in_time"),
    Indicator("K1", _("Hotline items reported"), Source.HOTLINE_REPORTED),
    Indicator("K1b", _("Hotline items reported, where they stand now"), Source.HOTLINE_REPORTED, "status"),
    Indicator(
        "K2", _("Hotline items confirmed by classification"), Source.HOTLINE_CONFIRMED, "classification"
    ),
    Indicator("K3", _("Abuse material by severity"), Source.HOTLINE_CONFIRMED, "category"),
    Indicator(
        "K5", _("Hotline items confirmed by hosting country"), Source.HOTLINE_CONFIRMED, "hosting_country"
    ),
    Indicator("K4", _("Hotline items confirmed by content type"), Source.HOTLINE_CONFIRMED, "content_type"),
    Indicator("K6", _("Notices to remove by recipient"), Source.NOTICES, "recipient_kind"),
    Indicator("K6b", _("Notices to remove by delivery"), Source.NOTICES, "state"),
    Indicator("K7", _("Hotline items removed"), Source.HOTLINE_REMOVED),
    Indicator(
        "K7b",
        _("Hotline items with a notice, removed or not"),
        Source.HOTLINE_NOTICED,
        "removed",
        _("Items first sent a notice in the period: the share removed is the removal rate."),
    ),
    Indicator("K9", _("Requests to block a picture or video"), Source.BLOCK_REQUESTS),
    Indicator(
        "K10", _("Pictures and videos children asked to block, by kind"), Source.BLOCKED_HASHES, "kind"
    ),
    Indicator(
        "K10b", _("Pictures and videos children asked to block, by decision"), Source.BLOCKED_HASHES, "state"
    ),
    Indicator("K11", _("Children's own hashes added to the bank"), Source.SELF_SUBMITTED_HASHES, "algorithm"),
    Indicator(
        "K12",
        _("Lookups that matched a child's own hash, by channel"),
        Source.LOOKUPS,
        "self_submitted_match",
    ),
    Indicator("K12b", _("Hashes looked up, by channel"), Source.LOOKUPS, "channel"),
    Indicator("T1", _("Frontline staff trained"), Source.TRAINING_ATTENDANCE, note=TRAINED_NOTE),
    Indicator("T1b", _("Frontline staff trained by province"), Source.TRAINING_ATTENDANCE, BY_PROVINCE),
    Indicator("T1c", _("Frontline staff trained by course"), Source.TRAINING_ATTENDANCE, "topic"),
    Indicator("T1d", _("Frontline staff trained by kind of agency"), Source.TRAINING_ATTENDANCE, "attendee"),
)
BY_CODE = {indicator.code: indicator for indicator in INDICATORS}


@dataclass(frozen=True)
class Place:
    """Where the figures count: a country, or one province of it (today's; records in provinces
    merged into it count too)."""

    country: str
    province: Area | None = None


def _row_labels(indicator: Indicator, place: Place, months: list[date]) -> list[tuple[str, str | Promise]]:
    if indicator.dimension == TOTAL:
        return []
    if indicator.dimension == BY_MONTH:
        return [(f"{month:%Y-%m}", formats.date_format(month, "YEAR_MONTH_FORMAT")) for month in months]
    if indicator.dimension == BY_PROVINCE:
        today = timezone.localdate()
        provinces = Area.objects.filter(country=place.country, level=Area.Level.PROVINCE)
        if place.province is not None:
            provinces = provinces.filter(pk=place.province.pk)
        shown = [area for area in provinces.order_by("code") if area.is_valid_on(today)]
        return [(str(area.pk), area.name) for area in shown] + [(NOT_SAID, NOT_SAID_LABEL)]
    dimension = dimension_of(indicator.source, indicator.dimension)
    if indicator.source == Source.COUNSELLING and indicator.dimension == "category":
        return list(category_choices())
    if indicator.source == Source.REFERRALS and indicator.dimension in PAIR_DIMENSIONS:
        return []  # only the pairs that have referrals, as published (`_cells`)
    if indicator.source == Source.REPORTS and indicator.dimension == "link":
        return list(link_choices(place.country))
    if indicator.source == Source.LIBRARY_VISITS and indicator.dimension == "link":
        return list(link_choices(place.country))[:-2]  # visits are counted for registered links only
    if dimension.code == "ethnicity" and indicator.source in (Source.CASES_OPENED, Source.CASES_OPEN):
        # The groups of the place's country, then "not said" (a case that does not say, or prefers not).
        offered = [(code, label) for code, label in ethnicity_choices(place.country) if code]
        return [*offered, (NOT_SAID, NOT_SAID_LABEL)]
    return dimension.ordered_values()


def indicator_table(
    indicator: Indicator,
    *,
    place: Place,
    period: Period,
    previous: Period | None,
    published: Published,
) -> FigureTable:
    """The indicator over `period` at `place` as published (`figures.publication`: counted and
    suppressed with every page and period it could be set beside), compared with `previous` when
    given. A page reads its publications once (`published_for`) for all its tables."""
    months = [month.first_day() for month in period.months()]
    labels = _row_labels(indicator, place, months)
    multi_valued = (
        indicator.dimension not in (TOTAL, BY_PROVINCE, BY_MONTH)
        and dimension_of(indicator.source, indicator.dimension).multi_valued
    )
    cells, total = _cells(indicator, place, period, labels, published)
    before: list[Cell] = []
    before_total = None
    if previous is not None:
        previous_labels = (
            labels
            if indicator.dimension != BY_MONTH
            else _row_labels(indicator, place, [month.first_day() for month in previous.months()])
        )
        before, before_total = _cells(indicator, place, previous, previous_labels, published)
    notes: list[str | Promise] = []
    if indicator.note:
        notes.append(indicator.note % {"days": settings.FIGURES_REOPEN_WINDOW_DAYS})
    if multi_valued:
        notes.append(_("A record may count in several rows: the rows add up to more than the total."))
    if indicator.dimension not in (TOTAL, BY_PROVINCE, BY_MONTH):
        dimension = dimension_of(indicator.source, indicator.dimension)
        if not dimension.published_for(period.kind):
            notes.append(_("Counted for quarters and years only: a month's figures are too few to show."))
        if place.province is not None and not dimension.by_province:
            notes.append(_("Counted for the whole country only: a province's figures are too few to show."))
    return FigureTable(
        code=indicator.code,
        title=indicator.title,
        dimension=_dimension_heading(indicator),
        cells=cells,
        total=total,
        multi_valued=multi_valued,
        previous=before if indicator.dimension != BY_MONTH else [],
        previous_total=before_total,
        computed_at=published.computed_at.get(indicator.source),
        notes=notes,
    )


def place_key(place: Place) -> str:
    """The place as publications name it: the country, or a province's id."""
    return COUNTRY if place.province is None else str(place.province.pk)


def _cells(
    indicator: Indicator,
    place: Place,
    period: Period,
    labels: list[tuple[str, str | Promise]],
    published: Published,
) -> tuple[list[Cell], Cell]:
    """The table's cells and total as published; a figure not stored is a zero, shown as small."""
    source, where = indicator.source, place_key(place)
    below = settings.FIGURES_SUPPRESS_BELOW

    def cell(item: str, label: str, found: tuple[int, str] | None) -> Cell:
        count, shown = found if found is not None else (0, f"<{below}")
        return Cell(item=item, label=label, count=count, shown=shown)

    def found(item: str) -> tuple[int, str] | None:
        if indicator.dimension == BY_PROVINCE:
            # A province's page shows its own row; records that name no province are the country's.
            if where != COUNTRY and item != where:
                return None
            return published.cell(source, str(period), item, *TOTAL_KEY)
        if indicator.dimension == BY_MONTH:
            return published.cell(source, item, where, *TOTAL_KEY)
        return published.cell(source, str(period), where, indicator.dimension, item)

    cells = [cell(item, str(label), found(item)) for item, label in labels]
    if indicator.dimension not in (TOTAL, BY_PROVINCE, BY_MONTH):
        # Values no longer offered (a retired choice) still count, under their code.
        known = {item for item, _label in labels}
        others = [
            value
            for value in published.values(source, str(period), where, indicator.dimension)
            if value not in known
        ]
        named = (
            pair_labels(others)
            if source == Source.REFERRALS and indicator.dimension in PAIR_DIMENSIONS
            else [(value, value) for value in others]
        )
        cells += [
            cell(value, label, published.cell(source, str(period), where, indicator.dimension, value))
            for value, label in named
        ]
    total = cell("total", str(_("Total")), published.cell(source, str(period), where, *TOTAL_KEY))
    return cells, total


def _dimension_heading(indicator: Indicator) -> str | Promise:
    if indicator.dimension == BY_PROVINCE:
        return _("Province")
    if indicator.dimension == BY_MONTH:
        return _("Month")
    if indicator.dimension == TOTAL:
        return ""
    return dimension_of(indicator.source, indicator.dimension).label
