"""Who may see, set up and run the connections to other hash exchanges.

Scopes: AGENCY covers the connections of the member's own agency (whose banks they fill), ALL every
agency's. System administrators see and run every connection and may switch one off, but never set
one up: a connection adds to a bank as the member who set it up, and administrators never add to banks.
"""

from enum import StrEnum

from childshield.accounts.models import Role
from childshield.accounts.permissions import PermissionSet, Scope, declare


class ExchangePerm(StrEnum):
    VIEW = "exchanges.view_connections"
    MANAGE = "exchanges.manage_connections"  # add a connection, change it, its credentials included
    RUN = "exchanges.run_connections"  # run one now, switch it on or off


EXCHANGES = declare(
    PermissionSet(
        perms=ExchangePerm,
        grants={
            Role.HOTLINE_LEAD: {
                ExchangePerm.VIEW: Scope.AGENCY,
                ExchangePerm.MANAGE: Scope.AGENCY,
                ExchangePerm.RUN: Scope.AGENCY,
            },
            Role.SYSTEM_ADMIN: {ExchangePerm.VIEW: Scope.ALL, ExchangePerm.RUN: Scope.ALL},
        },
    )
)
