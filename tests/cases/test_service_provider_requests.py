"""Who provides each service of the plan: services a referral asks for wait as requested, without a
provider; the provider is chosen and changed; another agency named as provider is asked first by a
service request (a referral limited to that service, on the case's consent), and its answer shows
on the case."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.cases.models import Referral, ReferralUpdate, Service
from childshield.cases.models.consent import ShareSection
from childshield.cases.models.plan import ServiceStatus
from childshield.cases.models.referrals import ReferralStatus, Urgency
from childshield.cases.permissions import AccessKind, case_access
from childshield.cases.services.plan import service_add, service_provider_set, service_update
from childshield.cases.services.referrals import referral_accept, referral_decline, referral_send
from childshield.core.errors import ApplicationError
from childshield.directory.models import ServiceKind
from childshield.directory.services import ResourceDetails, resource_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def health_agency():
    return Agency.objects.create(country="VN", name="Le Thuy Health Centre (test)", kind=AgencyKind.HEALTH)


@pytest.fixture
def nurse(make_member, health_agency):
    return make_member(email="nurse@example.org", role=Role.CASE_WORKER, agency=health_agency)


@pytest.fixture
def case(worker, open_case, social_agency, health_agency):
    # The child agreed to share what happened and the plan with the health centre, not who she is.
    return open_case(
        worker, consent_to=[social_agency, health_agency], sections=[ShareSection.HARM, ShareSection.SERVICES]
    )


@pytest.fixture
def service(worker, case):
    return service_add(
        acting=worker, case=case, kind=ServiceKind.MHPSS, provider=worker.agency, status=ServiceStatus.PLANNED
    )


def _ask(worker, service, agency, **overrides):
    values = {
        "consent": service.case.consents.get(),
        "sections": [ShareSection.HARM],
        "urgency": Urgency.URGENT,
        "message": "Counselling after school hours, please.",
    }
    values.update(overrides)
    return service_provider_set(
        acting=worker, service=service, version=service.version, provider=agency, **values
    )


@pytest.fixture
def school_case_referred(focal_point, worker, open_case, social_agency):
    """The school's case, referred to the social office for two services, which it accepted."""
    case = open_case(focal_point)
    referral = referral_send(
        acting=focal_point,
        case=case,
        to_agency=social_agency,
        services=[ServiceKind.MHPSS, ServiceKind.HEALTH],
        consent=case.consents.get(),
        sections=[ShareSection.HARM],
    )
    referral_accept(acting=worker, referral=referral)
    return case


def test_accepting_a_referral_creates_its_services_as_requested_without_a_provider(school_case_referred):
    case = school_case_referred
    assert sorted(case.services.values_list("kind", "status", "provider", "resource")) == [
        (ServiceKind.HEALTH, ServiceStatus.REQUESTED, None, None),
        (ServiceKind.MHPSS, ServiceStatus.REQUESTED, None, None),
    ]


def test_the_provider_is_chosen_and_changed_by_the_caseworker(worker, case, sign_in, keeper_hospital):
    service = service_add(acting=worker, case=case, kind=ServiceKind.HEALTH, provider=worker.agency)
    service.status = ServiceStatus.REQUESTED
    service.provider = None
    service.save()
    client = sign_in(worker)
    response = client.post(
        f"/en/cases/{case.pk}/services/{service.pk}/provider/",
        {
            f"provider-{service.pk}-version": service.version,
            f"provider-{service.pk}-provider": worker.agency_id,
            f"provider-{service.pk}-urgency": "routine",
        },
    )
    assert response.status_code == 302
    service.refresh_from_db()
    assert (service.provider, service.status) == (worker.agency, ServiceStatus.PLANNED)
    # Changed to a hospital of the directory that no agency of the system runs: named at once.
    service_provider_set(acting=worker, service=service, version=service.version, resource=keeper_hospital)
    service.refresh_from_db()
    assert (service.provider, service.resource) == (None, keeper_hospital)
    page = client.get(f"/en/cases/{case.pk}/").content.decode()
    assert "Le Thuy District Hospital" in page and not Referral.objects.exists()


