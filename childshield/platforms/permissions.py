"""Who may read a platform's record: its own staff (their platform), the regulator and the hotline's
leads (every platform)."""

from enum import StrEnum

from childshield.accounts.models import AgencyKind, Role
from childshield.accounts.permissions import PermissionSet, Scope, declare


class PlatformPerm(StrEnum):
    # A platform's record: notices and how fast it acted, reports sent, feedback given, per month.
    RECORD_VIEW = "platforms.view_record"


PLATFORMS = declare(
    PermissionSet(
        perms=PlatformPerm,
        grants={
            Role.PLATFORM_STAFF: {PlatformPerm.RECORD_VIEW: Scope.AGENCY},
            Role.REGULATOR: {PlatformPerm.RECORD_VIEW: Scope.ALL},
            Role.HOTLINE_LEAD: {PlatformPerm.RECORD_VIEW: Scope.ALL},
        },
        agency_kinds={
            PlatformPerm.RECORD_VIEW: frozenset(
                {AgencyKind.PLATFORM, AgencyKind.REGULATOR, AgencyKind.HOTLINE}
            )
        },
    )
)
