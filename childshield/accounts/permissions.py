"""Who may do what: named permissions, their scopes, and the roles that hold them.

Modelled on Primero: a permission is an action on a resource, granted to a role with a scope
(the user's own records, their agency's, or all). Every check goes through `scope_for` or
`require`; views never compare roles themselves. Each other concern keeps its own permissions
module (e.g. `cases/permissions.py`) with its own names and grants table, checked through
`scope_in` and `require_in` here.
"""

from collections.abc import Mapping
from enum import IntEnum, StrEnum
from typing import TypeVar

from django.core.exceptions import PermissionDenied

from childshield.accounts.models import Membership, Role


class Perm(StrEnum):
    AUDIT_VIEW = "audit.view"
    PLACES_VIEW = "places.view"
    MEMBERS_MANAGE = "accounts.manage_members"
    AGENCIES_VIEW = "accounts.view_agencies"


class Scope(IntEnum):
    SELF = 1
    AGENCY = 2
    ALL = 3


_EVERY_STAFF_ROLE: dict[Perm, Scope] = {
    Perm.AUDIT_VIEW: Scope.AGENCY,
    Perm.PLACES_VIEW: Scope.ALL,
}

ROLE_GRANTS: dict[Role, dict[Perm, Scope]] = {
    Role.COUNSELLOR: {**_EVERY_STAFF_ROLE},
    Role.HELPLINE_SUPERVISOR: {**_EVERY_STAFF_ROLE},
    Role.CASE_WORKER: {**_EVERY_STAFF_ROLE},
    Role.CASE_SUPERVISOR: {**_EVERY_STAFF_ROLE},
    Role.FOCAL_POINT: {**_EVERY_STAFF_ROLE},
    Role.HOTLINE_ANALYST: {**_EVERY_STAFF_ROLE},
    Role.HOTLINE_LEAD: {**_EVERY_STAFF_ROLE},
    Role.PROGRAMME_MANAGER: {**_EVERY_STAFF_ROLE},
    Role.AGENCY_ADMIN: {**_EVERY_STAFF_ROLE, Perm.MEMBERS_MANAGE: Scope.AGENCY},
    Role.SYSTEM_ADMIN: {
        **_EVERY_STAFF_ROLE,
        Perm.AUDIT_VIEW: Scope.ALL,
        Perm.MEMBERS_MANAGE: Scope.ALL,
        Perm.AGENCIES_VIEW: Scope.ALL,
    },
}


P = TypeVar("P", bound=str)


def scope_in(
    grants: Mapping[Role, Mapping[P, Scope]], membership: Membership | None, perm: P
) -> Scope | None:
    """The widest scope in which the acting membership holds `perm` under `grants`, or None."""
    if membership is None or not membership.is_active or not membership.user.is_active:
        return None
    if not membership.agency.is_active:
        return None
    return grants.get(Role(membership.role), {}).get(perm)


def require_in(grants: Mapping[Role, Mapping[P, Scope]], membership: Membership | None, perm: P) -> Scope:
    scope = scope_in(grants, membership, perm)
    if scope is None:
        raise PermissionDenied(perm)
    return scope


def scope_for(membership: Membership | None, perm: Perm) -> Scope | None:
    return scope_in(ROLE_GRANTS, membership, perm)


def has_perm(membership: Membership | None, perm: Perm) -> bool:
    return scope_for(membership, perm) is not None


def require(membership: Membership | None, perm: Perm) -> Scope:
    return require_in(ROLE_GRANTS, membership, perm)
