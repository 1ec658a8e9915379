"""Who may read and answer reports.

A helpline agency receives the reports of its country. Its counsellors and supervisors list them
and answer in the thread. Nobody else reads them here: case workers get a child's story through a
referral (cases), hotline analysts get reported addresses through their own queue (hotline),
programme managers see counts (insights), and administrators do not read children's reports.
"""

from enum import StrEnum

from django.core.exceptions import PermissionDenied

from childshield.accounts.models import AgencyKind, Membership, Role
from childshield.accounts.permissions import Scope, scope_in


class IntakePerm(StrEnum):
    REPORT_LIST = "intake.list_reports"
    REPORT_VIEW = "intake.view_report"
    REPORT_REPLY = "intake.reply_to_report"


_HELPLINE_STAFF: dict[IntakePerm, Scope] = {
    IntakePerm.REPORT_LIST: Scope.AGENCY,
    IntakePerm.REPORT_VIEW: Scope.AGENCY,
    IntakePerm.REPORT_REPLY: Scope.AGENCY,
}

INTAKE_GRANTS: dict[Role, dict[IntakePerm, Scope]] = {
    Role.COUNSELLOR: {**_HELPLINE_STAFF},
    Role.HELPLINE_SUPERVISOR: {**_HELPLINE_STAFF},
}


def intake_scope(membership: Membership | None, perm: IntakePerm) -> Scope | None:
    """The scope in which `membership` holds `perm`; None unless it acts for a helpline agency.

    With Scope.AGENCY, "the agency's reports" are those of the helpline's country.
    """
    scope = scope_in(INTAKE_GRANTS, membership, perm)
    if scope is None or membership is None:
        return None
    if scope < Scope.ALL and membership.agency.kind != AgencyKind.HELPLINE:
        return None
    return scope


def may(membership: Membership | None, perm: IntakePerm) -> bool:
    return intake_scope(membership, perm) is not None


def require(membership: Membership | None, perm: IntakePerm) -> Scope:
    scope = intake_scope(membership, perm)
    if scope is None:
        raise PermissionDenied(perm)
    return scope
