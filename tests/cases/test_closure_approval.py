"""Closure approval that shows why (issue 16): the supervisor's list of closures waiting, the review
with its warnings and the child's wishes, approval acknowledged or a send-back with a reason the
worker reads; nobody approves the closure of a case they lead; stale and repeated decisions refused."""

import importlib
import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from childshield.accounts.models import Role
from childshield.audit.models import AuditAction, AuditEvent
from childshield.cases.models import Case, ClosureRequest
from childshield.cases.models.cases import CaseStatus
from childshield.cases.models.closure import ClosureDecision
from childshield.cases.selectors.assessments import assessment_form_current
from childshield.cases.selectors.closure import closure_review_get, closure_warnings, closures_waiting
from childshield.cases.selectors.home import worker_home
from childshield.cases.services.assessments import assessment_record
from childshield.cases.services.closure import (
    case_closure_approve,
    case_closure_request,
    case_closure_send_back,
)
from childshield.cases.services.details import case_supervisor_assign, case_update
from childshield.cases.services.follow_ups import followup_add, followup_complete
from childshield.cases.services.plan import service_add
from childshield.core.errors import ApplicationError
from childshield.directory.models import ServiceKind
from tests.cases.conftest import child_input
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

ALL_TICKED = {"child_safe": True, "services_done": True, "caregiver_informed": True}
EVERY_WARNING = ["high_risk", "open_follow_ups", "services_pending"]


@pytest.fixture
def signed_in():
    """A client of its own for each member, signed in through the real sign-in page."""

    def do(member):
        client = Client()
        response = client.post("/en/account/sign-in/", {"username": member.user.email, "password": PASSWORD})
        assert response.status_code == 302
        return client

    return do


@pytest.fixture
def asked(worker, supervisor, open_case, social_agency):
    """A high-risk case with a follow-up and a service still open, whose worker asked to close it
    (explaining in the note why services are not all done)."""
    case = open_case(worker, supervisor=supervisor, risk_level="high")
    followup_add(acting=worker, case=case, due_on=timezone.localdate(), assignee=worker, purpose="Home visit")
    service_add(acting=worker, case=case, kind=ServiceKind.MHPSS, provider=social_agency)
    case.refresh_from_db()
    return case_closure_request(
        acting=worker,
        case=case,
        version=case.version,
        reason="moved",
        checklist={"child_safe": True, "services_done": False, "caregiver_informed": True},
        note="The family moves to the city; counselling continues there.",
    )


def _ask(case, worker, **overrides):
    case.refresh_from_db()
    return case_closure_request(
        acting=worker,
        case=case,
        version=case.version,
        reason=overrides.get("reason", "goals_met"),
        checklist=overrides.get("checklist", ALL_TICKED),
        note=overrides.get("note", "Counselling goes on at the new school."),
    )


# Warnings and acknowledgement ------------------------------------------------------------------------


def test_the_review_lists_every_warning_with_what_stands_open(asked, supervisor):
    review = closure_review_get(acting=supervisor, case_id=asked.pk)
    assert review.warnings == EVERY_WARNING
    assert [f.purpose for f in review.open_follow_ups] == ["Home visit"]
    assert [s.kind for s in review.services_not_done] == [ServiceKind.MHPSS]
    assert review.waiting is not None and review.waiting.note.startswith("The family moves")
    assert closure_warnings(case=asked) == EVERY_WARNING


def test_a_medium_risk_case_with_nothing_open_has_no_warning(worker, supervisor, open_case):
    case = _ask(open_case(worker, supervisor=supervisor, risk_level="medium"), worker)
    assert closure_review_get(acting=supervisor, case_id=case.pk).warnings == []
    case = case_closure_approve(acting=supervisor, case=case, version=case.version)
    assert case.status == CaseStatus.CLOSED


