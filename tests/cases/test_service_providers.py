"""A service in a child's plan can be provided by a service from the directory (a hospital, a
shelter) as well as by an agency of the system."""

import pytest

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.cases.models import Service
from childshield.cases.services.plan import service_add
from childshield.core.errors import ApplicationError
from childshield.directory.models import ServiceKind
from childshield.directory.services import ResourceDetails, resource_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def keeper(make_member):
    agency = Agency.objects.create(country="VN", name="Helpline 111 (test)", kind=AgencyKind.HELPLINE)
    return make_member(email="keeper@example.org", role=Role.SYSTEM_ADMIN, agency=agency)


@pytest.fixture
def hospital(keeper, commune):
    return resource_create(
        acting=keeper,
        details=ResourceDetails(
            country="VN",
            name_en="Le Thuy District Hospital",
            name_vi="Bệnh viện huyện Lệ Thủy",
            kinds=[ServiceKind.HEALTH, ServiceKind.MHPSS],
            areas=[commune.parent],
        ),
    )


def test_a_service_from_the_directory_is_added_to_the_plan_and_shown(worker, open_case, hospital, sign_in):
    case = open_case(worker)
    client = sign_in(worker)
    page = client.get(f"/en/cases/{case.pk}/").content.decode()
    assert "Le Thuy District Hospital" in page  # it serves the child's province: offered in the form
    response = client.post(
        f"/en/cases/{case.pk}/services/",
        {"kind": ServiceKind.HEALTH, "resource": hospital.pk, "status": "planned"},
    )
    assert response.status_code == 302
    service = Service.objects.get()
    assert service.resource == hospital and service.provider is None
    assert service.provider_name == "Le Thuy District Hospital"
    assert "Le Thuy District Hospital" in client.get(f"/en/cases/{case.pk}/summary/").content.decode()


def test_only_directory_services_for_the_childs_area_are_offered(
    worker, open_case, keeper, other_commune, sign_in
):
    case = open_case(worker)  # the child lives in Kim Thuy, not Truong Son
    resource_create(
        acting=keeper,
        details=ResourceDetails(
            country="VN", name_en="Truong Son health post", kinds=[ServiceKind.HEALTH], areas=[other_commune]
        ),
    )
    page = sign_in(worker).get(f"/en/cases/{case.pk}/").content.decode()
    assert "Truong Son health post" not in page


def test_a_directory_service_that_does_not_offer_the_kind_is_refused(worker, open_case, hospital):
    case = open_case(worker)
    with pytest.raises(ApplicationError) as refused:
        service_add(acting=worker, case=case, kind=ServiceKind.JUSTICE, resource=hospital)
    assert refused.value.code == "not_offered"


def test_a_service_needs_an_agency_or_a_directory_service(worker, open_case, sign_in):
    case = open_case(worker)
    with pytest.raises(ApplicationError) as refused:
        service_add(acting=worker, case=case, kind=ServiceKind.MHPSS)
    assert refused.value.code == "no_provider"
    response = sign_in(worker).post(f"/en/cases/{case.pk}/services/", {"kind": "mhpss", "status": "planned"})
    assert response.status_code == 400 and not Service.objects.exists()


def test_a_directory_service_run_by_an_agency_names_that_agency_as_provider(
    worker, open_case, keeper, commune, social_agency
):
    shelter = resource_create(
        acting=keeper,
        details=ResourceDetails(
            country="VN",
            name_en="Commune safe house",
            kinds=[ServiceKind.FAMILY_BASED_CARE],
            areas=[commune],
            agency=social_agency,
        ),
    )
    service = service_add(
        acting=worker, case=open_case(worker), kind=ServiceKind.FAMILY_BASED_CARE, resource=shelter
    )
    assert service.provider == social_agency and service.resource == shelter


def test_an_inactive_directory_service_cannot_be_chosen(worker, open_case, hospital):
    hospital.is_active = False
    hospital.save(update_fields=["is_active"])
    with pytest.raises(ApplicationError):
        service_add(acting=worker, case=open_case(worker), kind=ServiceKind.HEALTH, resource=hospital)
