"""Who may read which figures. Figures count and never list, so no grant here opens a record.

Scopes: AGENCY counts what the member's own agency recorded; ALL counts every agency of the
member's country.
"""

from enum import StrEnum

from childshield.accounts.models import Membership, Role
from childshield.accounts.permissions import Scope, require_in, scope_in


class InsightsPerm(StrEnum):
    # How children and caregivers answered the feedback survey at the end of their case.
    FEEDBACK_VIEW = "insights.view_feedback"


INSIGHTS_GRANTS: dict[Role, dict[InsightsPerm, Scope]] = {
    Role.PROGRAMME_MANAGER: {InsightsPerm.FEEDBACK_VIEW: Scope.ALL},
    Role.CASE_SUPERVISOR: {InsightsPerm.FEEDBACK_VIEW: Scope.AGENCY},
}


def insights_scope(membership: Membership | None, perm: InsightsPerm) -> Scope | None:
    return scope_in(INSIGHTS_GRANTS, membership, perm)


def may(membership: Membership | None, perm: InsightsPerm) -> bool:
    return insights_scope(membership, perm) is not None


def require(membership: Membership | None, perm: InsightsPerm) -> Scope:
    return require_in(INSIGHTS_GRANTS, membership, perm)
