"""Done when: a local host takes an item down after the second notice; the item goes through
assessment, confirmation, trace, notice, re-notice and removal, and the figures come out right."""

import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail

from childshield.core.errors import ApplicationError
from childshield.hotline import selectors
from childshield.hotline.models import ContentItem, ItemStatus, NoticeState, RecipientKind, SourceKind
from childshield.hotline.services.assessment import AssessmentInput, assessment_confirm, assessment_record
from childshield.hotline.services.items import content_item_report
from childshield.hotline.services.notices import items_renotice_due, notice_first_send
from childshield.hotline.services.removal import removal_checks_due

from .conftest import T0


class HostThatGivesUpAfterTwoNotices(BaseHTTPRequestHandler):
    """Answers 200 until two notices are in the (locmem) outbox, then 404. Bodies are never asked for."""

    requests_seen: list[str] = []

    def _answer(self) -> None:
        type(self).requests_seen.append(self.command)
        self.send_response(404 if len(mail.outbox) >= 2 else 200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_HEAD = _answer
    do_GET = _answer

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def local_host() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), HostThatGivesUpAfterTwoNotices)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    HostThatGivesUpAfterTwoNotices.requests_seen = []
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_an_item_goes_from_report_to_removal_after_the_second_notice(
    local_host,
    local_checks,
    analyst,
    second_analyst,
    lead,
    traced_to_provider,
    django_capture_on_commit_callbacks,
):
    url = f"{local_host}/clips/synthetic-42?utm_source=chat#top"
    item = None
    for number in range(3):  # three people report the same address, written differently
        item = content_item_report(
            acting=None,
            agency=analyst.agency,
            url=url if number else url.upper().replace("/CLIPS/SYNTHETIC-42", "/clips/synthetic-42"),
            source=SourceKind.PARTNER,
            reference=f"partner-{number}",
            now=T0 + timedelta(minutes=number),
        )
    assert ContentItem.objects.count() == 1
    assert item.sources.count() == 3
    assert item.url == f"{local_host}/clips/synthetic-42"

    assessment = assessment_record(
        acting=analyst,
        item=item,
        data=AssessmentInput(
            classification="abuse_material",
            illegal_national=True,
            interpol_baseline=True,
            category="A",
            content_type="video",
            apparent_age="11_13",
            commercial=True,
        ),
        now=T0 + timedelta(hours=1),
    )
    item.refresh_from_db()
    assert item.status == ItemStatus.ASSESSED
    with pytest.raises(ApplicationError) as refused:
        assessment_confirm(acting=analyst, assessment=assessment)
    assert refused.value.code == "same_person"
    assert mail.outbox == []

    confirmed_at = T0 + timedelta(hours=2)
    with django_capture_on_commit_callbacks() as callbacks:
        assessment_confirm(acting=second_analyst, assessment=assessment, now=confirmed_at)
    assert len(callbacks) == 1  # the first notice is queued for the worker on commit
    # The worker's job, run here with the test's clock:
    notice = notice_first_send(item_id=item.pk, now=confirmed_at)

    item.refresh_from_db()
    assert notice is not None and notice.state == NoticeState.SENT
    assert notice.recipient_kind == RecipientKind.HOSTING_PROVIDER
    assert item.status == ItemStatus.NOTICE_SENT
    assert item.provider == traced_to_provider and item.hosting_country == "NL"
    assert item.traces.count() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["abuse@hosting.example"]
    assert item.url in message.body and "Category A" not in message.subject
    assert "synthetic" in message.body  # the address, and nothing more about the content

    # Still up an hour later.
    assert removal_checks_due(now=confirmed_at + timedelta(hours=1)) == 1
    item.refresh_from_db()
    assert item.status == ItemStatus.NOTICE_SENT
    assert item.checks.first().state == "online"

    # Not re-noticed before 48 hours; re-noticed at 48.
    assert items_renotice_due(now=confirmed_at + timedelta(hours=47)) == 0
    assert items_renotice_due(now=confirmed_at + timedelta(hours=48)) == 1
    item.refresh_from_db()
    assert item.status == ItemStatus.RENOTICED and item.notice_count == 2
    assert len(mail.outbox) == 2

    # The host has now taken it down.
    removed_at = confirmed_at + timedelta(hours=48, minutes=30)
    assert removal_checks_due(now=removed_at) == 1
    item.refresh_from_db()
    assert item.status == ItemStatus.REMOVED
    assert item.removed_at == removed_at
    assert set(HostThatGivesUpAfterTwoNotices.requests_seen) == {"HEAD"}

    # Closed items are neither checked nor noticed again.
    assert removal_checks_due(now=removed_at + timedelta(days=1)) == 0
    assert items_renotice_due(now=removed_at + timedelta(days=5)) == 0

    figures = selectors.removal_figures(membership=lead)
    assert figures.overall.removed == 1
    assert figures.overall.median_from_notice == 48.5
    assert figures.overall.median_from_report == 50.5  # from the first report, at T0
    assert [row.label for row in figures.by_provider] == ["Example Hosting"]
    assert [row.label for row in figures.by_country] == ["NL"]
    assert [row.label for row in figures.by_month] == ["2026-03"]

    timeline = [event.reason for event in selectors.item_timeline(item=item)]
    assert any("notice 2 sent" in reason for reason in timeline)
    assert any("removal check: removed" in reason for reason in timeline)
