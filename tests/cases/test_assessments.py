"""Assessments: forms as data, versioned; answers kept with the questions they answered."""

import pytest
from django.core.exceptions import PermissionDenied

from childshield.cases.models import Assessment, AssessmentForm
from childshield.cases.selectors.assessments import assessment_form_current
from childshield.cases.services.assessments import (
    assessment_form_publish,
    assessment_forms_default_install,
    assessment_record,
)
from childshield.core.errors import ApplicationError

pytestmark = pytest.mark.django_db

SAFE = {
    "safe_now": "no",
    "contact_ongoing": "yes",
    "threats": "yes",
    "self_harm": "not_known",
    "home_safe": "yes",
    "trusted_adult": "yes",
    "actions": "Blocked the account with her; teacher informed",
}


def test_the_safety_assessment_is_recorded_from_the_default_form(worker, open_case, sign_in):
    case = open_case(worker)
    client = sign_in(worker)
    page = client.get(f"/en/cases/{case.pk}/").content.decode()
    assert "Safety assessment due by" in page
    form_page = client.get(f"/en/cases/{case.pk}/assessments/safety/").content.decode()
    assert "Is the child safe right now?" in form_page
    form = AssessmentForm.objects.get(kind="safety", agency=None)
    response = client.post(f"/en/cases/{case.pk}/assessments/safety/", {**SAFE, "form_version": form.pk})
    assert response.status_code == 302
    assessment = Assessment.objects.get()
    assert assessment.answers["threats"] == "yes"
    page = client.get(f"/en/cases/{case.pk}/").content.decode()
    assert "Safety assessment due by" not in page
    assert "Blocked the account with her" in page


def test_a_missing_required_answer_is_refused_and_the_rest_kept(worker, open_case, sign_in):
    case = open_case(worker)
    client = sign_in(worker)
    client.get(f"/en/cases/{case.pk}/assessments/safety/")
    answers = {key: value for key, value in SAFE.items() if key != "threats"}
    response = client.post(f"/en/cases/{case.pk}/assessments/safety/", answers)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Blocked the account with her" in page
    assert not Assessment.objects.exists()


def test_an_agency_publishes_its_own_version_and_old_answers_keep_their_questions(
    worker, supervisor, open_case
):
    case = open_case(worker, supervisor=supervisor)
    default_safety, _comprehensive = assessment_forms_default_install()
    first = assessment_record(acting=worker, case=case, form=default_safety, answers=SAFE)
    with pytest.raises(PermissionDenied):
        assessment_form_publish(
            acting=worker,
            kind="safety",
            title={"en": "x"},
            questions=[{"key": "a", "type": "text", "label": {"en": "A"}}],
        )
    own = assessment_form_publish(
        acting=supervisor,
        kind="safety",
        title={"en": "Safety check (commune)"},
        questions=[
            {"key": "safe_now", "type": "choice", "required": True, "label": {"en": "Safe now?"},
             "choices": [{"value": "yes", "label": {"en": "Yes"}}, {"value": "no", "label": {"en": "No"}}]},
        ],
    )  # fmt: skip
    assert own.version == 1 and own.agency == supervisor.agency
    assert assessment_form_current(kind="safety", agency_id=case.agency_id) == own
    second = assessment_record(acting=worker, case=case, form=own, answers={"safe_now": "yes"})
    first.refresh_from_db()
    assert first.form == default_safety and len(first.form.questions) == 7
    assert second.answers == {"safe_now": "yes"}


def test_another_agencys_form_version_is_neither_shown_nor_answered(
    worker, open_case, sign_in, make_member, outsider_agency
):
    case = open_case(worker)
    outsider_lead = make_member(email="lead@outsider.example", role="case_supervisor", agency=outsider_agency)
    theirs = assessment_form_publish(
        acting=outsider_lead,
        kind="safety",
        title={"en": "Outsider's private safety check"},
        questions=[{"key": "note", "type": "text", "label": {"en": "Anything?"}}],
    )
    client = sign_in(worker)
    page = client.post(f"/en/cases/{case.pk}/assessments/safety/", {"note": "x", "form_version": theirs.pk})
    assert "Outsider's private safety check" not in page.content.decode()
    assert not Assessment.objects.filter(form=theirs).exists()
    with pytest.raises(PermissionDenied):
        assessment_record(acting=worker, case=case, form=theirs, answers={"note": "x"})
    assert not Assessment.objects.filter(form=theirs).exists()


def test_an_answer_outside_the_choices_is_refused(worker, open_case):
    case = open_case(worker)
    form, _ = assessment_forms_default_install()
    with pytest.raises(ApplicationError):
        assessment_record(acting=worker, case=case, form=form, answers={**SAFE, "safe_now": "maybe"})


def test_a_form_without_questions_or_labels_cannot_be_published(supervisor):
    for questions in (
        [],
        [{"key": "a", "type": "text", "label": {}}],
        [{"key": "a", "type": "slider", "label": {"en": "A"}}],
    ):
        with pytest.raises(ApplicationError):
            assessment_form_publish(acting=supervisor, kind="safety", title={"en": "x"}, questions=questions)


def test_installing_the_default_forms_twice_keeps_one_version(db):
    assessment_forms_default_install()
    assessment_forms_default_install()
    assert AssessmentForm.objects.count() == 2