def test_another_agency_accepts_a_service_request_and_becomes_the_provider(
    worker, nurse, case, service, sign_in, django_capture_on_commit_callbacks
):
    request = _ask(worker, service, nurse.agency)
    assert request.is_service_request and not request.is_transfer
    assert request.services_requested == [ServiceKind.MHPSS] and request.respond_by > request.sent_at
    service.refresh_from_db()
    assert service.provider == worker.agency  # unchanged until the agency answers
    nurse_client = sign_in(nurse)
    assert case.number in nurse_client.get("/en/cases/referrals/").content.decode()
    page = nurse_client.get(f"/en/cases/referrals/{request.pk}/").content.decode()
    assert "A request to provide this one service of the plan" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = nurse_client.post(f"/en/cases/referrals/{request.pk}/", {"answer": "accept"})
    assert response.status_code == 302
    service.refresh_from_db()
    assert (service.provider, service.status) == (nurse.agency, ServiceStatus.PLANNED)
    # No hand-over: the case stays with its worker.
    case.refresh_from_db()
    assert (case.lead_worker, case.agency) == (worker, worker.agency)
    assert ReferralUpdate.objects.get(recipient=worker).status == ReferralStatus.ACCEPTED
    assert mail.outbox[-1].to == [worker.user.email]
    # The health centre sees only what the consent let be shared: what happened, not who she is.
    access = case_access(nurse, case)
    assert access.kind is AccessKind.REFERRED and access.sections == {ShareSection.HARM}
    page = sign_in(worker).get(f"/en/cases/{case.pk}/").content.decode()
    assert "Asked Le Thuy Health Centre (test) to provide it: Accepted" in page


def test_a_declined_service_request_shows_its_reason_on_the_case(worker, nurse, case, service, sign_in):
    request = _ask(worker, service, nurse.agency)
    response = sign_in(nurse).post(
        f"/en/cases/referrals/{request.pk}/",
        {"answer": "decline", "reason": "No counsellor for children until March"},
    )
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.provider == worker.agency and service.status == ServiceStatus.PLANNED
    page = sign_in(worker).get(f"/en/cases/{case.pk}/").content.decode()
    assert 'data-provider-request="declined"' in page
    assert "No counsellor for children until March" in page
    # The worker may choose again once the answer came.
    assert _ask(worker, service, nurse.agency).status == ReferralStatus.SENT


def test_a_service_request_rests_on_consent_that_names_the_agency(
    worker, case, service, outsider_agency, health_agency
):
    with pytest.raises(ApplicationError) as refused:
        _ask(worker, service, outsider_agency)
    assert refused.value.code == "no_consent" and "Provincial Police" in str(refused.value.message)
    with pytest.raises(ApplicationError) as refused:
        _ask(worker, service, health_agency, consent=None)
    assert refused.value.code == "no_consent"
    with pytest.raises(ApplicationError) as refused:
        _ask(worker, service, health_agency, sections=[ShareSection.HARM, ShareSection.IDENTITY])
    assert refused.value.code == "no_consent"
    assert not Referral.objects.exists()


def test_a_waiting_request_keeps_the_provider_until_answered(worker, nurse, case, service):
    _ask(worker, service, nurse.agency)
    service.refresh_from_db()
    with pytest.raises(ApplicationError) as refused:
        service_provider_set(acting=worker, service=service, version=service.version, provider=worker.agency)
    assert refused.value.code == "request_waiting"