def test_approval_is_refused_by_the_service_until_every_warning_is_acknowledged(asked, supervisor):
    for acknowledged in ([], ["high_risk", "open_follow_ups"]):
        with pytest.raises(ApplicationError) as refused:
            case_closure_approve(
                acting=supervisor, case=asked, version=asked.version, acknowledged=acknowledged
            )
        assert refused.value.code == "unacknowledged"
        assert "Services are still planned or in progress" in str(refused.value.message)
    asked.refresh_from_db()
    assert asked.status != CaseStatus.CLOSED
    assert asked.closure_requests.get().decision == ClosureDecision.WAITING
    case = case_closure_approve(
        acting=supervisor, case=asked, version=asked.version, acknowledged=EVERY_WARNING
    )
    assert case.status == CaseStatus.CLOSED and case.closure_approved_by == supervisor
    request = case.closure_requests.get()
    assert request.decision == ClosureDecision.APPROVED and request.decided_by == supervisor
    assert request.warnings_acknowledged == EVERY_WARNING


def test_a_warning_that_appeared_after_the_page_was_read_is_not_acknowledged_by_the_tick(
    worker, supervisor, open_case, signed_in
):
    case = _ask(open_case(worker, supervisor=supervisor, risk_level="high"), worker)
    client = signed_in(supervisor)
    page = client.get(f"/en/cases/{case.pk}/close/review/").content.decode()
    assert 'data-warning="high_risk"' in page and 'data-warning="open_follow_ups"' not in page
    # Follow-ups have versions of their own: adding one does not change the case's version.
    followup_add(acting=worker, case=case, due_on=timezone.localdate(), assignee=worker, purpose="Call")
    response = client.post(
        f"/en/cases/{case.pk}/close/approve/",
        {"version": case.version, "warnings": "high_risk", "acknowledge": "on"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Follow-ups are still open" in page
    assert Case.objects.get(pk=case.pk).status != CaseStatus.CLOSED
    # The page shown again lists the new warning: ticking now acknowledges what the page shows.
    assert 'name="warnings" value="high_risk,open_follow_ups"' in page
    assert re.search(r'name="acknowledge"[^>]*>', page) and not re.search(
        r'name="acknowledge"[^>]*checked', page
    )
    response = client.post(
        f"/en/cases/{case.pk}/close/approve/",
        {"version": case.version, "warnings": "high_risk,open_follow_ups", "acknowledge": "on"},
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).status == CaseStatus.CLOSED


def test_the_approval_page_asks_for_the_tick_and_keeps_the_case_open_without_it(asked, supervisor, signed_in):
    client = signed_in(supervisor)
    page = client.get(f"/en/cases/{asked.pk}/close/review/").content.decode()
    for code in EVERY_WARNING:
        assert f'data-warning="{code}"' in page
    assert 'name="acknowledge"' in page
    assert "The family moves to the city" in page and "Home visit" in page
    refused = client.post(
        f"/en/cases/{asked.pk}/close/approve/",
        {"version": asked.version, "warnings": ",".join(EVERY_WARNING)},
    )
    assert refused.status_code == 400
    assert "tick that you approve despite them" in refused.content.decode()
    assert Case.objects.get(pk=asked.pk).status != CaseStatus.CLOSED
    approved = client.post(
        f"/en/cases/{asked.pk}/close/approve/",
        {"version": asked.version, "warnings": ",".join(EVERY_WARNING), "acknowledge": "on"},
    )
    assert approved.status_code == 302
    assert Case.objects.get(pk=asked.pk).status == CaseStatus.CLOSED


def test_the_review_shows_the_childs_wishes_the_latest_assessments_and_the_checklist(
    asked, worker, supervisor, signed_in
):
    form = assessment_form_current(kind="comprehensive", agency_id=asked.agency_id)
    answers = {q["key"]: q["choices"][0]["value"] for q in form.questions if q["type"] == "choice"}
    assessment_record(
        acting=worker,
        case=asked,
        form=form,
        answers={**answers, "child_wishes": "To finish grade 8 at her own school"},
    )
    page = signed_in(supervisor).get(f"/en/cases/{asked.pk}/close/review/").content.decode()
    wishes = page.split("data-child-wishes", 1)[1].split("</section>", 1)[0]
    assert "To finish grade 8 at her own school" in wishes
    assert "What the child wants, in their own words" in wishes
    assert 'data-assessment="comprehensive"' in page
    assert page.count('data-ticked="yes"') == 2 and page.count('data-ticked="no"') == 1


def test_without_a_recorded_wish_the_review_says_so(asked, supervisor):
    assert closure_review_get(acting=supervisor, case_id=asked.pk).child_wishes is None


# Send back ------------------------------------------------------------------------------------------


def test_a_send_back_needs_a_reason_and_the_worker_reads_it_until_they_act(
    asked, worker, supervisor, signed_in
):
    with pytest.raises(ApplicationError):
        case_closure_send_back(acting=supervisor, case=asked, version=asked.version, reason="  ")
    client = signed_in(supervisor)
    response = client.post(
        f"/en/cases/{asked.pk}/close/send-back/",
        {"version": asked.version, "reason": "Visit the family at home first, then ask again."},
    )
    assert response.status_code == 302
    case = Case.objects.get(pk=asked.pk)
    assert case.status != CaseStatus.CLOSED
    assert case.closure_requested_at is None and case.closure_requested_by is None and case.closure_note == ""
    request = case.closure_requests.get()
    assert request.decision == ClosureDecision.SENT_BACK and request.decided_by == supervisor
    assert [r.pk for r in worker_home(acting=worker).closures_sent_back] == [request.pk]

    worker_client = signed_in(worker)
    home = worker_client.get("/en/cases/").content.decode()
    assert "Visit the family at home first, then ask again." in home.split("data-closures-sent-back", 1)[1]
    case_page = worker_client.get(f"/en/cases/{case.pk}/").content.decode()
    assert "Visit the family at home first" in case_page.split("data-closure-sent-back", 1)[1]
    assert f"/en/cases/{case.pk}/close/" in case_page  # the worker may ask again

    # Acting on it: the follow-up done and the services settled, the worker asks again.
    followup_complete(acting=worker, follow_up=case.follow_ups.get(), outcome="All well at home")
    again = _ask(case, worker, checklist={**ALL_TICKED, "services_done": False}, reason="moved")
    assert worker_home(acting=worker).closures_sent_back == []
    assert "data-closures-sent-back" not in worker_client.get("/en/cases/").content.decode()
    assert [r.decision for r in again.closure_requests.order_by("requested_at", "id")] == [
        ClosureDecision.SENT_BACK,
        ClosureDecision.WAITING,
    ]
    history = worker_client.get(f"/en/cases/{case.pk}/").content.decode().split('id="history"', 1)[1]
    assert "Visit the family at home first" in history


def test_the_worker_may_mark_a_send_back_read(asked, worker, supervisor, signed_in):
    case_closure_send_back(
        acting=supervisor, case=asked, version=asked.version, reason="Not yet: risk is high."
    )
    client = signed_in(worker)
    assert client.post(f"/en/cases/{asked.pk}/close/sent-back/read/").status_code == 302
    assert worker_home(acting=worker).closures_sent_back == []
    # The case page still says why, until someone asks to close again.
    assert "Not yet: risk is high." in client.get(f"/en/cases/{asked.pk}/").content.decode()


# Who decides -----------------------------------------------------------------------------------------


def test_a_supervisor_who_leads_a_case_waits_for_another_supervisors_approval(
    supervisor, colleague, open_case, signed_in
):
    case = _ask(open_case(supervisor, supervisor=colleague, risk_level="low"), supervisor)
    assert case.status != CaseStatus.CLOSED
    assert case.closure_requests.get().decision == ClosureDecision.WAITING
    with pytest.raises(ApplicationError):
        case_closure_approve(acting=supervisor, case=case, version=case.version)
    client = signed_in(supervisor)
    assert client.get(f"/en/cases/{case.pk}/close/review/").status_code == 403
    assert client.post(f"/en/cases/{case.pk}/close/approve/", {"version": case.version}).status_code == 403
    assert closures_waiting(acting=supervisor).items == []
    assert [item.case.pk for item in closures_waiting(acting=colleague).items] == [case.pk]
    case = case_closure_approve(acting=colleague, case=case, version=case.version)
    assert case.status == CaseStatus.CLOSED and case.closure_approved_by == colleague


def test_the_same_person_never_approves_through_their_supervisor_membership(
    worker, supervisor, make_member, social_agency, open_case
):
    # One person, two memberships of the agency: a case worker who leads, and a supervisor.
    second_hat = make_member(email=worker.user.email, role=Role.CASE_SUPERVISOR, agency=social_agency)
    case = _ask(open_case(worker, supervisor=supervisor, risk_level="low"), worker)
    case = case_supervisor_assign(acting=worker, case=case, version=case.version, supervisor=second_hat)
    with pytest.raises(ApplicationError) as refused:
        case_closure_approve(acting=second_hat, case=case, version=case.version)
    assert refused.value.code == "own_case"
    with pytest.raises(ApplicationError) as refused:
        case_closure_send_back(acting=second_hat, case=case, version=case.version, reason="Fine by me")
    assert refused.value.code == "own_case"
    assert closures_waiting(acting=second_hat).items == []
    case.refresh_from_db()
    assert case.status != CaseStatus.CLOSED


def test_a_case_whose_supervisor_is_its_lead_cannot_ask_to_close(
    worker, make_member, social_agency, open_case
):
    second_hat = make_member(email=worker.user.email, role=Role.CASE_SUPERVISOR, agency=social_agency)
    case = open_case(worker, supervisor=second_hat)
    with pytest.raises(ApplicationError) as refused:
        _ask(case, worker)
    assert refused.value.code == "no_supervisor"


def test_the_lead_worker_a_referred_agency_and_an_outsider_cannot_open_the_review(
    asked, worker, outsider, signed_in
):
    assert signed_in(worker).get(f"/en/cases/{asked.pk}/close/review/").status_code == 403
    assert signed_in(outsider).get(f"/en/cases/{asked.pk}/close/review/").status_code == 404
    assert signed_in(worker).get("/en/cases/closures/").status_code == 403


def test_the_case_page_sends_the_supervisor_to_the_review_and_tells_the_worker_it_waits(
    asked, worker, supervisor, signed_in
):
    supervisor_page = signed_in(supervisor).get(f"/en/cases/{asked.pk}/").content.decode()
    assert f"/en/cases/{asked.pk}/close/review/" in supervisor_page
    worker_page = signed_in(worker).get(f"/en/cases/{asked.pk}/").content.decode()
    assert f"/en/cases/{asked.pk}/close/review/" not in worker_page
    assert "Waiting for the supervisor's approval." in worker_page


# Stale and repeated decisions ----------------------------------------------------------------------------


def test_approving_a_case_changed_since_the_page_was_opened_is_refused_and_nothing_is_lost(
    asked, worker, supervisor, signed_in
):
    seen = asked.version
    case_update(
        acting=worker,
        case=asked,
        version=asked.version,
        risk_level="medium",
        harm_types=["sextortion"],
        risk_reasons="The threats stopped",
        summary="",
    )
    client = signed_in(supervisor)
    response = client.post(
        f"/en/cases/{asked.pk}/close/approve/",
        {"version": seen, "warnings": ",".join(EVERY_WARNING), "acknowledge": "on"},
    )
    assert response.status_code == 409
    assert "Someone else changed this case after you opened it" in response.content.decode()
    typed = "Call me before you ask again."
    response = client.post(f"/en/cases/{asked.pk}/close/send-back/", {"version": seen, "reason": typed})
    assert response.status_code == 409
    page = response.content.decode()
    assert typed in page  # what the supervisor typed is kept
    case = Case.objects.get(pk=asked.pk)
    assert case.status != CaseStatus.CLOSED and case.closure_requested_at is not None
    assert case.closure_requests.get().decision == ClosureDecision.WAITING
    # The page shown again is the case as it is now (no longer high risk), to be read before deciding.
    assert 'data-warning="high_risk"' not in page
    assert f'name="version" value="{case.version}"' in page


def test_a_second_decision_is_refused_with_what_was_decided(asked, worker, supervisor, signed_in):
    client = signed_in(supervisor)
    body = {"version": asked.version, "reason": "The home visit first."}
    assert client.post(f"/en/cases/{asked.pk}/close/send-back/", body).status_code == 302
    again = client.post(f"/en/cases/{asked.pk}/close/send-back/", body)
    assert again.status_code == 409
    assert "This closure was already sent back, by" in again.content.decode()
    with pytest.raises(ApplicationError) as refused:
        case_closure_approve(acting=supervisor, case=asked, version=asked.version, acknowledged=EVERY_WARNING)
    assert refused.value.code == "decided"

    case = _ask(Case.objects.get(pk=asked.pk), worker, checklist={**ALL_TICKED, "services_done": False})
    approve = {"version": case.version, "warnings": ",".join(EVERY_WARNING), "acknowledge": "on"}
    assert client.post(f"/en/cases/{case.pk}/close/approve/", approve).status_code == 302
    twice = client.post(f"/en/cases/{case.pk}/close/approve/", approve)
    assert twice.status_code == 409
    assert "This closure was already approved, by" in twice.content.decode()
    assert ClosureRequest.objects.filter(case=case, decision=ClosureDecision.APPROVED).count() == 1


def test_asking_twice_is_refused_while_a_request_waits(asked, worker):
    with pytest.raises(ApplicationError) as refused:
        _ask(asked, worker)
    assert refused.value.code == "closure_waiting"


# Audit ---------------------------------------------------------------------------------------------------


def test_every_request_decision_and_review_is_audited(asked, worker, supervisor, signed_in):
    case_closure_send_back(acting=supervisor, case=asked, version=asked.version, reason="Home visit first")
    case = _ask(asked, worker, checklist={**ALL_TICKED, "services_done": False})
    signed_in(supervisor).get(f"/en/cases/{case.pk}/close/review/")
    case_closure_approve(acting=supervisor, case=case, version=case.version, acknowledged=EVERY_WARNING)
    events = AuditEvent.objects.filter(object_type="cases.Case", object_id=str(case.pk)).order_by(
        "occurred_at", "id"
    )
    reasons = [
        (event.action, event.reason, event.actor_id)
        for event in events
        if "closure" in event.reason or "closed" in event.reason
    ]
    worker_id, supervisor_id = str(worker.user.pk), str(supervisor.user.pk)
    assert reasons == [
        (AuditAction.UPDATE, "closure requested", worker_id),
        (AuditAction.UPDATE, "closure sent back", supervisor_id),
        (AuditAction.UPDATE, "closure requested", worker_id),
        (AuditAction.VIEW, "closure review read", supervisor_id),
        (
            AuditAction.UPDATE,
            "case closed (supervisor approval); warnings acknowledged: "
            "high_risk, open_follow_ups, services_pending",
            supervisor_id,
        ),
    ]


# The list of closures waiting ---------------------------------------------------------------------------


def _backdate(case, days):
    asked_at = timezone.now() - timedelta(days=days, hours=2)
    Case.objects.filter(pk=case.pk).update(closure_requested_at=asked_at)
    ClosureRequest.objects.filter(case=case, decision=ClosureDecision.WAITING).update(requested_at=asked_at)


def test_the_waiting_list_shows_the_supervisors_closures_oldest_first_with_their_waiting_time(
    worker, supervisor, colleague, make_member, outsider_agency, open_case, commune, signed_in
):
    recent = _ask(open_case(worker, supervisor=supervisor), worker)
    oldest = _ask(
        open_case(worker, supervisor=supervisor, child=child_input(commune, full_name="Trần Thị Mai")), worker
    )
    _backdate(recent, days=1)
    _backdate(oldest, days=3)
    # Another supervisor's case in the same agency, and another agency's: never on this list.
    colleagues = _ask(
        open_case(worker, supervisor=colleague, child=child_input(commune, full_name="Lê Văn Bình")), worker
    )
    police_worker = make_member(email="officer@example.org", role=Role.CASE_WORKER, agency=outsider_agency)
    police_supervisor = make_member(
        email="chief@example.org", role=Role.CASE_SUPERVISOR, agency=outsider_agency
    )
    elsewhere = _ask(
        open_case(
            police_worker,
            supervisor=police_supervisor,
            child=child_input(commune, full_name="Phạm Văn Long"),
            duplicates_acknowledged=True,
        ),
        police_worker,
    )
    waiting = closures_waiting(acting=supervisor)
    assert [item.case.pk for item in waiting.items] == [oldest.pk, recent.pk]
    assert [item.waiting_days for item in waiting.items] == [3, 1]
    assert waiting.total == 2
    assert [item.case.pk for item in closures_waiting(acting=colleague).items] == [colleagues.pk]
    assert [item.case.pk for item in closures_waiting(acting=police_supervisor).items] == [elsewhere.pk]

    client = signed_in(supervisor)
    page = client.get("/en/cases/closures/").content.decode()
    table = page.split("data-closures-waiting", 1)[1]
    assert table.index(f"/en/cases/{oldest.pk}/close/review/") < table.index(
        f"/en/cases/{recent.pk}/close/review/"
    )
    assert "3 days" in table and "1 day" in table
    for other in (colleagues, elsewhere):
        assert f"/en/cases/{other.pk}/close/review/" not in page
    assert "Lê Văn Bình" not in page and "Phạm Văn Long" not in page
    assert AuditEvent.objects.filter(reason="closures waiting", actor_id=str(supervisor.user.pk)).exists()

    home = client.get("/en/cases/").content.decode().split("data-home-closures-waiting", 1)[1]
    assert (
        f"/en/cases/{oldest.pk}/close/review/" in home and "3 days" in home and "/en/cases/closures/" in home
    )


def test_a_closure_approved_or_sent_back_leaves_the_list(asked, supervisor):
    assert [item.case.pk for item in closures_waiting(acting=supervisor).items] == [asked.pk]
    case_closure_send_back(acting=supervisor, case=asked, version=asked.version, reason="Home visit first")
    assert closures_waiting(acting=supervisor).items == []


def test_the_waiting_list_costs_the_same_queries_for_one_closure_or_many(
    worker, supervisor, open_case, commune, signed_in
):
    client = signed_in(supervisor)
    _ask(open_case(worker, supervisor=supervisor, risk_level="high"), worker)
    client.get("/en/cases/closures/")
    with CaptureQueriesContext(connection) as few:
        client.get("/en/cases/closures/")
    for index in range(5):
        case = open_case(
            worker, supervisor=supervisor, child=child_input(commune, full_name=f"Child {index}")
        )
        followup_add(acting=worker, case=case, due_on=timezone.localdate(), assignee=worker)
        _ask(case, worker)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/en/cases/closures/").content.decode()
    assert page.count("data-case=") == 6
    assert len(many) == len(few)


# Closures asked for before requests were kept ---------------------------------------------------------


def test_the_migration_keeps_a_closure_asked_for_before_requests_were_kept(worker, supervisor, open_case):
    case = open_case(worker, supervisor=supervisor)
    asked_at = timezone.now() - timedelta(days=2)
    Case.objects.filter(pk=case.pk).update(
        closure_reason="moved",
        closure_checklist=ALL_TICKED,
        closure_note="Moved away",
        closure_requested_by=worker,
        closure_requested_at=asked_at,
    )
    migration = importlib.import_module("childshield.cases.migrations.0014_closure_decisions")
    migration.requests_of_cases(apps, None)
    request = ClosureRequest.objects.get(case=case)
    assert request.decision == ClosureDecision.WAITING and request.requested_at == asked_at
    assert request.note == "Moved away" and request.requested_by == worker
    assert [item.case.pk for item in closures_waiting(acting=supervisor).items] == [case.pk]
