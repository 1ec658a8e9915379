"""Guided status: the case page shows the next step and what is still missing for it, a button when
nothing is; a move posted anyway is refused by the service with the reason."""

import pytest
from django.utils import timezone

from childshield.cases.models.assessments import AssessmentKind
from childshield.cases.models.cases import CaseStatus
from childshield.cases.services.assessments import assessment_forms_default_install, assessment_record
from childshield.cases.services.plan import service_add
from childshield.cases.services.status import case_status_change
from childshield.cases.workflow import NO_SERVICE, CaseFacts, case_guidance, step_missing
from childshield.core.errors import ApplicationError
from childshield.directory.models import ServiceKind

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
NOTHING = CaseFacts(assessments=frozenset(), has_services=False)
EVERYTHING = CaseFacts(assessments=frozenset(AssessmentKind.values), has_services=True)


def missing_of(status, facts=NOTHING):
    guidance = case_guidance(status=status, facts=facts)
    assert guidance.next_step is not None
    return guidance.next_step.status, [str(item.text) for item in guidance.next_step.missing]


def test_an_open_case_may_start_its_safety_assessment_at_once():
    assert missing_of(CaseStatus.OPEN) == (CaseStatus.SAFETY_ASSESSMENT, [])
    assert case_guidance(status=CaseStatus.OPEN, facts=NOTHING).other_moves == ()


def test_each_assessment_is_missing_until_recorded():
    assert missing_of(CaseStatus.SAFETY_ASSESSMENT) == (
        CaseStatus.COMPREHENSIVE_ASSESSMENT,
        ["safety assessment not recorded"],
    )
    assert missing_of(CaseStatus.COMPREHENSIVE_ASSESSMENT) == (
        CaseStatus.SERVICE_PLAN,
        ["comprehensive assessment not recorded"],
    )
    assert missing_of(CaseStatus.COMPREHENSIVE_ASSESSMENT, EVERYTHING) == (CaseStatus.SERVICE_PLAN, [])


def test_a_plan_is_carried_out_only_once_it_holds_a_service():
    assert missing_of(CaseStatus.SERVICE_PLAN) == (CaseStatus.IMPLEMENTATION, ["no service in the plan yet"])
    assert missing_of(CaseStatus.SERVICE_PLAN, EVERYTHING) == (CaseStatus.IMPLEMENTATION, [])


def test_the_step_back_is_another_move_and_never_misses_anything():
    guidance = case_guidance(status=CaseStatus.SERVICE_PLAN, facts=NOTHING)
    assert guidance.other_moves == (CaseStatus.COMPREHENSIVE_ASSESSMENT,)
    assert step_missing(status=CaseStatus.SERVICE_PLAN, to_status=CaseStatus.OPEN, facts=NOTHING) == ()


def test_after_follow_up_the_next_step_is_closing_through_its_own_path():
    guidance = case_guidance(status=CaseStatus.FOLLOW_UP, facts=EVERYTHING)
    assert guidance.next_step is None and guidance.other_moves == (CaseStatus.IMPLEMENTATION,)


def _to_service_plan(worker, case):
    safety, comprehensive = assessment_forms_default_install()
    for step, form in (
        (CaseStatus.SAFETY_ASSESSMENT, safety),
        (CaseStatus.COMPREHENSIVE_ASSESSMENT, comprehensive),
        (CaseStatus.SERVICE_PLAN, None),
    ):
        case = case_status_change(acting=worker, case=case, version=case.version, to_status=step)
        if form is not None:
            answers = {q["key"]: q["choices"][0]["value"] for q in form.questions if q["type"] == "choice"}
            answers.update({q["key"]: "Talked with her" for q in form.questions if q["type"] != "choice"})
            assessment_record(acting=worker, case=case, form=form, answers=answers)
    return case


def _plan_a_service(worker, case):
    service_add(acting=worker, case=case, kind=ServiceKind.HEALTH, provider=worker.agency, starts_on=TODAY())


def test_moving_to_implementation_without_a_service_is_refused_with_the_reason(worker, open_case):
    case = _to_service_plan(worker, open_case(worker))
    with pytest.raises(ApplicationError) as refused:
        case_status_change(
            acting=worker, case=case, version=case.version, to_status=CaseStatus.IMPLEMENTATION
        )
    assert refused.value.code == "service_missing"
    assert "Add a service to the plan" in str(refused.value.message)
    service_add(
        acting=worker,
        case=case,
        kind=ServiceKind.HEALTH,
        provider=worker.agency,
        starts_on=timezone.localdate(),
    )
    case = case_status_change(
        acting=worker, case=case, version=case.version, to_status=CaseStatus.IMPLEMENTATION
    )
    assert case.status == CaseStatus.IMPLEMENTATION


def test_the_case_page_offers_the_next_step_when_nothing_is_missing(worker, open_case, sign_in):
    case = open_case(worker)
    client = sign_in(worker)
    page = client.get(f"/en/cases/{case.pk}/").content.decode()
    assert 'data-next-step="safety_assessment"' in page
    assert "Go to the next step: Safety assessment" in page and "data-missing" not in page
    answer = client.post(
        f"/en/cases/{case.pk}/status/", {"version": case.version, "to_status": CaseStatus.SAFETY_ASSESSMENT}
    )
    assert answer.status_code == 302
    page = client.get(f"/en/cases/{case.pk}/").content.decode()
    assert 'data-next-step="comprehensive_assessment"' in page
    assert 'data-missing-item="safety"' in page and "safety assessment not recorded" in page
    assert f'href="/en/cases/{case.pk}/assessments/safety/"' in page
    assert "Go to the next step" not in page


def test_a_move_posted_while_something_is_missing_is_refused_with_the_reason(worker, open_case, sign_in):
    case = open_case(worker)
    case = case_status_change(
        acting=worker, case=case, version=case.version, to_status=CaseStatus.SAFETY_ASSESSMENT
    )
    answer = sign_in(worker).post(
        f"/en/cases/{case.pk}/status/",
        {"version": case.version, "to_status": CaseStatus.COMPREHENSIVE_ASSESSMENT},
    )
    assert answer.status_code == 400
    assert "Record the safety assessment before the case moves to" in answer.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.SAFETY_ASSESSMENT


def test_the_page_names_the_missing_service_with_a_link_to_the_plan(worker, open_case, sign_in):
    case = _to_service_plan(worker, open_case(worker))
    page = sign_in(worker).get(f"/en/cases/{case.pk}/").content.decode()
    assert f'data-missing-item="{NO_SERVICE}"' in page and "no service in the plan yet" in page
    assert 'href="#services"' in page


def test_a_case_in_follow_up_points_to_the_closure_form(worker, open_case, sign_in):
    case = _to_service_plan(worker, open_case(worker))
    service_add(
        acting=worker,
        case=case,
        kind=ServiceKind.HEALTH,
        provider=worker.agency,
        starts_on=timezone.localdate(),
    )
    for step in (CaseStatus.IMPLEMENTATION, CaseStatus.FOLLOW_UP):
        case = case_status_change(acting=worker, case=case, version=case.version, to_status=step)
    page = sign_in(worker).get(f"/en/cases/{case.pk}/").content.decode()
    assert 'data-next-step="closed"' in page and f'href="/en/cases/{case.pk}/close/"' in page
