"""Cases' standing fixtures and their clock, for counting what cases recorded and timing referrals; the
helpline's month of contacts, for its CHI figures; two hotline analysts, for items removed; the shipped
areas and a programme NGO's manager and administrator, for who sees which place."""

from tests.cases.conftest import clock, commune, focal_point, open_case, school_agency, supervisor  # noqa: F401
from tests.helpline.conftest import march  # noqa: F401
from tests.hotline.conftest import analyst, hotline_agency, second_analyst  # noqa: F401
from tests.places.conftest import manager, ngo, ngo_admin, shipped_data  # noqa: F401
