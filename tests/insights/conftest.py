"""Cases' standing fixtures, for counting what cases recorded; the helpline's month of contacts, for its
CHI figures."""

from tests.cases.conftest import commune, open_case, supervisor  # noqa: F401
from tests.helpline.conftest import march  # noqa: F401
from tests.places.conftest import shipped_data  # noqa: F401
