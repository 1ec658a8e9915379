"""Which areas an agency covers."""

from collections.abc import Iterable

from django.db import transaction

from childshield.accounts.models import Agency
from childshield.places.models import AgencyArea, Area
from childshield.places.reference_files import ReferenceDataError


@transaction.atomic
def agency_areas_add(*, agency: Agency, area_codes: Iterable[str]) -> int:
    """Record that an agency covers these areas; returns how many were new. Unknown codes are an error."""
    codes = list(dict.fromkeys(area_codes))
    areas = {area.code: area for area in Area.objects.filter(code__in=codes)}
    unknown = [code for code in codes if code not in areas]
    if unknown:
        raise ReferenceDataError(
            source="agency areas", errors=[f"unknown area code {code!r}" for code in unknown]
        )
    existing = set(
        AgencyArea.objects.filter(agency=agency, area__code__in=codes).values_list("area__code", flat=True)
    )
    new = [AgencyArea(agency=agency, area=areas[code]) for code in codes if code not in existing]
    AgencyArea.objects.bulk_create(new)
    return len(new)


@transaction.atomic
def agency_areas_replace(*, agency: Agency, areas: Iterable[Area]) -> tuple[list[str], list[str]]:
    """Make `areas` exactly the areas the agency serves; returns the codes added and removed. The use
    case that calls it records the change in the audit log (places/services/agencies.py)."""
    wanted = {area.pk: area for area in areas}
    current = dict(AgencyArea.objects.filter(agency=agency).values_list("area_id", "area__code"))
    removed = sorted(code for area_id, code in current.items() if area_id not in wanted)
    AgencyArea.objects.filter(agency=agency).exclude(area_id__in=wanted).delete()
    new = [AgencyArea(agency=agency, area=area) for pk, area in wanted.items() if pk not in current]
    AgencyArea.objects.bulk_create(new)
    return sorted(link.area.code for link in new), removed
