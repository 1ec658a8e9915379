"""The child's voice: a one-time link answered alone, or paper answers typed in; counted, never
shown with the child's name."""

import re

import pytest
from django.test import Client

from childshield.audit.models import AuditEvent
from childshield.cases.models import FeedbackResponse
from childshield.cases.services.feedback import feedback_invite, feedback_record_paper
from tests.cases.conftest import child_input

pytestmark = pytest.mark.django_db

ANSWERS = {"listened": "yes", "safe": "a_little", "not_blamed": "yes", "helped": "not_said"}


def test_the_child_answers_alone_through_a_link_that_works_once(
    worker, supervisor, open_case, sign_in, commune
):
    case = open_case(worker, supervisor=supervisor, child=child_input(commune, languages=["en"]))
    page = (
        sign_in(worker).post(f"/en/cases/{case.pk}/feedback/link/", {"respondent": "child"}).content.decode()
    )
    link = re.search(r'value="(http[^"]+/en/cases/feedback/[^"]+/)"', page).group(1)
    path = link.split("testserver", 1)[1]

    child = Client()
    survey = child.get(path).content.decode()
    assert "Did you feel listened to?" in survey
    assert "Hoa" not in survey and case.number not in survey
    thanks = child.post(path, ANSWERS)
    assert "not your fault" in thanks.content.decode()

    response = FeedbackResponse.objects.get()
    assert (response.respondent, response.channel, response.safe) == ("child", "link", "a_little")
    assert response.agency_id == case.agency_id and response.period.day == 1
    assert child.post(path, ANSWERS).status_code == 404
    assert FeedbackResponse.objects.count() == 1


def test_a_made_up_link_does_not_work(db):
    assert Client().get("/en/cases/feedback/not-a-real-token/").status_code == 404


def test_answers_are_not_linked_to_the_case(worker, open_case):
    case = open_case(worker)
    feedback_record_paper(acting=worker, case=case, respondent="caregiver", answers=ANSWERS, language="vi")
    field_names = {field.name for field in FeedbackResponse._meta.get_fields()}
    assert "case" not in field_names and "invitation" not in field_names
    assert AuditEvent.objects.filter(object_type="cases.FeedbackResponse", object_id="").exists()


def test_paper_answers_need_each_question(worker, open_case, sign_in):
    case = open_case(worker)
    response = sign_in(worker).post(
        f"/en/cases/{case.pk}/feedback/paper/", {"respondent": "child", "listened": "yes"}
    )
    assert response.status_code == 400
    assert not FeedbackResponse.objects.exists()


def test_a_colleague_cannot_make_a_link(worker, colleague, open_case, sign_in):
    case = open_case(worker)
    assert (
        sign_in(colleague).post(f"/en/cases/{case.pk}/feedback/link/", {"respondent": "child"}).status_code
        == 404
    )


def test_the_survey_sets_no_cookie_and_refuses_posts_from_another_site(worker, open_case):
    case = open_case(worker)
    _invitation, token = feedback_invite(acting=worker, case=case, respondent="child")
    child = Client(enforce_csrf_checks=True)
    page = child.get(f"/en/cases/feedback/{token}/")
    assert page.status_code == 200 and not page.cookies
    forged = child.post(f"/en/cases/feedback/{token}/", ANSWERS, HTTP_ORIGIN="https://evil.example")
    assert forged.status_code == 403
    assert not FeedbackResponse.objects.exists()
    sent = child.post(f"/en/cases/feedback/{token}/", ANSWERS, HTTP_ORIGIN="http://testserver")
    assert sent.status_code == 200 and FeedbackResponse.objects.count() == 1


def _link_language(client, case):
    page = client.post(f"/en/cases/{case.pk}/feedback/link/", {"respondent": "child"}).content.decode()
    return re.search(r'value="http[^"]+?/(\w+)/cases/feedback/[^"]+/"', page).group(1)


def test_the_feedback_link_opens_in_the_childs_language_not_the_workers(worker, open_case, sign_in, commune):
    client = sign_in(worker)  # the worker reads the pages in English
    case = open_case(worker, child=child_input(commune, languages=["other", "km"]))
    assert _link_language(client, case) == "km"


def test_without_a_language_the_pages_speak_the_link_opens_in_the_countrys(
    worker, open_case, sign_in, commune
):
    client = sign_in(worker)
    case = open_case(worker, child=child_input(commune, languages=["other"]))
    assert _link_language(client, case) == "vi"
