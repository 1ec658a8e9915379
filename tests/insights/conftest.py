"""Cases' standing fixtures, for counting what cases recorded; the helpline's month of contacts, for its
CHI figures; the shipped areas and a programme NGO's manager and administrator, for who sees which place."""

from tests.cases.conftest import clock, commune, focal_point, open_case, school_agency, supervisor  # noqa: F401
from tests.helpline.conftest import march  # noqa: F401
from tests.places.conftest import manager, ngo, ngo_admin, shipped_data  # noqa: F401
