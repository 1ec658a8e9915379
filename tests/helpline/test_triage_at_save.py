"""Triage runs when a report or a reporter's message is saved, inside that transaction, and is stored:
the queue only reads signals, without decrypting what was written, and reading it writes nothing."""

import pytest
from celery.app.task import Task
from django.db import connection
from django.test.utils import CaptureQueriesContext
from kombu.exceptions import OperationalError

from childshield.audit.models import AuditAction, AuditEvent
from childshield.helpline import queue, tasks
from childshield.helpline.models import ReportTriage
from childshield.helpline.services.queue import queue_claim
from childshield.helpline.services.triage import reports_triage_catch_up
from childshield.intake import hooks
from childshield.intake.models import Report
from childshield.intake.services import report_message_from_reporter
from tests.read_only import domain_writes

pytestmark = pytest.mark.django_db


def test_saving_a_report_triages_it_once_and_stores_its_signals(sign_in, counsellor, send_report):
    report = send_report(description="Em muon chet")

    triage = ReportTriage.objects.get(report=report)
    assert triage.signals == ["self_harm"] and triage.is_urgent
    assert triage.words == {"self_harm": ["muon chet"]}
    # A child's own submission: the system read it, no staff member did.
    [event] = AuditEvent.objects.filter(object_id=str(report.pk), reason__startswith="triage read")
    assert event.actor_id == "" and event.agency_id == ""

    client = sign_in(counsellor)
    html = client.get("/en/helpline/queue/rows/").content.decode()
    assert 'data-flag="self_harm"' in html
    client.get("/en/helpline/queue/rows/")
    assert ReportTriage.objects.count() == 1
    assert AuditEvent.objects.filter(object_id=str(report.pk), reason__startswith="triage read").count() == 1


def test_an_urgent_report_is_flagged_at_once_with_no_queue_open_and_the_broker_down(
    counsellor, send_report, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(Task, "apply_async", broker_down)
    # As a child types it: Vietnamese without its diacritics, the reporter saying they are safe.
    with django_capture_on_commit_callbacks(execute=True):
        report = send_report(description="toi khong muon song nua, em muon chet", safe_now="yes")

    triage = ReportTriage.objects.get(report=report)
    assert triage.is_urgent and triage.signals == ["self_harm"]
    [item] = queue.queue_page(acting=counsellor).items
    assert item.triaged and item.is_urgent


def test_the_queue_does_not_decrypt_descriptions(counsellor, send_report, monkeypatch):
    for _n in range(3):
        send_report(description="He says he will post my photos unless I pay")

    from childshield.core import crypto

    calls: list[str] = []
    real = crypto.decrypt
    monkeypatch.setattr(crypto, "decrypt", lambda token: calls.append(token) or real(token))
    items = queue.queue_page(acting=counsellor).items
    assert [flag.signal for item in items for flag in item.flags] == ["sextortion"] * 3
    assert calls == []


def test_a_reporters_new_message_is_triaged_when_it_is_saved(counsellor, send_report):
    report = send_report(description="Someone keeps messaging me.")
    assert ReportTriage.objects.get(report=report).signals == []

    message = report_message_from_reporter(
        report=report, body="I want to die", idempotency_key=None, client="t"
    )
    triage = ReportTriage.objects.get(report=report)
    assert triage.signals == ["self_harm"] and triage.last_message_id == message.pk
    [item] = queue.queue_page(acting=counsellor).items
    assert item.is_urgent


def test_a_failing_triage_never_loses_the_report_and_the_minute_task_catches_it_up(
    counsellor, send_report, monkeypatch
):
    def broken(*, report):
        raise RuntimeError("triage failed")

    monkeypatch.setattr(hooks, "_ON_REPORT_SAVED", [broken])
    report = send_report(description="I want to die")
    assert Report.objects.filter(pk=report.pk).exists()
    assert not ReportTriage.objects.filter(report=report).exists()
    [item] = queue.queue_page(acting=counsellor).items
    assert not item.triaged

    tasks.urgent_alerts()
    assert ReportTriage.objects.get(report=report).signals == ["self_harm"]
    [item] = queue.queue_page(acting=counsellor).items
    assert item.triaged and item.is_urgent


def test_the_catch_up_reads_reports_saved_before_triage_ran_at_saving_a_batch_at_a_time(
    counsellor, send_report, settings
):
    settings.HELPLINE_TRIAGE_BATCH = 2
    for _n in range(3):
        send_report()
    ReportTriage.objects.all().delete()  # as if saved before the upgrade
    assert reports_triage_catch_up() == 2
    assert reports_triage_catch_up() == 1
    assert reports_triage_catch_up() == 0
    items = queue.queue_page(acting=counsellor).items
    assert all(item.triaged for item in items)
    system_events = AuditEvent.objects.filter(reason__startswith="triage read", actor_id="")
    assert system_events.count() == 6  # three at saving, three caught up


def test_the_words_are_shown_on_the_item_page_and_reading_them_is_audited(sign_in, counsellor, send_report):
    report = send_report(description="Nó đòi tiền và dọa tung ảnh")
    queue_claim(acting=counsellor, report=report)
    html = sign_in(counsellor).get(f"/en/helpline/queue/{report.reference}/reply/").content.decode()
    assert 'data-flag="sextortion"' in html
    assert "<mark data-word>tung anh</mark>" in html
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="helpline.ReportTriage", actor_id=str(counsellor.user.pk)
    ).exists()


def _writes(queries: CaptureQueriesContext) -> list[str]:
    """The domain writes among `queries`: audit events and the sign-in session's own rows set aside."""
    return [statement for _table, statement in domain_writes(queries.captured_queries)]


@pytest.mark.parametrize("page", ["/en/helpline/", "/en/helpline/queue/rows/", "/en/helpline/supervision/"])
def test_reading_the_queue_writes_nothing_but_audit_events(sign_in, supervisor, send_report, page):
    send_report(description="I want to die")
    send_report(description="Nó đòi tiền và dọa tung ảnh", safe_now="no")
    report = send_report()
    report_message_from_reporter(report=report, body="are you there?", idempotency_key=None, client="t")
    ReportTriage.objects.filter(report=report).delete()  # one the catch-up has yet to read
    client = sign_in(supervisor)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page)
    assert response.status_code == 200
    assert _writes(queries) == []
    assert not ReportTriage.objects.filter(report=report).exists()


def test_the_queue_poll_query_count_does_not_grow_with_the_queue(sign_in, counsellor, send_report):
    client = sign_in(counsellor)
    send_report()
    client.get("/en/helpline/queue/rows/")
    with CaptureQueriesContext(connection) as few:
        client.get("/en/helpline/queue/rows/")
    for _n in range(5):
        send_report(description="I want to die")
    client.get("/en/helpline/queue/rows/")
    with CaptureQueriesContext(connection) as many:
        client.get("/en/helpline/queue/rows/")
    assert len(many) == len(few)
