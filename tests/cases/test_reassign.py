"""A supervisor hands a case to another worker of the agency: who held it when, the new worker told
in the app and by e-mail, the old one out of it, and a follow-up to tell the child."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from childshield.accounts.models import Role
from childshield.cases.models import Case, CaseAssignment, FollowUp
from childshield.cases.selectors.home import worker_home
from childshield.cases.services.assignments import case_handover_read, case_reassign
from childshield.cases.services.details import case_supervisor_assign
from childshield.core.errors import ApplicationError
from childshield.outbox.models import OutboxItem
from tests.cases.conftest import child_input

pytestmark = pytest.mark.django_db

NOTE = "Mother prefers calls after 6 pm; the school visit is booked for Friday."


@pytest.fixture
def new_worker(make_member, social_agency):
    return make_member(email="new.worker@example.org", role=Role.CASE_WORKER, agency=social_agency)


def hand_over(supervisor, case, new_worker, **overrides):
    values = {"version": case.version, "new_lead": new_worker, "note": NOTE}
    values.update(overrides)
    return case_reassign(acting=supervisor, case=case, **values)


def test_a_case_opened_has_its_first_holder(worker, supervisor, open_case):
    case = open_case(worker, supervisor=supervisor)
    [held] = case.assignments.all()
    assert (held.lead_worker, held.supervisor, held.ended_at, held.assigned_by) == (
        worker,
        supervisor,
        None,
        None,
    )


def test_the_supervisor_hands_the_case_over_and_the_history_shows_who_held_it_when(
    worker, supervisor, new_worker, open_case
):
    case = open_case(worker, supervisor=supervisor)
    assignment = hand_over(supervisor, case, new_worker)
    case.refresh_from_db()
    assert (case.lead_worker, case.supervisor) == (new_worker, supervisor)
    first, second = case.assignments.all()
    assert first.lead_worker == worker and first.ended_at == second.started_at
    assert second == assignment and second.ended_at is None
    assert (second.lead_worker, second.assigned_by, second.note) == (new_worker, supervisor, NOTE)


def test_the_new_worker_is_told_in_the_app_and_by_e_mail_without_the_child(
    worker, supervisor, new_worker, open_case
):
    case = open_case(worker, supervisor=supervisor)
    assignment = hand_over(supervisor, case, new_worker)
    [mail] = OutboxItem.objects.filter(idempotency_key__endswith=f"case-handover-{assignment.pk}")
    assert mail.payload["to"] == ["new.worker@example.org"]
    assert case.number in mail.payload["subject"]
    assert "Hoa" not in mail.payload["body"] and "Mother" not in mail.payload["body"]
    home = worker_home(acting=new_worker)
    assert [h.note for h in home.handovers] == [NOTE]
    assert case.pk in [c.pk for c in home.my_cases]
    case_handover_read(acting=new_worker, case=case)
    assert worker_home(acting=new_worker).handovers == ()


def test_the_old_worker_no_longer_sees_the_case_nor_its_follow_ups(worker, supervisor, new_worker, open_case):
    case = open_case(worker, supervisor=supervisor)
    FollowUp.objects.create(
        case=case, due_on=timezone.localdate(), assignee=worker, purpose="Home visit", created_by=worker
    )
    hand_over(supervisor, case, new_worker)
    home = worker_home(acting=worker)
    assert home.my_cases == [] and home.due_today == [] and home.handovers == ()
    assert set(FollowUp.objects.filter(case=case).values_list("assignee", flat=True)) == {new_worker.pk}


def test_a_follow_up_to_tell_the_child_when_a_contact_was_recorded(
    worker, supervisor, new_worker, open_case, commune
):
    case = open_case(worker, supervisor=supervisor)
    hand_over(supervisor, case, new_worker)
    [tell] = FollowUp.objects.filter(case=case)
    assert tell.assignee == new_worker and tell.due_on == timezone.localdate()
    assert "new worker" in tell.purpose


def test_no_follow_up_to_tell_the_child_without_a_contact(worker, supervisor, new_worker, open_case, commune):
    child = child_input(commune, safe_contact="", caregivers=[{"name": "Grandmother", "phone": ""}])
    case = open_case(worker, supervisor=supervisor, child=child)
    hand_over(supervisor, case, new_worker)
    assert not FollowUp.objects.filter(case=case).exists()


def test_only_the_case_supervisor_hands_it_over(worker, supervisor, colleague, new_worker, open_case):
    case = open_case(worker, supervisor=supervisor)
    for acting in (worker, colleague):
        with pytest.raises(PermissionDenied):
            hand_over(acting, case, new_worker)
    assert Case.objects.get(pk=case.pk).lead_worker == worker


@pytest.mark.parametrize("who", ["outsider", "lead", "inactive", "admin"])
def test_the_new_lead_must_be_an_active_case_worker_of_the_agency(
    who, worker, supervisor, outsider, new_worker, make_member, social_agency, open_case
):
    case = open_case(worker, supervisor=supervisor)
    if who == "outsider":
        chosen = outsider
    elif who == "lead":
        chosen = worker
    elif who == "inactive":
        new_worker.is_active = False
        new_worker.save(update_fields=["is_active"])
        chosen = new_worker
    else:
        chosen = make_member(email="admin@example.org", role=Role.AGENCY_ADMIN, agency=social_agency)
    with pytest.raises(ApplicationError):
        hand_over(supervisor, case, chosen)
    assert case.assignments.count() == 1


def test_the_new_supervisor_must_supervise_in_the_agency(worker, supervisor, new_worker, open_case, outsider):
    case = open_case(worker, supervisor=supervisor)
    with pytest.raises(ApplicationError):
        hand_over(supervisor, case, new_worker, new_supervisor=worker)
    with pytest.raises(ApplicationError):
        hand_over(supervisor, case, new_worker, new_supervisor=outsider)


def test_a_note_is_required(worker, supervisor, new_worker, open_case):
    case = open_case(worker, supervisor=supervisor)
    with pytest.raises(ApplicationError):
        hand_over(supervisor, case, new_worker, note="   ")


def test_a_stale_handover_is_refused_and_nothing_is_lost(worker, supervisor, new_worker, open_case):
    case = open_case(worker, supervisor=supervisor)
    seen = case.version
    # Someone else changed the case after the supervisor opened it.
    Case.objects.filter(pk=case.pk).update(version=seen + 1)
    with pytest.raises(ApplicationError) as refused:
        hand_over(supervisor, case, new_worker, version=seen)
    assert refused.value.code == "stale"
    assert Case.objects.get(pk=case.pk).lead_worker == worker


def test_a_closed_case_is_not_handed_over(worker, supervisor, new_worker, open_case):
    case = open_case(worker, supervisor=supervisor)
    Case.objects.filter(pk=case.pk).update(status="closed", closed_at=timezone.now())
    case.refresh_from_db()
    with pytest.raises(ApplicationError) as refused:
        hand_over(supervisor, case, new_worker)
    assert refused.value.code == "closed"


def test_the_handover_page_flow(worker, supervisor, new_worker, open_case, sign_in):
    case = open_case(worker, supervisor=supervisor)
    client = sign_in(supervisor)
    page = client.get(f"/en/cases/{case.pk}/").content.decode()
    assert "Hand the case to another worker" in page and "new.worker" not in page
    answer = client.post(
        f"/en/cases/{case.pk}/hand-over/",
        {"reassign-version": case.version, "reassign-new_lead": new_worker.pk, "reassign-note": NOTE},
    )
    assert answer.status_code == 302
    history = client.get(f"/en/cases/{case.pk}/").content.decode()
    assert "data-assignments" in history and NOTE in history
    home = sign_in(new_worker).get("/en/cases/").content.decode()
    assert f'data-handover="{case.number}"' in home and NOTE in home
    assert sign_in(worker).get(f"/en/cases/{case.pk}/").status_code == 404


def test_the_lead_worker_sees_no_handover_form_and_is_refused(
    worker, supervisor, new_worker, open_case, sign_in
):
    case = open_case(worker, supervisor=supervisor)
    client = sign_in(worker)
    assert "Hand the case to another worker" not in client.get(f"/en/cases/{case.pk}/").content.decode()
    answer = client.post(
        f"/en/cases/{case.pk}/hand-over/",
        {"reassign-version": case.version, "reassign-new_lead": new_worker.pk, "reassign-note": NOTE},
    )
    assert answer.status_code == 403
    assert CaseAssignment.objects.filter(case=case).count() == 1


def test_a_stale_form_answers_409(worker, supervisor, new_worker, open_case, sign_in):
    case = open_case(worker, supervisor=supervisor)
    answer = sign_in(supervisor).post(
        f"/en/cases/{case.pk}/hand-over/",
        {"reassign-version": case.version - 1, "reassign-new_lead": new_worker.pk, "reassign-note": NOTE},
    )
    assert answer.status_code == 409
    assert NOTE in answer.content.decode()


def test_naming_another_supervisor_begins_a_new_holding_and_the_same_one_does_not(
    worker, supervisor, colleague, open_case
):
    case = open_case(worker, supervisor=supervisor)
    case = case_supervisor_assign(acting=worker, case=case, version=case.version, supervisor=supervisor)
    assert case.assignments.count() == 1
    case_supervisor_assign(acting=worker, case=case, version=case.version, supervisor=colleague)
    first, second = case.assignments.all()
    assert (first.supervisor, second.supervisor, second.lead_worker) == (supervisor, colleague, worker)
    assert first.ended_at == second.started_at and second.ended_at is None
