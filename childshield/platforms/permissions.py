"""Who may do what with platforms: onboard them (the hotline's leads, system administrators), manage
their keys (those, and the platform's own staff for their platform), see a platform's dashboard (its
own staff; the regulator, every platform, read only), read its record (its staff, the regulator,
the hotline's leads), and read platforms' reports in full (the analysts and leads of the hotline each
report was filed with: scope AGENCY is that hotline's, as its items are; a platform's staff read their
own reports on their dashboard and through the API, never this page)."""

from enum import StrEnum

from childshield.accounts.models import AgencyKind, Role
from childshield.accounts.permissions import PermissionSet, Scope, declare


class PlatformPerm(StrEnum):
    # A platform's record: notices and how fast it acted, reports sent, feedback given, per month.
    RECORD_VIEW = "platforms.view_record"
    # The list of platforms, and a new one made (name, country, contact, its hosting providers).
    ONBOARD = "platforms.onboard"
    # A platform's keys: issue (live or sandbox), rotate, revoke; a test notice to its webhooks.
    CREDENTIALS_MANAGE = "platforms.manage_credentials"
    # A platform's dashboard: notices sent to it, reports it sent, its keys and webhooks.
    DASHBOARD_VIEW = "platforms.view_dashboard"
    # Platforms' reports in full, the uploader and location decrypted, beside the items they became.
    REPORT_VIEW = "platforms.view_reports"


PLATFORMS = declare(
    PermissionSet(
        perms=PlatformPerm,
        grants={
            Role.PLATFORM_STAFF: {
                PlatformPerm.RECORD_VIEW: Scope.AGENCY,
                PlatformPerm.DASHBOARD_VIEW: Scope.AGENCY,
                # As Thorn's Safer and StopNCII do: a platform manages its own keys once onboarded.
                PlatformPerm.CREDENTIALS_MANAGE: Scope.AGENCY,
            },
            Role.REGULATOR: {PlatformPerm.RECORD_VIEW: Scope.ALL, PlatformPerm.DASHBOARD_VIEW: Scope.ALL},
            Role.HOTLINE_ANALYST: {PlatformPerm.REPORT_VIEW: Scope.AGENCY},
            Role.HOTLINE_LEAD: {
                PlatformPerm.RECORD_VIEW: Scope.ALL,
                PlatformPerm.ONBOARD: Scope.ALL,
                PlatformPerm.CREDENTIALS_MANAGE: Scope.ALL,
                PlatformPerm.REPORT_VIEW: Scope.AGENCY,
            },
            Role.SYSTEM_ADMIN: {PlatformPerm.ONBOARD: Scope.ALL, PlatformPerm.CREDENTIALS_MANAGE: Scope.ALL},
        },
        agency_kinds={
            PlatformPerm.RECORD_VIEW: frozenset(
                {AgencyKind.PLATFORM, AgencyKind.REGULATOR, AgencyKind.HOTLINE}
            ),
            PlatformPerm.DASHBOARD_VIEW: frozenset({AgencyKind.PLATFORM, AgencyKind.REGULATOR}),
            PlatformPerm.REPORT_VIEW: frozenset({AgencyKind.HOTLINE}),
        },
    )
)