def test_a_provider_that_no_longer_exists_is_refused_and_nothing_is_lost(
    worker, case, service, health_agency, keeper_hospital, sign_in
):
    health_agency.is_active = False
    health_agency.save(update_fields=["is_active"])
    with pytest.raises(ApplicationError) as refused:
        _ask(worker, service, health_agency)
    assert refused.value.code == "provider_gone"
    response = sign_in(worker).post(
        f"/en/cases/{case.pk}/services/{service.pk}/provider/",
        {
            f"provider-{service.pk}-version": service.version,
            f"provider-{service.pk}-provider": health_agency.pk,
            f"provider-{service.pk}-urgency": "urgent",
            f"provider-{service.pk}-message": "Counselling after school hours, please.",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "That agency is no longer active: choose another provider." in page
    assert "Counselling after school hours, please." in page  # what was typed is kept
    keeper_hospital.is_active = False
    keeper_hospital.save(update_fields=["is_active"])
    with pytest.raises(ApplicationError) as refused:
        service_provider_set(
            acting=worker, service=service, version=service.version, resource=keeper_hospital
        )
    assert refused.value.code == "provider_gone"
    service.refresh_from_db()
    assert (service.provider, service.resource, service.version) == (worker.agency, None, 1)
    assert not Referral.objects.exists()


def test_a_service_request_answered_twice_is_refused(worker, nurse, case, service, sign_in):
    request = _ask(worker, service, nurse.agency)
    referral_accept(acting=nurse, referral=request)
    with pytest.raises(ApplicationError) as refused:
        referral_decline(acting=nurse, referral=request, reason="Changed our mind")
    assert refused.value.code == "already_answered"
    response = sign_in(nurse).post(f"/en/cases/referrals/{request.pk}/", {"answer": "accept"})
    assert response.status_code == 400
    request.refresh_from_db()
    assert request.status == ReferralStatus.ACCEPTED


def test_only_who_may_edit_the_case_chooses_the_provider(worker, nurse, outsider, case, service, sign_in):
    with pytest.raises(PermissionDenied):
        service_provider_set(
            acting=outsider, service=service, version=service.version, provider=worker.agency
        )
    referral_accept(acting=nurse, referral=_ask(worker, service, nurse.agency))
    service.refresh_from_db()
    # The agency providing a service reads the case through its request; the plan stays the worker's.
    with pytest.raises(PermissionDenied):
        service_provider_set(acting=nurse, service=service, version=service.version, provider=nurse.agency)
    response = sign_in(outsider).post(f"/en/cases/{case.pk}/services/{service.pk}/provider/", {})
    assert response.status_code == 404


@pytest.fixture
def keeper_hospital(make_member, commune):
    agency = Agency.objects.create(country="VN", name="Helpline 111 (test)", kind=AgencyKind.HELPLINE)
    keeper = make_member(email="keeper@example.org", role=Role.SYSTEM_ADMIN, agency=agency)
    return resource_create(
        acting=keeper,
        details=ResourceDetails(
            country="VN",
            name_en="Le Thuy District Hospital",
            kinds=[ServiceKind.HEALTH, ServiceKind.MHPSS],
            areas=[commune.parent],
        ),
    )


def test_a_service_planned_without_a_provider_is_refused(worker, case):
    service = Service.objects.create(
        case=case, kind=ServiceKind.HEALTH, status=ServiceStatus.REQUESTED, created_by=worker
    )
    with pytest.raises(ApplicationError) as refused:
        service_update(
            acting=worker,
            service=service,
            version=service.version,
            status=ServiceStatus.PLANNED,
            starts_on=None,
            ends_on=None,
            outcome="",
        )
    assert refused.value.code == "no_provider"


def test_the_case_page_reads_the_provider_options_once_however_many_services(worker, case, sign_in):
    client = sign_in(worker)
    service_add(acting=worker, case=case, kind=ServiceKind.MHPSS, provider=worker.agency)
    with CaptureQueriesContext(connection) as one:
        client.get(f"/en/cases/{case.pk}/")
    for kind in (ServiceKind.HEALTH, ServiceKind.EDUCATION, ServiceKind.JUSTICE):
        service_add(acting=worker, case=case, kind=kind, provider=worker.agency)
    with CaptureQueriesContext(connection) as four:
        page = client.get(f"/en/cases/{case.pk}/").content.decode()
    assert page.count("data-service-provider-form") == 4
    assert len(four.captured_queries) == len(one.captured_queries)


def test_a_service_is_not_added_with_another_agency_as_provider_without_asking_it(worker, case, nurse):
    with pytest.raises(ApplicationError) as refused:
        service_add(acting=worker, case=case, kind=ServiceKind.MHPSS, provider=nurse.agency)
    assert refused.value.code == "ask_first"
    assert not Service.objects.exists()


def test_a_service_without_a_provider_ends_refused_or_cancelled_never_completed(
    focal_point, school_case_referred
):
    case = school_case_referred
    mhpss, health = case.services.get(kind=ServiceKind.MHPSS), case.services.get(kind=ServiceKind.HEALTH)
    lead = focal_point  # the referral asked for services only: the school still leads the case
    with pytest.raises(ApplicationError, match="Choose who provided the service"):
        service_update(
            acting=lead,
            service=mhpss,
            version=mhpss.version,
            status=ServiceStatus.COMPLETED,
            starts_on=None,
            ends_on=None,
            outcome="",
        )
    service_update(
        acting=lead,
        service=health,
        version=health.version,
        status=ServiceStatus.REFUSED,
        starts_on=None,
        ends_on=None,
        outcome="The family did not want it",
    )
    health.refresh_from_db()
    mhpss.refresh_from_db()
    assert (health.status, health.provider_id, mhpss.status) == (
        ServiceStatus.REFUSED,
        None,
        ServiceStatus.REQUESTED,
    )
