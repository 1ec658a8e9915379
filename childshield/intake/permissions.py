"""Who may read and answer reports.

A helpline agency receives the reports of its country. Its counsellors and supervisors list them
and answer in the thread. Nobody else reads them here: case workers get a child's story through a
referral (cases), hotline analysts get reported addresses through their own queue (hotline),
programme managers see counts (insights), and administrators do not read children's reports.

The hashes a child sends to block a picture are the hotline's to judge: its analysts accept them
into the self-submitted bank or reject them, and its lead says whether they are shared at once.
They see hashes only, never the report's story.
"""

from enum import StrEnum

from childshield.accounts.models import AgencyKind, Role
from childshield.accounts.permissions import PermissionSet, Scope, declare


class IntakePerm(StrEnum):
    REPORT_LIST = "intake.list_reports"
    REPORT_VIEW = "intake.view_report"
    REPORT_REPLY = "intake.reply_to_report"
    BLOCKED_IMAGES_REVIEW = "intake.review_blocked_images"
    SELF_SUBMITTED_POLICY_SET = "intake.set_self_submitted_policy"


_HELPLINE_STAFF: dict[IntakePerm, Scope] = {
    IntakePerm.REPORT_LIST: Scope.AGENCY,
    IntakePerm.REPORT_VIEW: Scope.AGENCY,
    IntakePerm.REPORT_REPLY: Scope.AGENCY,
}

# "The agency's reports" are those of the helpline's country; "the agency's hashes to block" are
# those the hotline receives.
INTAKE = declare(
    PermissionSet(
        perms=IntakePerm,
        grants={
            Role.COUNSELLOR: {**_HELPLINE_STAFF},
            Role.HELPLINE_SUPERVISOR: {**_HELPLINE_STAFF},
            Role.HOTLINE_ANALYST: {IntakePerm.BLOCKED_IMAGES_REVIEW: Scope.AGENCY},
            Role.HOTLINE_LEAD: {
                IntakePerm.BLOCKED_IMAGES_REVIEW: Scope.AGENCY,
                IntakePerm.SELF_SUBMITTED_POLICY_SET: Scope.AGENCY,
            },
        },
        # The kind of agency through which each permission is held.
        agency_kinds={
            IntakePerm.BLOCKED_IMAGES_REVIEW: frozenset({AgencyKind.HOTLINE}),
            IntakePerm.SELF_SUBMITTED_POLICY_SET: frozenset({AgencyKind.HOTLINE}),
        },
        default_kinds=frozenset({AgencyKind.HELPLINE}),
    )
)
