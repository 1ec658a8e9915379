"""The case workflow as rules: its steps in order, which step may follow which, what a step needs
first, the checklist a case closes with, and what warns a supervisor approving a closure."""

from __future__ import annotations

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
