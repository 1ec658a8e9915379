"""The queue never hides an urgent report: ordered in the database before any page is cut, urgent
first however many older reports wait, paged, read directly by the alert task, and polled cheaply."""

import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from childshield.helpline import queue, tasks
from childshield.helpline.models import ReportTriage
from childshield.helpline.services.queue import queue_claim
from childshield.intake.models import Report, Screening
from tests.helpline.conftest import age_report, older_reports

pytestmark = pytest.mark.django_db

# Words that raise the self-harm signal (tests/helpline/test_triage.py), from a child who said they are safe.
SELF_HARM_WORDS = "Em muon chet, khong muon song nua"


def _codes(html: str) -> list[str]:
    return re.findall(r'data-queue-item="([^"]+)"', html)


def _poll_state(html: str) -> dict[str, str]:
    """The page number and version the rows carry, as HTMX sends them back with the next poll."""
    state = re.search(r'<div id="queue-state" hidden>(.*?)</div>', html)
    assert state is not None
    return dict(re.findall(r'name="(\w+)" value="([^"]*)"', state.group(1)))


@pytest.mark.parametrize(
    ("safe_now", "description"),
    [
        pytest.param("no", "Someone keeps messaging me.", id="by-the-childs-answer"),
        pytest.param("yes", SELF_HARM_WORDS, id="only-by-its-words"),
    ],
)
def test_a_new_urgent_report_is_first_behind_a_thousand_older_ones(
    sign_in, counsellor, send_report, safe_now, description
):
    older_reports(1000, oldest_minutes=1100)
    urgent = send_report(safe_now=safe_now, description=description)

    html = sign_in(counsellor).get("/en/helpline/").content.decode()

    codes = _codes(html)
    assert codes[0] == urgent.reference
    assert len(codes) == queue.QUEUE_PAGE_SIZE
    assert "1001 items waiting" in html
    [item] = [item for item in queue.queue_page(acting=counsellor).items if item.report == urgent]
    assert item.is_urgent


def test_the_alert_task_finds_an_urgent_report_behind_a_thousand_older_ones(
    sign_in, supervisor, send_report, settings, django_capture_on_commit_callbacks
):
    settings.HELPLINE_URGENT_ALERT_MINUTES = 5
    older_reports(1000, oldest_minutes=1100)
    urgent = age_report(send_report(safe_now="no"), 7)

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.urgent_alerts() == 1
    [message] = mail.outbox
    assert f"{urgent.display_reference}: waiting 7 minutes" in message.body
    # The next minute's task reads nothing to alert about: the alerted wait is left out by the query.
    assert queue.urgent_items_to_alert(acting=supervisor) == []

    # The supervisor's page and the queue's alert name it too, whatever page it would sit on.
    client = sign_in(supervisor)
    assert (
        f'data-urgent-item="{urgent.reference}"' in client.get("/en/helpline/supervision/").content.decode()
    )
    rows = client.get("/en/helpline/queue/rows/?page=20").content.decode()
    assert 'data-overdue="1"' in rows and urgent.display_reference in rows


def test_the_pages_hold_every_urgent_item_before_any_routine_one(sign_in, counsellor):
    routine = older_reports(70, oldest_minutes=500)
    # A page's worth of urgent reports, all newer than every routine one: they fill the first page.
    urgent = older_reports(queue.QUEUE_PAGE_SIZE, oldest_minutes=120, urgent=True)
    client = sign_in(counsellor)
    first = client.get("/en/helpline/").content.decode()
    assert _codes(first) == [report.reference for report in urgent]
    assert "all are shown first" not in first

    # More urgent ones than fit on a page: the page says so, and the rest open the next page.
    urgent += older_reports(5, oldest_minutes=30, urgent=True)
    pages = [client.get(f"/en/helpline/?page={number}").content.decode() for number in (1, 2, 3)]

    shown = [_codes(html) for html in pages]
    assert [len(codes) for codes in shown] == [50, 50, 25]
    everything = [code for codes in shown for code in codes]
    assert everything == [report.reference for report in urgent + routine]  # each once, oldest first
    assert "55 urgent reports are waiting; all are shown first." in pages[0]
    assert "Page 1 of 3" in pages[0] and 'href="/en/helpline/?page=2"' in pages[0]
    assert 'href="/en/helpline/?page=1"' in pages[1] and 'href="/en/helpline/?page=3"' in pages[1]
    # A page past the end shows the last one; a page that is not a number, the first.
    assert _codes(client.get("/en/helpline/?page=9").content.decode()) == shown[2]
    assert _codes(client.get("/en/helpline/?page=x").content.decode()) == shown[0]


def test_an_urgent_report_from_a_burst_comes_before_a_routine_clear_one(sign_in, counsellor, send_report):
    routine = age_report(send_report(), 60)
    burst_routine = age_report(send_report(screening=Screening.FLOOD), 90)
    burst_urgent = age_report(send_report(safe_now="no", screening=Screening.FLOOD), 5)
    clear_urgent = age_report(send_report(safe_now="not_sure"), 1)

    html = sign_in(counsellor).get("/en/helpline/").content.decode()

    # Urgent first in every lane (clear before burst among them), then routine ones, clear first.
    assert _codes(html) == [r.reference for r in (clear_urgent, burst_urgent, routine, burst_routine)]


