"""Who may read which figures. Figures count and never list, so no grant here opens a record.

Scopes: AGENCY counts what the member's own agency recorded; ALL counts every agency of the
member's country.
"""

from enum import StrEnum

from childshield.accounts.models import Role
from childshield.accounts.permissions import PermissionSet, Scope, declare


class InsightsPerm(StrEnum):
    # How children and caregivers answered the feedback survey at the end of their case.
    FEEDBACK_VIEW = "insights.view_feedback"


INSIGHTS = declare(
    PermissionSet(
        perms=InsightsPerm,
        grants={
            Role.PROGRAMME_MANAGER: {InsightsPerm.FEEDBACK_VIEW: Scope.ALL},
            Role.CASE_SUPERVISOR: {InsightsPerm.FEEDBACK_VIEW: Scope.AGENCY},
        },
    )
)
