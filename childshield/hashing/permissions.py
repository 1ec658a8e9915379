"""Who may do what with hash banks, matching and the match API's keys.

Scopes: AGENCY covers the banks (and match records, and API keys) of the member's own agency;
ALL covers every agency's. Checked through accounts' `perm_scope`, `may` and `require`.
"""

from enum import StrEnum

from childshield.accounts.models import Role
from childshield.accounts.permissions import PermissionSet, Scope, declare


class HashPerm(StrEnum):
    BANKS_VIEW = "hashing.view_banks"
    BANKS_MANAGE = "hashing.manage_banks"  # create banks, add and remove hashes, import and export
    BANKS_CONFIGURE = "hashing.configure_banks"  # switch a bank on or off, change who it is shared with
    MATCH = "hashing.match"
    MATCHES_VIEW = "hashing.view_matches"
    API_KEYS_MANAGE = "hashing.manage_api_keys"


_ANALYST: dict[HashPerm, Scope] = {
    HashPerm.BANKS_VIEW: Scope.AGENCY,
    HashPerm.BANKS_MANAGE: Scope.AGENCY,
    HashPerm.MATCH: Scope.AGENCY,
    HashPerm.MATCHES_VIEW: Scope.AGENCY,
}

HASHING = declare(
    PermissionSet(
        perms=HashPerm,
        grants={
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
        },
    )
)
