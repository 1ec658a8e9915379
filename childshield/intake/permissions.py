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

from django.core.exceptions import PermissionDenied

from childshield.accounts.models import AgencyKind, Membership, Role
from childshield.accounts.permissions import Scope, scope_in


class IntakePerm(StrEnum):
    REPORT_LIST = "intake.list_reports"
    REPORT_VIEW = "intake.view_report"
    REPORT_REPLY = "intake.reply_to_report"
    BLOCKED_IMAGES_REVIEW = "intake.review_blocked_images"
    SELF_SUBMITTED_POLICY_SET = "intake.set_self_submitted_policy"


# The kind of agency through which each permission is held (below Scope.ALL).
_AGENCY_KIND: dict[IntakePerm, AgencyKind] = {
    IntakePerm.REPORT_LIST: AgencyKind.HELPLINE,
    IntakePerm.REPORT_VIEW: AgencyKind.HELPLINE,
    IntakePerm.REPORT_REPLY: AgencyKind.HELPLINE,
    IntakePerm.BLOCKED_IMAGES_REVIEW: AgencyKind.HOTLINE,
    IntakePerm.SELF_SUBMITTED_POLICY_SET: AgencyKind.HOTLINE,
}


_HELPLINE_STAFF: dict[IntakePerm, Scope] = {
    IntakePerm.REPORT_LIST: Scope.AGENCY,
    IntakePerm.REPORT_VIEW: Scope.AGENCY,
    IntakePerm.REPORT_REPLY: Scope.AGENCY,
}

INTAKE_GRANTS: dict[Role, dict[IntakePerm, Scope]] = {
    Role.COUNSELLOR: {**_HELPLINE_STAFF},
    Role.HELPLINE_SUPERVISOR: {**_HELPLINE_STAFF},
    Role.HOTLINE_ANALYST: {IntakePerm.BLOCKED_IMAGES_REVIEW: Scope.AGENCY},
    Role.HOTLINE_LEAD: {
        IntakePerm.BLOCKED_IMAGES_REVIEW: Scope.AGENCY,
        IntakePerm.SELF_SUBMITTED_POLICY_SET: Scope.AGENCY,
    },
}


def intake_scope(membership: Membership | None, perm: IntakePerm) -> Scope | None:
    """The scope in which `membership` holds `perm`; None unless it acts for the right kind of agency.

    With Scope.AGENCY, "the agency's reports" are those of the helpline's country, and "the
    agency's hashes to block" those the hotline receives.
    """
    scope = scope_in(INTAKE_GRANTS, membership, perm)
    if scope is None or membership is None:
        return None
    if scope < Scope.ALL and membership.agency.kind != _AGENCY_KIND[perm]:
        return None
    return scope


def may(membership: Membership | None, perm: IntakePerm) -> bool:
    return intake_scope(membership, perm) is not None


def require(membership: Membership | None, perm: IntakePerm) -> Scope:
    scope = intake_scope(membership, perm)
    if scope is None:
        raise PermissionDenied(perm)
    return scope
