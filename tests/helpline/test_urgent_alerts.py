"""Supervisors hear of urgent items left waiting by e-mail, every minute's task, with nobody on the
queue page: once per item and wait, codes and minutes only."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.helpline import tasks
from childshield.intake.services import report_message_from_reporter
from tests.helpline.conftest import age_report

pytestmark = pytest.mark.django_db


def test_supervisors_are_e_mailed_once_about_an_urgent_item_left_waiting(
    counsellor,
    supervisor,
    make_member,
    helpline_agency,
    send_report,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.HELPLINE_URGENT_ALERT_MINUTES = 5
    second_supervisor = make_member(
        email="night.supervisor@example.org", role=Role.HELPLINE_SUPERVISOR, agency=helpline_agency
    )
    waiting = age_report(
        send_report(safe_now="no", description="I am scared, he says he will come tonight"), 7
    )
    age_report(send_report(safe_now="no"), 2)  # urgent, not yet past the alert time
    age_report(send_report(), 30)  # waited long, not urgent

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.urgent_alerts() == 1
    [message] = mail.outbox
    assert sorted(message.to) == sorted([supervisor.user.email, second_supervisor.user.email])
    assert counsellor.user.email not in message.to
    assert message.subject == "Helpline: 1 urgent item waiting"
    assert f"{waiting.display_reference}: waiting 7 minutes" in message.body
    # Nothing the child wrote leaves in an e-mail.
    assert "scared" not in message.body and "tonight" not in message.body

    # A minute later, the same wait is not reported again.
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.urgent_alerts() == 0
    assert len(mail.outbox) == 1

    # The reporter writes again and nobody answers: a new wait, a new alert once it is long.
    report_message_from_reporter(report=waiting, body="Please answer", idempotency_key=None, client="t")
    waiting.messages.update(created_at=timezone.now() - timedelta(minutes=6))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.urgent_alerts() == 1
    assert len(mail.outbox) == 2


def test_words_alone_make_an_item_urgent_even_before_anyone_opened_the_queue(
    supervisor, send_report, settings, django_capture_on_commit_callbacks
):
    settings.HELPLINE_URGENT_ALERT_MINUTES = 5
    # The reporter said they were safe, but the words raise a danger signal (triaged by the task).
    age_report(send_report(safe_now="yes", description="I want to kill myself"), 8)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.urgent_alerts() == 1
    assert "urgent item" in mail.outbox[0].subject


def test_each_helpline_alerts_its_own_supervisors_and_none_without_any(
    supervisor, send_report, make_member, settings, django_capture_on_commit_callbacks
):
    settings.HELPLINE_URGENT_ALERT_MINUTES = 5
    other = Agency.objects.create(country="KH", name="Cambodian helpline (test)", kind=AgencyKind.HELPLINE)
    make_member(email="kh.counsellor@example.org", role=Role.COUNSELLOR, agency=other)
    age_report(send_report(safe_now="no"), 9)  # a report to Viet Nam's helpline
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.urgent_alerts() == 1
    assert [message.to for message in mail.outbox] == [[supervisor.user.email]]
