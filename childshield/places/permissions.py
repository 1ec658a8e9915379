"""Who may set up a country in the staff pages: its agencies and the areas each serves, its areas from
a file, its helpline numbers. System administrators only, every country (scope ALL): these are the
reference data every agency's work hangs on, and nobody else changes them. Reading places is
accounts' `Perm.PLACES_VIEW` (every staff role)."""

from enum import StrEnum

from childshield.accounts.models import Role
from childshield.accounts.permissions import PermissionSet, Scope, declare


class PlacesPerm(StrEnum):
    # An agency added or changed: name, kind, country, short code, on-call phone, active, its areas.
    AGENCIES_MANAGE = "places.manage_agencies"
    # Areas created or changed from a CSV file, after a preview of every change.
    AREAS_IMPORT = "places.import_areas"
    # Helpline numbers shown on every public page: added, changed, ordered, taken out of use.
    HELPLINES_MANAGE = "places.manage_helplines"


PLACES = declare(
    PermissionSet(
        perms=PlacesPerm,
        grants={
            Role.SYSTEM_ADMIN: {
                PlacesPerm.AGENCIES_MANAGE: Scope.ALL,
                PlacesPerm.AREAS_IMPORT: Scope.ALL,
                PlacesPerm.HELPLINES_MANAGE: Scope.ALL,
            },
        },
    )
)
