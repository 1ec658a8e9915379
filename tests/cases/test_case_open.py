"""Opening a case: numbers per agency and year, encrypted personal fields, possible duplicates."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone

from childshield.audit.models import AuditAction, AuditEvent
from childshield.cases.models import Child
from childshield.cases.models.cases import CaseStatus
from childshield.cases.name_search import child_name_index
from childshield.cases.services.opening import case_open
from childshield.core.errors import ApplicationError
from tests.cases.conftest import child_input

pytestmark = pytest.mark.django_db


def test_cases_are_numbered_per_agency_and_year(worker, focal_point, open_case, commune):
    year = timezone.now().year
    first = open_case(worker)
    second = open_case(worker, child=child_input(commune, full_name="Trần Văn Bình"))
    other_agency = open_case(focal_point, child=child_input(commune, full_name="Lê Thị Cúc"))
    # Each agency counts its own, behind its short code: the same sequence reads as two cases.
    social, school = worker.agency.short_code, focal_point.agency.short_code
    assert (social, school) == ("CSWO", "KTS")  # "Commune Social Work Office", "Kim Thuy School (test)"
    assert (first.number, second.number) == (f"CSWO-{year}-0001", f"CSWO-{year}-0002")
    assert other_agency.number == f"KTS-{year}-0001"
    assert first.status == CaseStatus.OPEN
    assert first.lead_worker == worker
    assert first.safety_assessment_due_at == first.opened_at + timezone.timedelta(hours=24)


def test_the_childs_personal_fields_are_stored_encrypted(worker, open_case):
    case = open_case(worker)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT full_name, school, caregivers, safe_contact FROM cases_child WHERE id = %s",
            [case.child_id],
        )
        raw = " ".join(cursor.fetchone())
    for secret in ("Hoa", "Kim Thuy", "0912", "class teacher"):
        assert secret not in raw
    child = Child.objects.get(pk=case.child_id)
    assert child.full_name == "Nguyễn Thị Hoa"
    assert child.caregivers[0]["phone"] == "0912 345 678"


def test_a_child_with_the_same_name_birth_year_and_area_is_flagged_not_merged(
    worker, focal_point, open_case, commune
):
    first = open_case(focal_point)
    # Spelled without diacritics and in capitals: the blind index normalises both.
    same = child_input(commune, full_name="NGUYEN THI HOA")
    with pytest.raises(ApplicationError) as refused:
        open_case(worker, child=same)
    assert refused.value.code == "possible_duplicate"
    check = refused.value.extra["duplicates"]
    # The first case is at another agency: the worker learns only that the child may be known there.
    assert (check.known, check.elsewhere_count) == ([], 1)
    assert Child.objects.count() == 1

    second = open_case(worker, child=same, duplicates_acknowledged=True)
    assert second.child_id != first.child_id
    assert Child.objects.count() == 2


def test_the_same_name_in_another_area_is_not_a_duplicate(worker, open_case, commune, other_commune):
    open_case(worker)
    open_case(worker, child=child_input(other_commune))


def test_a_case_can_be_opened_for_a_child_already_recorded(worker, open_case, commune):
    first = open_case(worker)
    second = case_open(
        acting=worker,
        child=child_input(commune),
        risk_level="low",
        harm_types=["grooming"],
        existing_child=first.child,
    )
    assert second.child_id == first.child_id


def test_opening_needs_a_name_a_risk_level_and_a_harm_type(worker, commune):
    for kwargs in (
        {"child": child_input(commune, full_name=" "), "risk_level": "low", "harm_types": ["grooming"]},
        {"child": child_input(commune), "risk_level": "", "harm_types": ["grooming"]},
        {"child": child_input(commune), "risk_level": "low", "harm_types": []},
        {"child": child_input(commune), "risk_level": "low", "harm_types": ["made-up"]},
    ):
        with pytest.raises(ApplicationError):
            case_open(acting=worker, **kwargs)


def test_an_agency_administrator_cannot_open_a_case(make_member, commune):
    admin = make_member(email="admin@example.org", role="agency_admin")
    with pytest.raises(PermissionDenied):
        case_open(acting=admin, child=child_input(commune), risk_level="low", harm_types=["grooming"])


def test_opening_records_consent_and_audits_child_and_case(worker, open_case, social_agency):
    case = open_case(worker)
    consent = case.consents.get()
    assert consent.is_in_force
    assert list(consent.agencies.all()) == [social_agency]
    created = set(AuditEvent.objects.filter(action=AuditAction.CREATE).values_list("object_type", flat=True))
    assert {"cases.Child", "cases.Case", "cases.Consent"} <= created


def test_the_estimated_age_gives_a_birth_year(worker, commune):
    case = case_open(
        acting=worker,
        child=child_input(commune, date_of_birth=None, estimated_age=14),
        risk_level="low",
        harm_types=["grooming"],
    )
    assert case.child.birth_year == timezone.localdate().year - 14
    assert case.child.age_is_estimated


def test_disability_follows_the_washington_group_cut_off(worker, commune):
    case = case_open(
        acting=worker,
        child=child_input(commune, disability={"seeing": "some", "hearing": "a_lot"}),
        risk_level="low",
        harm_types=["grooming"],
    )
    assert case.child.has_disability is True
    assert child_name_index("nguyen thi hoa") == case.child.name_index
