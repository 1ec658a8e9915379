"""Who may do what with hash banks, matching and the match API's keys.

Scopes: AGENCY covers the banks (and match records, and API keys) of the member's own agency;
ALL covers every agency's. Checked through accounts' `scope_in` / `require_in`.
"""

from enum import StrEnum

from childshield.accounts.models import Membership, Role
from childshield.accounts.permissions import Scope, require_in, scope_in


class HashPerm(StrEnum):
    BANKS_VIEW = "hashing.view_banks"
    BANKS_MANAGE = "hashing.manage_banks"  # create banks, add and remove hashes, import and export
    BANKS_CONFIGURE = "hashing.configure_banks"  # switch a bank on or off
    MATCH = "hashing.match"
    MATCHES_VIEW = "hashing.view_matches"
    API_KEYS_MANAGE = "hashing.manage_api_keys"


_ANALYST: dict[HashPerm, Scope] = {
    HashPerm.BANKS_VIEW: Scope.AGENCY,
    HashPerm.BANKS_MANAGE: Scope.AGENCY,
    HashPerm.MATCH: Scope.AGENCY,
    HashPerm.MATCHES_VIEW: Scope.AGENCY,
}

HASH_GRANTS: dict[Role, dict[HashPerm, Scope]] = {
    Role.HOTLINE_ANALYST: {**_ANALYST},
    Role.HOTLINE_LEAD: {
        **_ANALYST,
        HashPerm.BANKS_CONFIGURE: Scope.AGENCY,
        HashPerm.API_KEYS_MANAGE: Scope.AGENCY,
    },
    # System administrators see that banks exist and how they are used, never add to them.
    Role.SYSTEM_ADMIN: {
        HashPerm.BANKS_VIEW: Scope.ALL,
        HashPerm.MATCHES_VIEW: Scope.ALL,
        HashPerm.API_KEYS_MANAGE: Scope.ALL,
    },
}


def hash_scope(membership: Membership | None, perm: HashPerm) -> Scope | None:
    return scope_in(HASH_GRANTS, membership, perm)


def may(membership: Membership | None, perm: HashPerm) -> bool:
    return hash_scope(membership, perm) is not None


def require_hash(membership: Membership | None, perm: HashPerm) -> Scope:
    return require_in(HASH_GRANTS, membership, perm)
