"""Triage runs once per report and is stored: the queue reads signals without decrypting what was written."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from childshield.audit.models import AuditAction, AuditEvent
from childshield.helpline import selectors, services
from childshield.helpline.models import ReportTriage
from childshield.intake.services import report_message_from_reporter

pytestmark = pytest.mark.django_db


def test_the_queue_triages_a_new_report_once_and_stores_its_signals(sign_in, counsellor, send_report):
    report = send_report(description="Em muon chet")
    client = sign_in(counsellor)

    html = client.get("/en/helpline/queue/rows/").content.decode()
    assert 'data-flag="self_harm"' in html
    triage = ReportTriage.objects.get(report=report)
    assert triage.signals == ["self_harm"] and triage.is_urgent
    assert triage.words == {"self_harm": ["muon chet"]}

    client.get("/en/helpline/queue/rows/")
    assert ReportTriage.objects.count() == 1
    assert AuditEvent.objects.filter(object_id=str(report.pk), reason__startswith="triage read").count() == 1


def test_the_queue_does_not_decrypt_descriptions_once_triaged(counsellor, send_report, monkeypatch):
    for _n in range(3):
        send_report(description="He says he will post my photos unless I pay")
    services.reports_triage(acting=counsellor)

    from childshield.core import crypto

    calls: list[str] = []
    real = crypto.decrypt
    monkeypatch.setattr(crypto, "decrypt", lambda token: calls.append(token) or real(token))
    items = selectors.queue_items(acting=counsellor)
    assert [flag.signal for item in items for flag in item.flags] == ["sextortion"] * 3
    assert calls == []


def test_a_reporters_new_message_is_triaged_again(counsellor, send_report):
    report = send_report(description="Someone keeps messaging me.")
    services.reports_triage(acting=counsellor)
    assert ReportTriage.objects.get(report=report).signals == []

    report_message_from_reporter(report=report, body="I want to die", idempotency_key=None, client="t")
    assert services.reports_triage(acting=counsellor) == 1
    assert ReportTriage.objects.get(report=report).signals == ["self_harm"]


def test_triage_works_a_batch_at_a_time(counsellor, send_report, settings):
    settings.HELPLINE_TRIAGE_BATCH = 2
    for _n in range(3):
        send_report()
    assert services.reports_triage(acting=counsellor) == 2
    assert services.reports_triage(acting=counsellor) == 1
    assert services.reports_triage(acting=counsellor) == 0
    items = selectors.queue_items(acting=counsellor)
    assert all(item.triaged for item in items)


def test_an_untriaged_report_says_so_in_the_queue(counsellor, send_report):
    send_report()
    [item] = selectors.queue_items(acting=counsellor)
    assert not item.triaged


def test_the_words_are_shown_on_the_item_page_and_reading_them_is_audited(sign_in, counsellor, send_report):
    report = send_report(description="Nó đòi tiền và dọa tung ảnh")
    services.queue_claim(acting=counsellor, report=report)
    html = sign_in(counsellor).get(f"/en/helpline/queue/{report.reference}/reply/").content.decode()
    assert 'data-flag="sextortion"' in html
    assert "“tung anh”" in html
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="helpline.ReportTriage", actor_id=str(counsellor.user.pk)
    ).exists()


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
