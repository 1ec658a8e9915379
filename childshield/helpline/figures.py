"""A helpline's figures for a month or a year in the shape of Child Helpline International's data framework.

Tables count all contacts by type and channel, and counselling contacts by category, the child's
gender and age band. The same tables make two files. The helpline's own CHI submission holds exact
counts (`below=EXACT`) and is marked confidential. The version for publication (insights) suppresses
small cells (docs/architecture.md): a count under FIGURES_SUPPRESS_BELOW is shown as "<5", and further
cells of the same table are hidden ("[c]") until the hidden ones can neither be recovered from the
table's total nor add up to less than the threshold. Each file says which it is in its first row.
"""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, F, QuerySet
from django.db.models.functions import Coalesce
from django.utils import translation
from django.utils.translation import gettext

from childshield.core.choices import ChiAgeBand, ChiGender
from childshield.core.periods import Period, PeriodKind, periods_recent
from childshield.core.suppression import Cell, suppress
from childshield.helpline.models import Category, Contact, ContactChannel, ContactKind

CSV_HEADER = ["period", "table", "item", "label", "value"]
# No count is under zero: nothing is suppressed (the helpline's confidential CHI submission).
EXACT = 0
# A byte-order mark: spreadsheets then read the file as UTF-8, the marking row's words intact.
_BOM = "\ufeff"
# CHI's gender categories; the console's "another way" is CHI's non-binary.
GENDER_ITEMS = [
    (ChiGender.GIRL.value, "Girl or woman"),
    (ChiGender.BOY.value, "Boy or man"),
    (ChiGender.ANOTHER.value, "Non-binary"),
    (ChiGender.UNKNOWN.value, "Unknown"),
]


def chi_period_parse(text: str) -> Period | None:
    """A month or a year as written in a CHI file's address ("2026-03", "2026"): CHI's data framework counts
    by month and by year, so a quarter is not a CHI period."""
    period = Period.parse(text)
    return None if period is None or period.kind == PeriodKind.QUARTER else period


def recent_periods(today: date) -> tuple[list[Period], list[Period]]:
    """The last twelve months and the last three years up to `today`, newest first."""
    return (
        periods_recent(kind=PeriodKind.MONTH, until=today, count=12),
        periods_recent(kind=PeriodKind.YEAR, until=today, count=3),
    )


def in_period(contacts: QuerySet[Contact], period: Period) -> QuerySet[Contact]:
    start, end = period.bounds()
    return contacts.filter(started_at__gte=start, started_at__lt=end)


@dataclass
class Table:
    name: str
    total: Cell
    cells: list[Cell] = field(default_factory=list)


def _counts(contacts: QuerySet[Contact], column: str) -> dict[str, int]:
    rows = contacts.values(column).annotate(n=Count("id")).order_by()
    return {str(row[column]): row["n"] for row in rows}


def _simple_table(
    name: str, total: int, items: Iterable[tuple[str, object]], counts: dict[str, int]
) -> Table:
    return Table(
        name=name,
        total=Cell("total", "Total", total),
        cells=[Cell(item, str(label), counts.get(item, 0)) for item, label in items],
    )


def _category_tables(counselling: QuerySet[Contact], main_total: Cell) -> list[tuple[Table, Cell]]:
    """Main categories over counselling contacts, then each main category's sub-categories."""
    through = Contact.categories.through.objects.filter(contact__in=counselling)
    by_category = {
        row["category_id"]: row["n"]
        for row in through.values("category_id").annotate(n=Count("contact_id", distinct=True)).order_by()
    }
    # A contact counts once under a main category, whichever of its sub-categories it has.
    by_main = {
        row["main"]: row["n"]
        for row in through.values(main=Coalesce(F("category__parent_id"), F("category_id")))
        .annotate(n=Count("contact_id", distinct=True))
        .order_by()
    }
    mains = list(Category.objects.filter(parent__isnull=True).order_by("position"))
    subs = list(Category.objects.filter(parent__isnull=False).order_by("position"))
    main_table = Table(
        name="category",
        total=Cell("total", "Counselling contacts", main_total.count),
        cells=[Cell(main.code, main.name_en, by_main.get(main.pk, 0)) for main in mains],
    )
    tables = [(main_table, main_total)]
    for main, cell in zip(mains, main_table.cells, strict=True):
        children = [sub for sub in subs if sub.parent_id == main.pk]
        if children:
            sub_table = Table(
                name=f"category.{main.code}",
                total=Cell("total", main.name_en, cell.count),
                cells=[Cell(sub.code, sub.name_en, by_category.get(sub.pk, 0)) for sub in children],
            )
            tables.append((sub_table, cell))
    return tables


def figures_tables(contacts: QuerySet[Contact], *, below: int) -> list[Table]:
    """The CHI tables of these contacts (already limited to the helplines and period), each count under
    `below` suppressed; `below=EXACT` for exact counts."""
    with translation.override("en"):
        by_kind = _counts(contacts, "kind")
        total = sum(by_kind.values())
        counselling = contacts.filter(kind=ContactKind.COUNSELLING)
        kinds = _simple_table("contact_type", total, ContactKind.choices, by_kind)
        suppress(kinds.cells, kinds.total, below=below)
        channels = _simple_table("channel", total, ContactChannel.choices, _counts(contacts, "channel"))
        suppress(channels.cells, channels.total, below=below)
        counselling_cell = kinds.cells[0]
        dependent: list[tuple[Table, Cell]] = [
            (
                _simple_table("gender", counselling_cell.count, GENDER_ITEMS, _counts(counselling, "gender")),
                counselling_cell,
            ),
            (
                _simple_table(
                    "age_band", counselling_cell.count, ChiAgeBand.choices, _counts(counselling, "age_band")
                ),
                counselling_cell,
            ),
            *_category_tables(counselling, counselling_cell),
        ]
        # A table's total is a cell of an earlier table: it is shown here exactly as it was shown there,
        # and a total that is hidden there cannot be subtracted from here. (Sources come first.)
        for table, source in dependent:
            published = source.shown == str(source.count)
            suppress(table.cells, table.total, below=below, total_published=published)
            table.total.shown = source.shown
        return [kinds, channels, *(table for table, _source in dependent)]


def confidential_marking() -> str:
    """The first row of the helpline's own export, in the language of the person downloading it."""
    return gettext(
        "CONFIDENTIAL: exact counts, small ones included, for the helpline's submission to Child Helpline "
        "International only. Do not publish this file or share it outside the submission."
    )


def published_marking(*, below: int) -> str:
    """The first row of the version for publication."""
    return gettext(
        "For publication: small counts hidden. Counts under %(below)s are shown as “<%(below)s”; "
        "“[c]” hides a count from which a small one could be worked out."
    ) % {"below": below}


def figures_csv(*, period: Period, tables: list[Table], marking: str) -> str:
    """The tables as CSV: the marking alone in the first row (what a spreadsheet shows first), then the
    header and one row per cell."""
    out = io.StringIO()
    out.write(_BOM)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([marking])
    writer.writerow(CSV_HEADER)
    for table in tables:
        for cell in [table.total, *table.cells]:
            writer.writerow([str(period), table.name, cell.item, cell.label, cell.shown])
    return out.getvalue()
