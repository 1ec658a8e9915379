"""A referral left unanswered alerts the receiving agency's supervisors when its deadline passes and
again at twice it: in the app and by e-mail through the outbox, from the beat schedule's task, once
per supervisor and level however often the task runs; never before the deadline, never once answered."""

import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection, connections
from django.utils import timezone

from childshield.accounts.models import Role
from childshield.cases.models import ReferralDeadlineAlert
from childshield.cases.models.consent import ShareSection
from childshield.cases.models.referrals import DeadlineLevel, Urgency
from childshield.cases.services.referral_deadlines import referral_deadline_alerts_send
from childshield.cases.services.referrals import referral_accept, referral_send
from childshield.celery import app as celery_app
from childshield.directory.models import ServiceKind
from childshield.outbox.mail import EMAIL
from childshield.outbox.models import OutboxItem
from tests.cases.conftest import child_input

BEAT_ENTRY = "cases-referral-deadlines"


def run_as_beat(capture):
    """What beat does every time the entry is due: send its task by name to a worker (eager here)."""
    entry = settings.CELERY_BEAT_SCHEDULE[BEAT_ENTRY]
    celery_app.loader.import_default_modules()  # a worker's autodiscovery
    with capture(execute=True):
        return celery_app.tasks[entry["task"]].apply().get()


def refer(case, sender, to_agency, urgency):
    return referral_send(
        acting=sender,
        case=case,
        to_agency=to_agency,
        services=[ServiceKind.CASE_MANAGEMENT],
        consent=case.consents.get(),
        sections=[ShareSection.IDENTITY, ShareSection.HARM],
        urgency=urgency,
    )


def alerts_of(referral):
    """Per supervisor's e-mail address: the levels of their in-app alerts, and the deadline e-mails
    about this referral that left through the outbox."""
    in_app = sorted(
        ReferralDeadlineAlert.objects.filter(referral=referral).values_list("recipient__user__email", "level")
    )
    number = referral.case.number
    e_mails = sorted(
        (address, "twice" in message.subject)
        for message in mail.outbox
        if number in message.subject and "deadline" in message.subject
        for address in message.to
    )
    return in_app, e_mails


def test_the_schedule_runs_the_deadline_task_every_few_minutes():
    entry = settings.CELERY_BEAT_SCHEDULE[BEAT_ENTRY]
    assert entry["task"] == "childshield.cases.tasks.referral_deadline_alerts"
    assert entry["schedule"] <= 5 * 60


@pytest.mark.django_db
def test_an_emergency_alerts_the_receiving_supervisors_at_its_deadline_and_at_twice_it_once_each(
    clock,
    focal_point,
    worker,
    supervisor,
    make_member,
    social_agency,
    commune,
    open_case,
    django_capture_on_commit_callbacks,
    settings,
):
    settings.CASES_REFERRAL_EMERGENCY_MINUTES = 60
    night_supervisor = make_member(
        email="night.supervisor@example.org", role=Role.CASE_SUPERVISOR, agency=social_agency
    )
    supervisors = sorted([supervisor.user.email, night_supervisor.user.email])
    sent_at = clock.now
    emergency = refer(open_case(focal_point), focal_point, social_agency, Urgency.EMERGENCY)
    # Sent at the same moment: a routine referral (its deadline is days away) and an emergency the
    # worker answers at once.
    routine = refer(
        open_case(focal_point, child=child_input(commune, full_name="Trần Thị Mai")),
        focal_point,
        social_agency,
        Urgency.ROUTINE,
    )
    answered = refer(
        open_case(focal_point, child=child_input(commune, full_name="Lê Văn Tú")),
        focal_point,
        social_agency,
        Urgency.EMERGENCY,
    )
    referral_accept(acting=worker, referral=answered, supervisor=supervisor)
    mail.outbox.clear()

    # Before the deadline, however often beat runs: nothing.
    for minutes in (0, 30, 59):
        clock.now = sent_at + timedelta(minutes=minutes, seconds=59)
        assert run_as_beat(django_capture_on_commit_callbacks) == 0
    assert alerts_of(emergency) == ([], [])

    # At the deadline: each supervisor once, in the app and by e-mail; runs after it add nothing.
    for minutes in (60, 60, 61, 90, 119):
        clock.now = sent_at + timedelta(minutes=minutes)
        run_as_beat(django_capture_on_commit_callbacks)
    at_deadline = (
        [(address, DeadlineLevel.PASSED) for address in supervisors],
        [(address, False) for address in supervisors],
    )
    assert alerts_of(emergency) == at_deadline

    # At twice the deadline: once more each, and never again.
    for minutes in (120, 120, 121, 180, 60 * 24):
        clock.now = sent_at + timedelta(minutes=minutes)
        run_as_beat(django_capture_on_commit_callbacks)
    in_app, e_mails = alerts_of(emergency)
    assert in_app == sorted(at_deadline[0] + [(address, DeadlineLevel.TWICE) for address in supervisors])
    assert e_mails == sorted(at_deadline[1] + [(address, True) for address in supervisors])

    # The worker who is no supervisor is not alerted; the routine and the answered referrals are not.
    assert worker.user.email not in {address for message in mail.outbox for address in message.to}
    assert alerts_of(routine) == ([], [])
    assert alerts_of(answered) == ([], [])
    # Each e-mail is an outbox item, one per supervisor and level.
    assert OutboxItem.objects.filter(kind=EMAIL, idempotency_key__contains="referral-deadline-").count() == 4


