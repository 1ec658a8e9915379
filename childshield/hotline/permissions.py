"""Who may do what with reported content: analysts and leads of hotline agencies; police receive packages.

Scopes: AGENCY covers the items of the member's own hotline agency (or, for PACKAGE_RECEIVE, the
referral packages addressed to the member's own police or hotline agency). Nobody outside a hotline
agency sees an item; administrators do not see reported content at all.
"""

from enum import StrEnum

from django.core.exceptions import PermissionDenied

from childshield.accounts.models import AgencyKind, Membership, Role
from childshield.accounts.permissions import Scope, scope_in


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

HOTLINE_GRANTS: dict[Role, dict[HotlinePerm, Scope]] = {
    Role.HOTLINE_ANALYST: {**_ANALYST},
    Role.HOTLINE_LEAD: {
        **_ANALYST,
        HotlinePerm.ITEM_CLOSE: Scope.AGENCY,
        HotlinePerm.FIGURES_VIEW: Scope.AGENCY,
        HotlinePerm.PACKAGE_EXPORT: Scope.AGENCY,
    },
    Role.CASE_WORKER: {**_PACKAGE_RECIPIENT},
    Role.CASE_SUPERVISOR: {**_PACKAGE_RECIPIENT},
    Role.AGENCY_ADMIN: {**_PACKAGE_RECIPIENT},
}

# The kinds of agency in which each permission means anything.
_KINDS: dict[HotlinePerm, frozenset[str]] = {
    HotlinePerm.PACKAGE_RECEIVE: frozenset({AgencyKind.POLICE, AgencyKind.HOTLINE}),
}
_HOTLINE_ONLY = frozenset({AgencyKind.HOTLINE})


def hotline_scope(membership: Membership | None, perm: HotlinePerm) -> Scope | None:
    scope = scope_in(HOTLINE_GRANTS, membership, perm)
    if scope is None or membership is None:
        return None
    if membership.agency.kind not in _KINDS.get(perm, _HOTLINE_ONLY):
        return None
    return scope


def may(membership: Membership | None, perm: HotlinePerm) -> bool:
    return hotline_scope(membership, perm) is not None


def require(membership: Membership | None, perm: HotlinePerm) -> Scope:
    scope = hotline_scope(membership, perm)
    if scope is None:
        raise PermissionDenied(perm)
    return scope
