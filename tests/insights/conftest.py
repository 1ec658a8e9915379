"""Cases' standing fixtures, for counting what cases recorded."""

from tests.cases.conftest import commune, open_case, supervisor  # noqa: F401
