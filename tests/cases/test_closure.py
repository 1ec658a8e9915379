"""Services, follow-ups, notes, closing with a supervisor's approval, reopening."""

from datetime import timedelta

import pytest
from django.utils import timezone

from childshield.cases.models.cases import CaseStatus
from childshield.cases.models.plan import ServiceStatus
from childshield.cases.selectors.home import worker_home
from childshield.cases.services.closure import case_closure_approve, case_closure_request, case_reopen
from childshield.cases.services.follow_ups import followup_add, followup_complete
from childshield.cases.services.plan import service_add, service_update
from childshield.core.errors import ApplicationError
from childshield.directory.models import ServiceKind

pytestmark = pytest.mark.django_db

ALL_TICKED = {"child_safe": True, "services_done": True, "caregiver_informed": True}


def test_closing_needs_done_services_and_the_supervisors_approval(
    worker, supervisor, open_case, social_agency
):
    case = open_case(worker, supervisor=supervisor)
    service = service_add(acting=worker, case=case, kind=ServiceKind.MHPSS, provider=social_agency)
    with pytest.raises(ApplicationError) as refused:
        case_closure_request(
            acting=worker, case=case, version=case.version, reason="goals_met", checklist=ALL_TICKED
        )
    assert "1 service(s)" in str(refused.value.message)
    service_update(
        acting=worker,
        service=service,
        version=service.version,
        status=ServiceStatus.COMPLETED,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
        outcome="Six sessions",
    )
    case.refresh_from_db()
    case = case_closure_request(
        acting=worker, case=case, version=case.version, reason="goals_met", checklist=ALL_TICKED
    )
    assert case.status != CaseStatus.CLOSED
    with pytest.raises(ApplicationError):
        case_closure_approve(acting=worker, case=case, version=case.version)
    case = case_closure_approve(acting=supervisor, case=case, version=case.version)
    assert case.status == CaseStatus.CLOSED
    assert case.closure_approved_by == supervisor
    with pytest.raises(ApplicationError) as refused:
        service_add(acting=worker, case=case, kind=ServiceKind.HEALTH, provider=social_agency)
    assert refused.value.code == "closed"


def test_an_unticked_checklist_needs_an_explanation(worker, supervisor, open_case):
    case = open_case(worker, supervisor=supervisor)
    partly = {"child_safe": True, "services_done": True, "caregiver_informed": False}
    with pytest.raises(ApplicationError) as refused:
        case_closure_request(acting=worker, case=case, version=case.version, reason="moved", checklist=partly)
    assert refused.value.code == "checklist"
    case_closure_request(
        acting=worker,
        case=case,
        version=case.version,
        reason="moved",
        checklist=partly,
        note="Family left, no address",
    )


def test_a_case_without_supervisor_cannot_close(worker, open_case):
    case = open_case(worker)
    with pytest.raises(ApplicationError) as refused:
        case_closure_request(
            acting=worker, case=case, version=case.version, reason="goals_met", checklist=ALL_TICKED
        )
    assert refused.value.code == "no_supervisor"


def test_reopening_needs_a_reason_and_is_kept_in_the_history(worker, supervisor, open_case):
    case = open_case(worker, supervisor=supervisor)
    case = case_closure_request(
        acting=worker, case=case, version=case.version, reason="goals_met", checklist=ALL_TICKED
    )
    case = case_closure_approve(acting=supervisor, case=case, version=case.version)
    assert case.status == CaseStatus.CLOSED
    with pytest.raises(ApplicationError):
        case_reopen(acting=worker, case=case, version=case.version, reason="")
    case = case_reopen(acting=worker, case=case, version=case.version, reason="New messages from him")
    assert case.status == CaseStatus.OPEN and case.closed_at is None
    assert case.status_changes.last().reason == "New messages from him"


def test_follow_ups_due_today_and_overdue_show_on_the_workers_home(worker, open_case):
    case = open_case(worker, risk_level="high")
    today = timezone.localdate()
    followup_add(acting=worker, case=case, due_on=today, assignee=worker, purpose="Call the school")
    late = followup_add(
        acting=worker, case=case, due_on=today - timedelta(days=2), assignee=worker, purpose="Home visit"
    )
    home = worker_home(acting=worker)
    assert [f.purpose for f in home.due_today] == ["Call the school"]
    assert [f.pk for f in home.overdue] == [late.pk]
    assert [c.pk for c in home.high_risk] == [case.pk]
    followup_complete(acting=worker, follow_up=late, outcome="Child well")
    assert worker_home(acting=worker).overdue == []
    with pytest.raises(ApplicationError):
        followup_complete(acting=worker, follow_up=late)


def test_a_follow_up_goes_only_to_someone_who_can_open_the_case(
    worker, supervisor, colleague, outsider, open_case
):
    case = open_case(worker, supervisor=supervisor)
    for stranger in (colleague, outsider):
        with pytest.raises(ApplicationError):
            followup_add(acting=worker, case=case, due_on=timezone.localdate(), assignee=stranger)
    follow_up = followup_add(acting=worker, case=case, due_on=timezone.localdate(), assignee=supervisor)
    assert worker_home(acting=supervisor).due_today == [follow_up]


def test_a_stale_service_update_is_refused(worker, open_case, social_agency):
    case = open_case(worker)
    service = service_add(acting=worker, case=case, kind=ServiceKind.HEALTH, provider=social_agency)
    service_update(
        acting=worker,
        service=service,
        version=1,
        status="in_progress",
        starts_on=None,
        ends_on=None,
        outcome="",
    )
    with pytest.raises(ApplicationError) as refused:
        service_update(
            acting=worker,
            service=service,
            version=1,
            status="refused",
            starts_on=None,
            ends_on=None,
            outcome="",
        )
    assert refused.value.code == "stale"


def test_the_supervisor_sees_a_follow_up_overdue_in_a_case_they_supervise_with_who_does_it(
    worker, supervisor, open_case, sign_in
):
    case = open_case(worker, supervisor=supervisor)
    late = followup_add(
        acting=worker,
        case=case,
        due_on=timezone.localdate() - timedelta(days=3),
        assignee=worker,
        purpose="Home visit",
    )
    assert [f.pk for f in worker_home(acting=supervisor).overdue] == [late.pk]
    assert [f.pk for f in worker_home(acting=worker).overdue] == [late.pk]
    overdue = _overdue_section(sign_in(supervisor).get("/en/cases/").content.decode())
    assert "Home visit" in overdue and f"({worker.user.full_name} does it)" in overdue
    assert "does it" not in _overdue_section(sign_in(worker).get("/en/cases/").content.decode())
    followup_complete(acting=worker, follow_up=late, outcome="Child well")
    assert worker_home(acting=supervisor).overdue == []


def _overdue_section(page: str) -> str:
    return page.split("data-overdue", 1)[1].split("</section>", 1)[0]
