"""Finding a case by its number, typed with its agency's code or, as before codes, without it."""

import pytest

from childshield.accounts.models import Role
from childshield.cases.selectors.break_glass import breakable_case
from childshield.cases.selectors.case_list import CaseFilters, case_list
from tests.cases.conftest import child_input

pytestmark = pytest.mark.django_db


def test_a_case_is_found_by_its_number_with_or_without_the_code(worker, open_case, commune, make_member):
    case = open_case(worker)
    _code, plain = case.number.split("-", 1)
    for typed in (case.number, case.number.lower(), plain):
        assert list(case_list(acting=worker, filters=CaseFilters(number=typed))) == [case], typed
    assert not case_list(acting=worker, filters=CaseFilters(number=f"XX-{plain}")).exists()


def test_break_glass_by_a_number_without_its_code_names_no_case_when_two_agencies_have_it(
    worker, focal_point, open_case, commune, make_member, outsider_agency
):
    first = open_case(worker)
    other = open_case(focal_point, child=child_input(commune, full_name="Lê Thị Cúc"))
    admin = make_member(email="sysadmin@example.org", role=Role.SYSTEM_ADMIN, agency=outsider_agency)
    plain = first.number.split("-", 1)[1]
    assert other.number.endswith(plain)
    assert breakable_case(acting=admin, number=plain, agency_id=None) is None
    assert breakable_case(acting=admin, number=first.number, agency_id=None) == first
    assert breakable_case(acting=admin, number=plain, agency_id=other.opened_by_agency_id) == other
