"""The daily reminder of follow-ups: counts by e-mail, never a child's name or case."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from childshield.cases.services.closure import case_closure_approve, case_closure_request
from childshield.cases.services.follow_ups import followup_add, followup_complete
from childshield.cases.tasks import follow_up_reminders

pytestmark = pytest.mark.django_db


def test_each_person_gets_one_reminder_with_counts_only(
    worker, supervisor, open_case, django_capture_on_commit_callbacks
):
    case = open_case(worker, supervisor=supervisor)
    today = timezone.localdate()
    followup_add(acting=worker, case=case, due_on=today, assignee=worker, purpose="Call Hoa")
    followup_add(acting=worker, case=case, due_on=today - timedelta(days=4), assignee=worker)
    followup_add(acting=worker, case=case, due_on=today + timedelta(days=4), assignee=supervisor)
    done = followup_add(acting=worker, case=case, due_on=today, assignee=supervisor)
    followup_complete(acting=worker, follow_up=done)
    with django_capture_on_commit_callbacks(execute=True):
        assert follow_up_reminders() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [worker.user.email]
    assert "1 due today, 1 overdue" in message.subject
    assert "Hoa" not in message.body and case.number not in message.body


def test_closed_cases_send_no_reminder(worker, supervisor, open_case, django_capture_on_commit_callbacks):
    case = open_case(worker, supervisor=supervisor)
    followup_add(acting=worker, case=case, due_on=timezone.localdate(), assignee=worker)
    case = case_closure_request(
        acting=worker,
        case=case,
        version=case.version,
        reason="other",
        checklist={},
        note="Family moved abroad",
    )
    case_closure_approve(acting=supervisor, case=case, version=case.version, acknowledged=["open_follow_ups"])
    with django_capture_on_commit_callbacks(execute=True):
        assert follow_up_reminders() == 0
    assert mail.outbox == []
