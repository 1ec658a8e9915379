"""A programme manager limited to one province: only a current province of the agency's country, only for a
programme manager, set and lifted by whoever manages the agency's members, audited; the admin says why it
refuses."""

import pytest

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.audit.models import AuditAction, AuditEvent
from childshield.core.errors import ApplicationError
from childshield.places.models import Area, MembershipProvince
from childshield.places.selectors import membership_province
from childshield.places.services.membership_provinces import membership_province_set

pytestmark = pytest.mark.django_db


def set_province(acting, manager, code):
    return membership_province_set(acting=acting, membership=manager, province=Area.objects.get(code=code))


def test_an_administrator_limits_a_manager_to_a_province_and_lifts_it(shipped_data, ngo_admin, manager):
    set_province(ngo_admin, manager, "VN45")
    assert membership_province(membership=manager).code == "VN45"
    set_province(ngo_admin, manager, "VN51")
    assert membership_province(membership=manager).code == "VN51"
    membership_province_set(acting=ngo_admin, membership=manager, province=None)
    assert membership_province(membership=manager) is None

    reasons = list(
        AuditEvent.objects.filter(action=AuditAction.UPDATE, object_id=str(manager.pk))
        .order_by("id")
        .values_list("reason", flat=True)
    )
    assert reasons == [
        "figures limited to province VN45",
        "figures limited to province VN51",
        "figures no longer limited to a province",
    ]


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("VN62-KR", "Kon Ray is not a province. Choose a province."),
        ("VN44-LT-KIMTHUY", "Kim Thuy is not a province. Choose a province."),
        ("KH02", "Battambang is not in Viet Nam, the agency's country. Choose a province of Viet Nam."),
        # Quảng Bình was merged into Quảng Trị on 1 July 2025.
        ("VN44", "Quang Binh does not exist today. Choose a current province."),
    ],
)
def test_only_a_current_province_of_the_agencys_country_is_accepted(
    shipped_data, ngo_admin, manager, code, message
):
    with pytest.raises(ApplicationError) as refused:
        set_province(ngo_admin, manager, code)
    assert str(refused.value.message) == message
    assert not MembershipProvince.objects.exists()


def test_only_a_programme_managers_figures_can_be_limited(shipped_data, ngo_admin, make_member, ngo):
    worker = make_member(email="worker@example.org", role=Role.CASE_WORKER, agency=ngo)
    with pytest.raises(ApplicationError, match="Only a programme manager"):
        set_province(ngo_admin, worker, "VN45")


def test_another_agencys_administrator_cannot_set_it(shipped_data, manager, make_member):
    police = Agency.objects.create(country="VN", name="Police (test)", kind=AgencyKind.POLICE)
    outsider = make_member(email="outsider@example.org", role=Role.AGENCY_ADMIN, agency=police)
    with pytest.raises(ApplicationError, match="your own agency"):
        set_province(outsider, manager, "VN45")
    assert membership_province(membership=manager) is None


def test_the_admin_refuses_a_district_and_says_why(admin_client, shipped_data, manager):
    district = Area.objects.get(code="VN62-KR")
    page = admin_client.post(
        "/en/admin/places/membershipprovince/add/", {"membership": manager.pk, "province": district.pk}
    )
    assert page.status_code == 200
    assert "Kon Ray is not a province. Choose a province." in page.content.decode()
    assert not MembershipProvince.objects.exists()
