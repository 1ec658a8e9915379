"""Who may work the helpline's queue and log contacts.

Counsellors and helpline supervisors of a helpline agency work the queue of their country's
reports and log the contacts their agency answers. Only supervisors hand over or release an item
someone else holds. Nobody outside a helpline agency sees any of it here.
"""

from enum import StrEnum

from childshield.accounts.models import AgencyKind, Role
from childshield.accounts.permissions import PermissionSet, Scope, declare


class HelplinePerm(StrEnum):
    QUEUE_VIEW = "helpline.view_queue"
    QUEUE_CLAIM = "helpline.claim_item"
    # Hand over or release an item another counsellor holds.
    QUEUE_REASSIGN = "helpline.reassign_item"
    # Be alerted to urgent items left waiting too long.
    QUEUE_ALERTS = "helpline.receive_queue_alerts"
    CONTACT_LOG = "helpline.log_contact"
    CONTACT_VIEW = "helpline.view_contact"
    # Download the helpline's own CHI submission: its figures with exact counts, marked confidential
    # (the version for publication, small cells suppressed, is insights').
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

HELPLINE = declare(
    PermissionSet(
        perms=HelplinePerm,
        default_kinds=frozenset({AgencyKind.HELPLINE}),
        grants={
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
        },
    )
)