def test_the_databases_urgency_is_the_rule_each_row_shows(counsellor, send_report):
    """The order comes from the database's rank, the "Urgent" badge from the same rank: check both
    against the rule as a person reads the row (the child's answer, the urgent signals)."""
    for safe_now in ("yes", "no", "not_sure", ""):
        for description in (
            "Someone keeps messaging me.",
            SELF_HARM_WORDS,
            "He keeps sending me gifts and says keep it secret",
        ):
            send_report(safe_now=safe_now, description=description)
    untriaged = send_report(safe_now="yes", description=SELF_HARM_WORDS)
    ReportTriage.objects.filter(report=untriaged).delete()  # its triage failed: not urgent until read

    items = queue.queue_page(acting=counsellor).items

    assert len(items) == 13
    for item in items:
        said_unsafe = item.report.safe_now in {"no", "not_sure"}
        assert item.is_urgent == (said_unsafe or any(flag.is_urgent for flag in item.flags)), item.report
    ranks = [not item.is_urgent for item in items]
    assert ranks == sorted(ranks)
    assert sum(item.is_urgent for item in items) == 8  # six said unsafe, two more by their words alone
    assert {item.report.pk for item in queue.queue_urgent_items(acting=counsellor)} == {
        item.report.pk for item in items if item.is_urgent
    }


def test_a_poll_with_nothing_new_is_answered_with_no_content(
    sign_in, counsellor, second_counsellor, send_report
):
    first = send_report()
    client = sign_in(counsellor)
    rows = client.get("/en/helpline/queue/rows/", headers={"HX-Request": "true"}).content.decode()
    state = _poll_state(rows)
    assert state["page"] == "1"

    again = client.get("/en/helpline/queue/rows/", state, headers={"HX-Request": "true"})
    assert again.status_code == 204
    assert again.content == b""

    # A new report arrives: the same poll brings the rows, with it.
    second = send_report()
    changed = client.get("/en/helpline/queue/rows/", state, headers={"HX-Request": "true"})
    assert changed.status_code == 200
    assert _codes(changed.content.decode()) == [first.reference, second.reference]

    # A colleague claims one: the rows come again, saying who holds it.
    state = _poll_state(changed.content.decode())
    queue_claim(acting=second_counsellor, report=first)
    claimed = client.get("/en/helpline/queue/rows/", state, headers={"HX-Request": "true"})
    assert claimed.status_code == 200 and "Test Second" in claimed.content.decode()


def test_the_whole_page_carries_the_version_the_poll_compares(
    sign_in, counsellor, supervisor, send_report, settings
):
    settings.HELPLINE_URGENT_ALERT_MINUTES = 10
    older_reports(60, oldest_minutes=300)
    age_report(send_report(safe_now="no"), 12)  # past the alert time: on the supervisor's alert
    for member in (counsellor, supervisor):
        client = sign_in(member)
        for number in ("1", "2"):
            page = client.get(f"/en/helpline/?page={number}").content.decode()
            state = _poll_state(page)
            assert state["page"] == number
            assert client.get("/en/helpline/queue/rows/", state).status_code == 204


def test_an_item_passing_the_alert_time_brings_new_rows(sign_in, supervisor, send_report, settings):
    settings.HELPLINE_URGENT_ALERT_MINUTES = 10
    report = age_report(send_report(safe_now="no"), 9)
    client = sign_in(supervisor)
    state = _poll_state(client.get("/en/helpline/queue/rows/").content.decode())
    assert client.get("/en/helpline/queue/rows/", state).status_code == 204

    age_report(report, 11)
    rows = client.get("/en/helpline/queue/rows/", state)
    assert rows.status_code == 200 and 'data-overdue="1"' in rows.content.decode()


def test_a_steady_poll_is_small(sign_in, counsellor, send_report):
    older_reports(200, oldest_minutes=300)
    client = sign_in(counsellor)
    full = client.get("/en/helpline/queue/rows/")
    steady = client.get("/en/helpline/queue/rows/", _poll_state(full.content.decode()))
    assert steady.status_code == 204
    size = len(steady.serialize())  # status line, headers and body, as sent
    assert size < 1000 < len(full.content)


def _queries(client, url: str, params: dict[str, str] | None = None) -> int:
    client.get(url, params)
    with CaptureQueriesContext(connection) as captured:
        client.get(url, params)
    return len(captured)


def test_the_queue_reads_the_same_number_of_times_for_ten_or_two_hundred_reports(
    sign_in, supervisor, second_counsellor, settings
):
    settings.HELPLINE_URGENT_ALERT_MINUTES = 10
    client = sign_in(supervisor)

    def counts() -> tuple[int, int, int]:
        state = _poll_state(client.get("/en/helpline/queue/rows/").content.decode())
        return (
            _queries(client, "/en/helpline/"),
            _queries(client, "/en/helpline/queue/rows/"),
            _queries(client, "/en/helpline/queue/rows/", state),
        )

    def add(*, routine: int, urgent: int) -> None:
        calm = older_reports(routine, oldest_minutes=600)
        unsafe = older_reports(urgent, oldest_minutes=60, urgent=True)  # past the alert time
        for report in (calm[0], calm[-1], unsafe[0]):
            queue_claim(acting=second_counsellor, report=report)

    add(routine=9, urgent=1)
    few = counts()
    add(routine=171, urgent=19)
    assert Report.objects.count() == 200
    many = counts()
    assert many == few
