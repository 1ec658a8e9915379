"""The case workflow as rules: its steps in order, which step may follow which, what a step needs
first (and so what is still missing for the next one), the checklist a case closes with, and what
warns a supervisor approving a closure."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy

from childshield.cases.models.assessments import AssessmentKind
from childshield.cases.models.cases import CaseStatus, RiskLevel

# The workflow, step by step; a step may also go back one (a plan that must be redone).
WORKFLOW: tuple[str, ...] = tuple(status for status in CaseStatus.values if status != CaseStatus.CLOSED)

# A step forward past an assessment needs that assessment recorded.
ASSESSMENT_BEFORE: dict[str, str] = {
    CaseStatus.COMPREHENSIVE_ASSESSMENT: AssessmentKind.SAFETY,
    CaseStatus.SERVICE_PLAN: AssessmentKind.COMPREHENSIVE,
}

# What is missing for a step, in the words a worker reads on the case page.
_ASSESSMENT_MISSING: dict[str, Any] = {
    AssessmentKind.SAFETY: gettext_lazy("safety assessment not recorded"),
    AssessmentKind.COMPREHENSIVE: gettext_lazy("comprehensive assessment not recorded"),
}
NO_SERVICE = "service"


@dataclass(frozen=True)
class CaseFacts:
    """What the workflow's rules look at in a case: the assessments recorded, whether a service is planned."""

    assessments: frozenset[str]
    has_services: bool


@dataclass(frozen=True)
class Missing:
    """One thing a step needs first: an assessment (`what` is its kind) or a service in the plan."""

    what: str
    text: Any

    @property
    def is_assessment(self) -> bool:
        return self.what in ASSESSMENT_KINDS


ASSESSMENT_KINDS: frozenset[str] = frozenset(AssessmentKind.values)


@dataclass(frozen=True)
class StepGuidance:
    status: str
    missing: tuple[Missing, ...]

    @property
    def label(self) -> str:
        return str(dict(CaseStatus.choices)[self.status])

    @property
    def ready(self) -> bool:
        return not self.missing


@dataclass(frozen=True)
class CaseGuidance:
    """The next step of a case with what is still missing for it, and the other legal moves."""

    next_step: StepGuidance | None
    other_moves: tuple[str, ...]


CLOSURE_CHECKLIST: tuple[tuple[str, Any], ...] = (
    ("child_safe", gettext_lazy("The child is safe")),
    ("services_done", gettext_lazy("Every service is completed or was refused")),
    ("caregiver_informed", gettext_lazy("The caregiver is informed")),
)

# A closure approved while the case's risk level is one of these needs the warning acknowledged.
# The levels are low, medium and high: only high is "still at risk" enough to stop a supervisor.
CLOSURE_WARNING_RISKS: frozenset[str] = frozenset({RiskLevel.HIGH})


def legal_next_statuses(status: str) -> list[str]:
    """The statuses a case may move to from `status` by an ordinary step (closing has its own path)."""
    if status not in WORKFLOW:
        return []
    position = WORKFLOW.index(status)
    steps = []
    if position + 1 < len(WORKFLOW):
        steps.append(WORKFLOW[position + 1])
    if position > 0:
        steps.append(WORKFLOW[position - 1])
    return steps


def step_missing(*, status: str, to_status: str, facts: CaseFacts) -> tuple[Missing, ...]:
    """What a case at `status` still lacks to move to `to_status`: nothing for a step back."""
    if status not in WORKFLOW or to_status not in WORKFLOW:
        return ()
    if WORKFLOW.index(to_status) <= WORKFLOW.index(status):
        return ()
    missing = []
    needed = ASSESSMENT_BEFORE.get(to_status)
    if needed and needed not in facts.assessments:
        missing.append(Missing(what=needed, text=_ASSESSMENT_MISSING[needed]))
    # A plan is carried out only once it holds a service.
    if to_status == CaseStatus.IMPLEMENTATION and not facts.has_services:
        missing.append(Missing(what=NO_SERVICE, text=gettext_lazy("no service in the plan yet")))
    return tuple(missing)


def case_guidance(*, status: str, facts: CaseFacts) -> CaseGuidance:
    """The next step forward of a case at `status` and what is missing for it; None past the last
    step (closing has its own path) or for a closed case."""
    moves = legal_next_statuses(status)
    position = WORKFLOW.index(status) if status in WORKFLOW else len(WORKFLOW)
    ahead = WORKFLOW[position + 1] if position + 1 < len(WORKFLOW) else None
    next_step = (
        StepGuidance(status=ahead, missing=step_missing(status=status, to_status=ahead, facts=facts))
        if ahead is not None
        else None
    )
    return CaseGuidance(next_step=next_step, other_moves=tuple(move for move in moves if move != ahead))