@pytest.mark.django_db
def test_the_e_mail_names_the_case_number_and_agencies_and_links_to_the_referral_never_the_child(
    clock, focal_point, supervisor, social_agency, open_case, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://childshield.example.org"
    referral = refer(open_case(focal_point), focal_point, social_agency, Urgency.URGENT)
    clock.now += timedelta(hours=25)
    assert run_as_beat(django_capture_on_commit_callbacks) == 1
    [message] = mail.outbox
    assert message.to == [supervisor.user.email]
    assert message.subject == f"Referral of case {referral.case.number}: no answer by its deadline"
    assert f"https://childshield.example.org/en/cases/referrals/{referral.pk}/" in message.body
    assert "Kim Thuy School (test)" in message.body and "Commune Social Work Office" in message.body
    assert "(Urgent) has waited 1 day 1 hour without an answer; it was due within 24 hours" in message.body
    for identifying in ("Hoa", "Nguyễn", "photos", "0912"):
        assert identifying not in message.body and identifying not in message.subject


@pytest.mark.django_db
def test_an_answer_after_the_first_alert_stops_the_second(
    clock, focal_point, worker, supervisor, social_agency, open_case, django_capture_on_commit_callbacks
):
    referral = refer(open_case(focal_point), focal_point, social_agency, Urgency.EMERGENCY)
    start = clock.now
    clock.now = start + timedelta(minutes=70)
    assert run_as_beat(django_capture_on_commit_callbacks) == 1
    referral_accept(acting=worker, referral=referral, supervisor=supervisor)
    clock.now = start + timedelta(hours=5)
    assert run_as_beat(django_capture_on_commit_callbacks) == 0
    assert list(ReferralDeadlineAlert.objects.values_list("level", flat=True)) == [DeadlineLevel.PASSED]


@pytest.mark.django_db
def test_a_referral_found_past_twice_its_deadline_alerts_once_at_that_level(
    clock, focal_point, supervisor, social_agency, open_case, django_capture_on_commit_callbacks
):
    # Beat was down for a while: one alert, saying how late it is, not two at once.
    referral = refer(open_case(focal_point), focal_point, social_agency, Urgency.EMERGENCY)
    clock.now += timedelta(hours=3)
    assert run_as_beat(django_capture_on_commit_callbacks) == 1
    assert alerts_of(referral) == (
        [(supervisor.user.email, DeadlineLevel.TWICE)],
        [(supervisor.user.email, True)],
    )


@pytest.mark.django_db
def test_an_agency_without_a_supervisor_alerts_those_who_answer_referrals(
    clock, worker, focal_point, school_agency, open_case, social_agency, django_capture_on_commit_callbacks
):
    # The worker sends the school a referral; the school has a focal point and no supervisor.
    case = open_case(worker, consent_to=[school_agency])
    referral = refer(case, worker, school_agency, Urgency.EMERGENCY)
    clock.now += timedelta(minutes=61)
    run_as_beat(django_capture_on_commit_callbacks)
    assert alerts_of(referral)[0] == [(focal_point.user.email, DeadlineLevel.PASSED)]


@pytest.mark.django_db
def test_the_deadline_is_the_one_the_referral_was_sent_with(
    clock, focal_point, supervisor, social_agency, open_case, django_capture_on_commit_callbacks, settings
):
    settings.CASES_REFERRAL_EMERGENCY_MINUTES = 60
    referral = refer(open_case(focal_point), focal_point, social_agency, Urgency.EMERGENCY)
    assert referral.respond_by == clock.now + timedelta(hours=1)
    # Shortened afterwards: the referral already sent keeps its hour.
    settings.CASES_REFERRAL_EMERGENCY_MINUTES = 15
    clock.now += timedelta(minutes=45)
    assert run_as_beat(django_capture_on_commit_callbacks) == 0
    clock.now += timedelta(minutes=15)
    assert run_as_beat(django_capture_on_commit_callbacks) == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_instant_alert_each_supervisor_once(
    focal_point, supervisor, social_agency, commune, open_case
):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs concurrent connections")
    referrals = [
        refer(
            open_case(focal_point, child=child_input(commune, full_name=name)),
            focal_point,
            social_agency,
            Urgency.EMERGENCY,
        )
        for name in ("Phạm Thị Lan", "Đỗ Văn Minh", "Hồ Thị Thu")
    ]
    later = timezone.now() + timedelta(minutes=61)
    start = threading.Barrier(2)
    counts: list[int] = []

    def run() -> None:
        try:
            start.wait()
            counts.append(referral_deadline_alerts_send(now=later))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # Between them, the two runs alerted about each referral once.
    assert sum(counts) == 3
    for referral in referrals:
        assert alerts_of(referral)[0] == [(supervisor.user.email, DeadlineLevel.PASSED)]
    assert OutboxItem.objects.filter(kind=EMAIL, idempotency_key__contains="referral-deadline-").count() == 3


@pytest.mark.django_db
def test_the_in_app_alert_shows_on_the_supervisors_home_while_the_referral_waits(
    clock,
    focal_point,
    worker,
    supervisor,
    social_agency,
    open_case,
    sign_in,
    django_capture_on_commit_callbacks,
):
    referral = refer(open_case(focal_point), focal_point, social_agency, Urgency.EMERGENCY)
    clock.now += timedelta(minutes=61)
    run_as_beat(django_capture_on_commit_callbacks)
    client = sign_in(supervisor)
    home = client.get("/en/cases/").content.decode()
    alerts = home[home.index("data-referral-alerts") :].split("</section>", 1)[0]
    assert f'data-referral="{referral.pk}"' in alerts
    assert referral.case.number in alerts and "Overdue by 1 minute" in alerts
    # The worker was not alerted: no such section on their home.
    assert "data-referral-alerts" not in sign_in(worker).get("/en/cases/").content.decode()

    referral_accept(acting=worker, referral=referral, supervisor=supervisor)
    assert "data-referral-alerts" not in sign_in(supervisor).get("/en/cases/").content.decode()
