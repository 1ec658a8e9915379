"""Who may do what with reported content: analysts and leads of hotline agencies; police receive packages.

Scopes: AGENCY covers the items of the member's own hotline agency (or, for PACKAGE_RECEIVE, the
referral packages addressed to the member's own police or hotline agency). Nobody outside a hotline
agency sees an item; administrators do not see reported content at all.
"""

from enum import StrEnum
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from childshield.accounts.models import AgencyKind, Membership, Role
from childshield.accounts.permissions import PermissionSet, Scope, declare, require

if TYPE_CHECKING:
    from childshield.hotline.models import ContentItem


class HotlinePerm(StrEnum):
    ITEM_VIEW = "hotline.view_items"
    ITEM_REPORT = "hotline.report_items"  # add reported addresses by hand
    ITEM_ASSESS = "hotline.assess_items"
    ITEM_CONFIRM = "hotline.confirm_assessments"  # the second analyst's confirmation
    EVIDENCE_ADD = "hotline.add_evidence"
    EVIDENCE_VIEW = "hotline.view_evidence"
    TRACE = "hotline.trace_hosting"
    NOTICE_SEND = "hotline.send_notices"
    ITEM_CLOSE = "hotline.close_items"  # record "not removed" when the notices have run out
    FIGURES_VIEW = "hotline.view_figures"
    PACKAGE_EXPORT = "hotline.export_packages"
    PACKAGE_RECEIVE = "hotline.receive_packages"
    # The hotline's reference data: hosting providers (what traces recognise, where notices go) and
    # partner hotlines and police contacts (where escalations go). Not reported content.
    REFERENCE_MANAGE = "hotline.manage_reference_data"


_ANALYST: dict[HotlinePerm, Scope] = {
    HotlinePerm.ITEM_VIEW: Scope.AGENCY,
    HotlinePerm.ITEM_REPORT: Scope.AGENCY,
    HotlinePerm.ITEM_ASSESS: Scope.AGENCY,
    HotlinePerm.ITEM_CONFIRM: Scope.AGENCY,
    HotlinePerm.EVIDENCE_ADD: Scope.AGENCY,
    HotlinePerm.EVIDENCE_VIEW: Scope.AGENCY,
    HotlinePerm.TRACE: Scope.AGENCY,
    HotlinePerm.NOTICE_SEND: Scope.AGENCY,
    HotlinePerm.PACKAGE_RECEIVE: Scope.AGENCY,
}

# Police officers act through the general staff roles of a police agency; they only receive packages.
_PACKAGE_RECIPIENT: dict[HotlinePerm, Scope] = {HotlinePerm.PACKAGE_RECEIVE: Scope.AGENCY}

HOTLINE = declare(
    PermissionSet(
        perms=HotlinePerm,
        grants={
            Role.HOTLINE_ANALYST: {**_ANALYST},
            Role.HOTLINE_LEAD: {
                **_ANALYST,
                HotlinePerm.ITEM_CLOSE: Scope.AGENCY,
                HotlinePerm.FIGURES_VIEW: Scope.AGENCY,
                HotlinePerm.PACKAGE_EXPORT: Scope.AGENCY,
                # The providers and partners are the country's, not one hotline's: the scope limits nothing.
                HotlinePerm.REFERENCE_MANAGE: Scope.AGENCY,
            },
            Role.CASE_WORKER: {**_PACKAGE_RECIPIENT},
            Role.CASE_SUPERVISOR: {**_PACKAGE_RECIPIENT},
            Role.AGENCY_ADMIN: {**_PACKAGE_RECIPIENT},
            # Setting up the country: the administrators, who act for the helpline (setup_country).
            Role.SYSTEM_ADMIN: {HotlinePerm.REFERENCE_MANAGE: Scope.ALL},
        },
        # Packages are received by police and hotline agencies; everything else is a hotline's own.
        agency_kinds={
            HotlinePerm.PACKAGE_RECEIVE: frozenset({AgencyKind.POLICE, AgencyKind.HOTLINE}),
            HotlinePerm.REFERENCE_MANAGE: frozenset(AgencyKind),
        },
        default_kinds=frozenset({AgencyKind.HOTLINE}),
    )
)


def require_for_item(membership: Membership | None, item: "ContentItem", perm: HotlinePerm) -> Membership:
    """The member holding `perm` for this item (their own hotline's, unless in scope ALL); else 403."""
    scope = require(membership, perm)
    assert membership is not None
    if scope < Scope.ALL and item.agency_id != membership.agency_id:
        raise PermissionDenied(perm)
    return membership
