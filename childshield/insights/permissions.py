"""Who may read which figures. Figures count and never list, so no grant here opens a record.

Scopes: AGENCY counts what the member's own agency recorded; ALL counts every agency of the
member's country (for the helpline figures: every helpline of the country, added together).
"""

from enum import StrEnum

from childshield.accounts.models import Role
from childshield.accounts.permissions import PermissionSet, Scope, declare


class InsightsPerm(StrEnum):
    # How children and caregivers answered the feedback survey at the end of their case.
    FEEDBACK_VIEW = "insights.view_feedback"
    # The helplines' CHI figures for publication, small cells suppressed (the exact counts stay with the
    # helpline, for its own CHI submission).
    HELPLINE_FIGURES_VIEW = "insights.view_helpline_figures"
    # The programme's indicators (docs/indicators.md): reports, helpline contacts, small cells suppressed.
    INDICATORS_VIEW = "insights.view_indicators"
    # The agency's own operational figures, exact and marked confidential: caseloads per worker, open and
    # overdue cases, referrals per partner agency, closures. Case supervisors, their agency only. Not agency
    # administrators (they manage people, not cases, and open no case) nor programme managers (their
    # figures are the published, suppressed ones).
    AGENCY_FIGURES_VIEW = "insights.view_agency_figures"


INSIGHTS = declare(
    PermissionSet(
        perms=InsightsPerm,
        grants={
            Role.PROGRAMME_MANAGER: {
                InsightsPerm.FEEDBACK_VIEW: Scope.ALL,
                InsightsPerm.HELPLINE_FIGURES_VIEW: Scope.ALL,
                InsightsPerm.INDICATORS_VIEW: Scope.ALL,
            },
            Role.CASE_SUPERVISOR: {
                InsightsPerm.FEEDBACK_VIEW: Scope.AGENCY,
                InsightsPerm.AGENCY_FIGURES_VIEW: Scope.AGENCY,
            },
            Role.HELPLINE_SUPERVISOR: {InsightsPerm.HELPLINE_FIGURES_VIEW: Scope.AGENCY},
        },
    )
)
