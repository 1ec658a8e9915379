"""Who may work the helpline's queue and log contacts.

Counsellors and helpline supervisors of a helpline agency work the queue of their country's
reports and log the contacts their agency answers. Only supervisors hand over or release an item
someone else holds. Nobody outside a helpline agency sees any of it here.
"""

from enum import StrEnum

from django.core.exceptions import PermissionDenied

from childshield.accounts.models import AgencyKind, Membership, Role
from childshield.accounts.permissions import Scope, scope_in


class HelplinePerm(StrEnum):
    QUEUE_VIEW = "helpline.view_queue"
    QUEUE_CLAIM = "helpline.claim_item"
    # Hand over or release an item another counsellor holds.
    QUEUE_REASSIGN = "helpline.reassign_item"
    # Be alerted to urgent items left waiting too long.
    QUEUE_ALERTS = "helpline.receive_queue_alerts"
    CONTACT_LOG = "helpline.log_contact"
    CONTACT_VIEW = "helpline.view_contact"
    # Download the helpline's figures (CHI format, small cells suppressed).
    FIGURES_EXPORT = "helpline.export_figures"
    # Edit the triage rules and the saved replies (data shared by the helplines, every change kept).
    RULES_MANAGE = "helpline.manage_rules"
    # The supervisor's page: queue waits, counsellors on shift and their load, today's contacts.
    SUPERVISE = "helpline.view_supervision"


_COUNSELLOR: dict[HelplinePerm, Scope] = {
    HelplinePerm.QUEUE_VIEW: Scope.AGENCY,
    HelplinePerm.QUEUE_CLAIM: Scope.AGENCY,
    HelplinePerm.CONTACT_LOG: Scope.AGENCY,
    HelplinePerm.CONTACT_VIEW: Scope.SELF,
}

HELPLINE_GRANTS: dict[Role, dict[HelplinePerm, Scope]] = {
    Role.COUNSELLOR: {**_COUNSELLOR},
    Role.HELPLINE_SUPERVISOR: {
        **_COUNSELLOR,
        HelplinePerm.QUEUE_REASSIGN: Scope.AGENCY,
        HelplinePerm.QUEUE_ALERTS: Scope.AGENCY,
        HelplinePerm.CONTACT_VIEW: Scope.AGENCY,
        HelplinePerm.FIGURES_EXPORT: Scope.AGENCY,
        HelplinePerm.RULES_MANAGE: Scope.ALL,
        HelplinePerm.SUPERVISE: Scope.AGENCY,
    },
}


def helpline_scope(membership: Membership | None, perm: HelplinePerm) -> Scope | None:
    """The scope in which `membership` holds `perm`; None unless it acts for a helpline agency."""
    scope = scope_in(HELPLINE_GRANTS, membership, perm)
    if scope is None or membership is None:
        return None
    if membership.agency.kind != AgencyKind.HELPLINE:
        return None
    return scope


def may(membership: Membership | None, perm: HelplinePerm) -> bool:
    return helpline_scope(membership, perm) is not None


def require(membership: Membership | None, perm: HelplinePerm) -> Scope:
    scope = helpline_scope(membership, perm)
    if scope is None:
        raise PermissionDenied(perm)
    return scope
