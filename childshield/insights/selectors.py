"""Figures read for the programme: counts over many records, small cells suppressed, nothing listed."""

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from childshield.accounts.models import Membership
from childshield.accounts.permissions import Scope, require
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.cases.models import FeedbackResponse
from childshield.cases.models.feedback import FeedbackAnswer, Respondent
from childshield.core.periods import Period
from childshield.core.suppression import Cell, suppress
from childshield.helpline.figures import (
    figures_csv,
    figures_tables,
    in_period,
    published_marking,
    recent_periods,
)
from childshield.helpline.models import Contact
from childshield.insights.permissions import InsightsPerm

# The survey's questions as the child reads them (cases.forms.FeedbackForm).
FEEDBACK_QUESTIONS: list[tuple[str, str | Promise]] = [
    ("listened", _("Did you feel listened to?")),
    ("safe", _("Did you feel safe with us?")),
    ("not_blamed", _("Did you feel that nobody blamed you?")),
    ("helped", _("Did the help make things better?")),
]


@dataclass
class QuestionRow:
    question: str
    label: str | Promise
    total: Cell
    cells: list[Cell] = field(default_factory=list)


@dataclass
class RespondentTable:
    respondent: str
    label: str | Promise
    responses: Cell
    rows: list[QuestionRow] = field(default_factory=list)


@dataclass
class FeedbackFigures:
    year: int
    below: int
    scope: Scope
    tables: list[RespondentTable]
    years: list[int]


def feedback_figures(*, acting: Membership, year: int) -> FeedbackFigures:
    """How children and caregivers answered, per question, for a year; every small cell suppressed.
    The reading is audited."""
    scope = require(acting, InsightsPerm.FEEDBACK_VIEW)
    visible = FeedbackResponse.objects.all()
    if scope >= Scope.ALL:
        visible = visible.filter(agency__country=acting.agency.country)
    else:
        visible = visible.filter(agency=acting.agency)
    years = sorted({day.year for day in visible.dates("period", "year")} | {year}, reverse=True)
    responses = visible.filter(period__gte=date(year, 1, 1), period__lt=date(year + 1, 1, 1))
    # One query: for each respondent, the number of responses and of each answer to each question.
    aggregates = {
        f"{question}__{answer}": Count("pk", filter=Q(**{question: answer}))
        for question, _label in FEEDBACK_QUESTIONS
        for answer in FeedbackAnswer.values
    }
    counts = {
        row["respondent"]: row
        for row in responses.values("respondent").annotate(n=Count("pk"), **aggregates).order_by()
    }
    below = settings.FIGURES_SUPPRESS_BELOW
    tables = []
    for respondent, respondent_label in Respondent.choices:
        row = counts.get(respondent, {})
        responses_cell = Cell("responses", str(_("Responses")), int(row.get("n", 0)))
        suppress([], responses_cell, below=below)
        table = RespondentTable(respondent, respondent_label, responses_cell)
        for question, label in FEEDBACK_QUESTIONS:
            cells = [
                Cell(answer, str(answer_label), int(row.get(f"{question}__{answer}", 0)))
                for answer, answer_label in FeedbackAnswer.choices
            ]
            total = Cell("total", str(_("Total")), sum(cell.count for cell in cells))
            suppress(cells, total, below=below)
            table.rows.append(QuestionRow(question, label, total, cells))
        tables.append(table)
    audit.record(
        action=AuditAction.VIEW,
        actor=acting.user,
        agency=acting.agency,
        object_type="insights.feedback",
        reason=f"children's feedback figures {year}",
    )
    return FeedbackFigures(year=year, below=below, scope=scope, tables=tables, years=years)


@dataclass
class HelplineFiguresOffer:
    scope: Scope
    below: int
    months: list[Period]
    years: list[Period]

    @property
    def country_wide(self) -> bool:
        return self.scope >= Scope.ALL


def helpline_figures_offer(*, acting: Membership) -> HelplineFiguresOffer:
    """The periods whose helpline figures for publication may be downloaded (the last twelve months and
    three years), and how they are suppressed."""
    scope = require(acting, InsightsPerm.HELPLINE_FIGURES_VIEW)
    months, years = recent_periods(timezone.localdate())
    return HelplineFiguresOffer(scope, settings.FIGURES_SUPPRESS_BELOW, months, years)


def helpline_figures_published(*, acting: Membership, period: Period) -> str:
    """The helplines' CHI figures for a month or year as CSV for publication: the same tables as the
    helpline's own CHI submission, every small cell suppressed, marked so. Audited as an export."""
    scope = require(acting, InsightsPerm.HELPLINE_FIGURES_VIEW)
    contacts = Contact.objects.all()
    if scope >= Scope.ALL:
        contacts = contacts.filter(agency__country=acting.agency.country)
    else:
        contacts = contacts.filter(agency=acting.agency)
    below = settings.FIGURES_SUPPRESS_BELOW
    text = figures_csv(
        period=period,
        tables=figures_tables(in_period(contacts, period), below=below),
        marking=published_marking(below=below),
    )
    audit.record(
        action=AuditAction.EXPORT,
        actor=acting.user,
        agency=acting.agency,
        object_type="insights.helpline_figures",
        reason=f"CHI figures {period}, for publication (small counts hidden)",
    )
    return text
