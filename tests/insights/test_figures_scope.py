"""What a member's figures may cover: a programme manager the country or the one province their membership
names (areas of a province merged in 2025 counting in its successor), a supervisor their agency, a counsellor
nothing."""

import pytest
from django.core.exceptions import PermissionDenied

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.insights.scope import FiguresScope, figures_scope
from childshield.places.models import Area
from childshield.places.services.membership_provinces import membership_province_set

pytestmark = pytest.mark.django_db


def area(code):
    return Area.objects.get(code=code)


@pytest.fixture
def quang_tri_manager(make_member, ngo, ngo_admin, shipped_data):
    limited = make_member(email="quang-tri@example.org", role=Role.PROGRAMME_MANAGER, agency=ngo)
    membership_province_set(acting=ngo_admin, membership=limited, province=area("VN45"))
    return limited


def test_a_manager_limited_to_a_province_sees_only_that_province(quang_tri_manager):
    scope = figures_scope(quang_tri_manager)

    assert scope == FiguresScope(country="VN", province=area("VN45"), agency=None)
    assert scope.allows_area(area("VN45"))
    assert not scope.allows_area(area("VN51"))
    assert not scope.allows_area(area("VN62-KR-DAKKOI"))  # Kon Tum's, in Quảng Ngãi since the merger
    assert not scope.allows_area(area("VN"))  # the country is more than the province
    assert not scope.allows_area(area("KH02"))


def test_an_area_of_a_province_merged_in_2025_counts_in_its_successor(quang_tri_manager):
    scope = figures_scope(quang_tri_manager)

    # Quảng Bình, and a commune recorded under it, are Quảng Trị's since 1 July 2025.
    assert scope.allows_area(area("VN44"))
    assert scope.allows_area(area("VN44-LT-KIMTHUY"))


def test_a_manager_without_a_province_sees_the_whole_country(manager, shipped_data):
    scope = figures_scope(manager)

    assert scope == FiguresScope(country="VN", province=None, agency=None)
    for code in ("VN", "VN45", "VN62-KR-DAKKOI", "VN44"):
        assert scope.allows_area(area(code))
    assert not scope.allows_area(area("KH02"))


def test_lifting_the_limit_gives_the_country_back(quang_tri_manager, ngo_admin):
    membership_province_set(acting=ngo_admin, membership=quang_tri_manager, province=None)

    assert figures_scope(quang_tri_manager).province is None


@pytest.mark.parametrize("role", [Role.CASE_SUPERVISOR, Role.HELPLINE_SUPERVISOR])
def test_a_supervisor_sees_their_agency(make_member, role):
    agency = Agency.objects.create(country="KH", name="Agency (test)", kind=AgencyKind.SOCIAL_SERVICES)
    supervisor = make_member(email="supervisor@example.org", role=role, agency=agency)

    assert figures_scope(supervisor) == FiguresScope(country="KH", province=None, agency=agency)


def test_a_counsellor_has_no_figures(make_member, helpline_agency):
    counsellor = make_member(email="c@example.org", role=Role.COUNSELLOR, agency=helpline_agency)

    with pytest.raises(PermissionDenied):
        figures_scope(counsellor)
