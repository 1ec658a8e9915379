"""Who may do what: one way to declare permissions and one way to check them, for every app.

Modelled on Primero: a permission is an action on a resource, granted to a role with a scope
(the member's own records, their agency's, or all). Each app declares its permissions as data —
an enum of names, the grants of each role, and the kinds of agency through which they are held —
with `declare(...)` in its own `permissions.py`; every check anywhere goes through `perm_scope`,
`may` or `require` here. Record-level rules (is this case one the member works on?) stay beside
the app's declaration, built on these.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Generic, TypeVar, cast

from django.core.exceptions import PermissionDenied

from childshield.accounts.models import AgencyKind, Membership, Role


class Scope(IntEnum):
    SELF = 1
    AGENCY = 2
    ALL = 3


P = TypeVar("P", bound=StrEnum)


@dataclass(frozen=True)
class PermissionSet(Generic[P]):
    """One app's permissions, as data.

    `grants` gives each role the permissions it holds and in which scope. `agency_kinds` limits a
    permission to members acting for those kinds of agency; `default_kinds` does so for every
    permission of the set not named there (None: any kind of agency).
    """

    perms: type[P]
    grants: Mapping[Role, Mapping[P, Scope]]
    agency_kinds: Mapping[P, frozenset[AgencyKind]] = field(default_factory=dict)
    default_kinds: frozenset[AgencyKind] | None = None

    def scope(self, membership: Membership | None, perm: P) -> Scope | None:
        if membership is None or not membership.is_active or not membership.user.is_active:
            return None
        if not membership.agency.is_active:
            return None
        scope = self.grants.get(Role(membership.role), {}).get(perm)
        if scope is None:
            return None
        kinds = self.agency_kinds.get(perm, self.default_kinds)
        if kinds is not None and membership.agency.kind not in kinds:
            return None
        return scope

    def roles_holding(self, perm: P) -> list[Role]:
        return [role for role, grants in self.grants.items() if perm in grants]


_DECLARED: dict[type[StrEnum], PermissionSet[StrEnum]] = {}


def declare(permission_set: PermissionSet[P]) -> PermissionSet[P]:
    """Registers an app's permissions; each enum of permission names is declared once."""
    if permission_set.perms in _DECLARED:
        raise ValueError(f"{permission_set.perms.__name__} is declared twice")
    _DECLARED[permission_set.perms] = cast("PermissionSet[StrEnum]", permission_set)
    return permission_set


def perm_scope(membership: Membership | None, perm: StrEnum) -> Scope | None:
    """The scope in which the acting membership holds `perm`, or None when it does not."""
    try:
        permission_set = _DECLARED[type(perm)]
    except KeyError:
        raise LookupError(f"{type(perm).__name__} has no declared permissions") from None
    return permission_set.scope(membership, perm)


def roles_holding(perm: StrEnum) -> list[Role]:
    """The roles granted `perm` in some scope (read from the grants, so no role can be forgotten)."""
    return _DECLARED[type(perm)].roles_holding(perm)


def may(membership: Membership | None, perm: StrEnum) -> bool:
    return perm_scope(membership, perm) is not None


def require(membership: Membership | None, perm: StrEnum) -> Scope:
    """The scope in which `membership` holds `perm`; PermissionDenied (403) when it does not."""
    scope = perm_scope(membership, perm)
    if scope is None:
        raise PermissionDenied(perm)
    return scope


class Perm(StrEnum):
    AUDIT_VIEW = "audit.view"
    # Break-glass reasons in the audit log: for those who oversee the agency's work.
    AUDIT_REASONS_VIEW = "audit.view_oversight_reasons"
    PLACES_VIEW = "places.view"
    MEMBERS_MANAGE = "accounts.manage_members"
    AGENCIES_VIEW = "accounts.view_agencies"


_EVERY_STAFF_ROLE: dict[Perm, Scope] = {
    Perm.AUDIT_VIEW: Scope.AGENCY,
    Perm.PLACES_VIEW: Scope.ALL,
}

ACCOUNTS = declare(
    PermissionSet(
        perms=Perm,
        grants={
            Role.COUNSELLOR: {**_EVERY_STAFF_ROLE},
            Role.HELPLINE_SUPERVISOR: {**_EVERY_STAFF_ROLE, Perm.AUDIT_REASONS_VIEW: Scope.AGENCY},
            Role.CASE_WORKER: {**_EVERY_STAFF_ROLE},
            Role.CASE_SUPERVISOR: {**_EVERY_STAFF_ROLE, Perm.AUDIT_REASONS_VIEW: Scope.AGENCY},
            Role.FOCAL_POINT: {**_EVERY_STAFF_ROLE},
            Role.HOTLINE_ANALYST: {**_EVERY_STAFF_ROLE},
            Role.HOTLINE_LEAD: {**_EVERY_STAFF_ROLE, Perm.AUDIT_REASONS_VIEW: Scope.AGENCY},
            Role.PROGRAMME_MANAGER: {**_EVERY_STAFF_ROLE},
            Role.PLATFORM_STAFF: {**_EVERY_STAFF_ROLE},
            Role.REGULATOR: {**_EVERY_STAFF_ROLE},
            Role.AGENCY_ADMIN: {
                **_EVERY_STAFF_ROLE,
                Perm.MEMBERS_MANAGE: Scope.AGENCY,
                Perm.AUDIT_REASONS_VIEW: Scope.AGENCY,
            },
            Role.SYSTEM_ADMIN: {
                **_EVERY_STAFF_ROLE,
                Perm.AUDIT_VIEW: Scope.ALL,
                Perm.AUDIT_REASONS_VIEW: Scope.ALL,
                Perm.MEMBERS_MANAGE: Scope.ALL,
                Perm.AGENCIES_VIEW: Scope.ALL,
            },
        },
    )
)


def roles_grantable(membership: Membership | None) -> list[Role]:
    """The roles `membership` may give people: every role for those who manage members across the
    system, every role but the system administrator's for an agency's administrator, none otherwise."""
    scope = perm_scope(membership, Perm.MEMBERS_MANAGE)
    if scope is None:
        return []
    return [role for role in Role if scope == Scope.ALL or role != Role.SYSTEM_ADMIN]
