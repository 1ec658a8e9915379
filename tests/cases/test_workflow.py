"""The status workflow, case edits and optimistic locking."""

import pytest

from childshield.cases.models import Case
from childshield.cases.models.cases import CaseStatus
from childshield.cases.selectors.cases import cases_visible_to
from childshield.cases.services.assessments import assessment_forms_default_install, assessment_record
from childshield.cases.services.details import case_supervisor_assign, case_update
from childshield.cases.services.status import case_status_change
from childshield.core.errors import ApplicationError

pytestmark = pytest.mark.django_db


def test_a_case_moves_one_step_at_a_time(worker, open_case):
    case = open_case(worker)
    case = case_status_change(
        acting=worker, case=case, version=case.version, to_status=CaseStatus.SAFETY_ASSESSMENT
    )
    assert case.status == CaseStatus.SAFETY_ASSESSMENT
    with pytest.raises(ApplicationError) as refused:
        case_status_change(acting=worker, case=case, version=case.version, to_status=CaseStatus.FOLLOW_UP)
    assert refused.value.code == "illegal_transition"
    assert "Comprehensive assessment" in str(refused.value.message)
    case.refresh_from_db()
    assert case.status == CaseStatus.SAFETY_ASSESSMENT


def test_a_step_back_is_allowed_and_kept_in_the_history(worker, open_case):
    case = open_case(worker)
    case = case_status_change(
        acting=worker, case=case, version=case.version, to_status=CaseStatus.SAFETY_ASSESSMENT
    )
    case = case_status_change(
        acting=worker, case=case, version=case.version, to_status=CaseStatus.OPEN, reason="Wrong click"
    )
    assert [change.to_status for change in case.status_changes.all()] == ["open", "safety_assessment", "open"]


def test_closing_through_a_status_change_is_refused(worker, open_case):
    case = open_case(worker)
    with pytest.raises(ApplicationError) as refused:
        case_status_change(acting=worker, case=case, version=case.version, to_status=CaseStatus.CLOSED)
    assert "closure form" in str(refused.value.message)


def test_a_stale_edit_is_refused_and_the_other_change_is_kept(worker, supervisor, open_case):
    case = open_case(worker, supervisor=supervisor)
    seen_by_worker = Case.objects.get(pk=case.pk)
    seen_by_supervisor = Case.objects.get(pk=case.pk)
    case_update(
        acting=supervisor,
        case=seen_by_supervisor,
        version=seen_by_supervisor.version,
        risk_level="high",
        harm_types=["sextortion"],
        risk_reasons="New threats tonight",
        summary="Updated by the supervisor",
    )
    with pytest.raises(ApplicationError) as refused:
        case_update(
            acting=worker,
            case=seen_by_worker,
            version=seen_by_worker.version,
            risk_level="low",
            harm_types=["grooming"],
            risk_reasons="",
            summary="Worker's older view",
        )
    assert refused.value.code == "stale"
    assert "reload the case" in str(refused.value.message)
    case.refresh_from_db()
    assert (case.risk_level, case.summary, case.version) == ("high", "Updated by the supervisor", 2)


def test_a_supervisor_is_named_later_from_the_managing_agency_only(
    worker, supervisor, focal_point, open_case
):
    case = open_case(worker)
    with pytest.raises(ApplicationError):
        case_supervisor_assign(acting=worker, case=case, version=case.version, supervisor=focal_point)
    case = case_supervisor_assign(acting=worker, case=case, version=case.version, supervisor=supervisor)
    assert case.supervisor == supervisor


def test_the_edit_page_names_a_supervisor_who_then_sees_the_case(worker, supervisor, open_case, sign_in):
    case = open_case(worker)
    client = sign_in(worker)
    response = client.post(
        f"/en/cases/{case.pk}/edit/",
        {
            "version": case.version,
            "supervisor": supervisor.pk,
            "harm_types": ["sextortion"],
            "risk_level": "high",
            "summary": "Same",
            "risk_reasons": "",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.supervisor, case.risk_level, case.version) == (supervisor, "high", 3)
    assert list(cases_visible_to(acting=supervisor)) == [case]


def test_a_case_moves_past_an_assessment_only_once_it_is_recorded(worker, open_case):
    case = open_case(worker)
    case = case_status_change(
        acting=worker, case=case, version=case.version, to_status=CaseStatus.SAFETY_ASSESSMENT
    )
    with pytest.raises(ApplicationError) as refused:
        case_status_change(
            acting=worker, case=case, version=case.version, to_status=CaseStatus.COMPREHENSIVE_ASSESSMENT
        )
    assert refused.value.code == "assessment_missing"
    assert "Record the safety assessment" in str(refused.value.message)
    safety, _comprehensive = assessment_forms_default_install()
    assessment_record(
        acting=worker,
        case=case,
        form=safety,
        answers={q["key"]: q["choices"][0]["value"] for q in safety.questions if q["type"] == "choice"},
    )
    case = case_status_change(
        acting=worker, case=case, version=case.version, to_status=CaseStatus.COMPREHENSIVE_ASSESSMENT
    )
    assert case.status == CaseStatus.COMPREHENSIVE_ASSESSMENT
