"""Shipped places, the people who keep the directory (in the suite's `helpline_agency`, and a clinic), and
services added through the service layer."""

from collections.abc import Callable
from datetime import time
from typing import Any

import pytest

from childshield.accounts.models import Agency, AgencyKind, Membership, Role
from childshield.directory.models import Resource
from childshield.directory.services import HoursRange, ResourceDetails, resource_create
from childshield.places.models import Area
from childshield.places.services.reference_data import reference_data_load


@pytest.fixture
def places(db: None) -> Callable[[str], Area]:
    """The shipped areas (Viet Nam with the pilot communes, Cambodia); returns a lookup by code."""
    reference_data_load()

    def area(code: str) -> Area:
        return Area.objects.get(code=code)

    return area


@pytest.fixture
def keeper(make_member: Callable[..., Membership], helpline_agency: Agency) -> Membership:
    """A helpline supervisor: keeps the whole directory."""
    return make_member(email="keeper@example.org", role=Role.HELPLINE_SUPERVISOR, agency=helpline_agency)


@pytest.fixture
def clinic_agency(db: None) -> Agency:
    return Agency.objects.create(country="VN", name="District Health Centre (test)", kind=AgencyKind.HEALTH)


@pytest.fixture
def clinic_admin(make_member: Callable[..., Membership], clinic_agency: Agency) -> Membership:
    return make_member(email="clinic.admin@example.org", role=Role.AGENCY_ADMIN, agency=clinic_agency)


OFFICE_HOURS = [
    HoursRange(weekday=day, opens=opens, closes=closes)
    for day in range(5)
    for opens, closes in ((time(7, 30), time(11, 30)), (time(13, 30), time(17, 0)))
]


@pytest.fixture
def add_resource(keeper: Membership, places: Callable[[str], Area]) -> Callable[..., Resource]:
    def add(
        *, name_vi: str = "", name_en: str = "", areas: tuple[str, ...] = ("VN",), **extra: Any
    ) -> Resource:
        acting = extra.pop("acting", keeper)
        details = ResourceDetails(
            country="VN",
            name_vi=name_vi,
            name_en=name_en or ("" if name_vi else "A service"),
            kinds=extra.pop("kinds", ["mhpss"]),
            areas=[places(code) for code in areas],
            hours=extra.pop("hours", OFFICE_HOURS),
            **extra,
        )
        return resource_create(acting=acting, details=details)

    return add
