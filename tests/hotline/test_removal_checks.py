"""Removal checks: each look is kept with a clear state; only "removed" closes the item."""

import socket
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from childshield.hotline.models import CheckState, ItemStatus, NoticeState
from childshield.hotline.probe import ProbeResult
from childshield.hotline.services.items import content_item_report
from childshield.hotline.services.notices import notice_first_send, notices_retry_due
from childshield.hotline.services.removal import item_close_not_removed, removal_check, removal_checks_due

from .conftest import T0, confirmed_item


class MovedAway(BaseHTTPRequestHandler):
    def do_HEAD(self) -> None:
        self.send_response(302)
        self.send_header("Location", "https://elsewhere.example/landing")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def moved_host() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), MovedAway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def silent_host() -> Iterator[str]:
    """Accepts connections (the kernel queues them) and never answers."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        listener.close()


def test_a_host_that_never_answers_is_recorded_as_unreachable(
    settings, analyst, second_analyst, silent_host, local_checks
):
    settings.HOTLINE_CHECK_TIMEOUT_SECONDS = 0.5
    item = confirmed_item(f"{silent_host}/x", analyst=analyst, second=second_analyst)
    check = removal_check(item=item, now=T0)
    assert check.state == CheckState.UNREACHABLE
    item.refresh_from_db()
    assert item.status == ItemStatus.CONFIRMED and item.removed_at is None and item.last_checked_at == T0


def test_a_redirect_to_another_host_is_not_a_removal(analyst, second_analyst, moved_host, local_checks):
    item = confirmed_item(f"{moved_host}/y", analyst=analyst, second=second_analyst)
    check = removal_check(item=item, now=T0)
    assert check.state == CheckState.REDIRECTED_ELSEWHERE
    assert check.redirect_to == "https://elsewhere.example/landing"
    item.refresh_from_db()
    assert item.status == ItemStatus.CONFIRMED


def test_a_dns_failure_is_recorded_and_checked_again_later(analyst, second_analyst, monkeypatch):
    monkeypatch.setattr(
        "childshield.hotline.probe.check_url",
        lambda url, timeout=5.0: ProbeResult(state="dns_failure", detail="the host name does not resolve"),
    )
    item = confirmed_item("https://no-such-host.invalid/z", analyst=analyst, second=second_analyst)
    assert removal_checks_due(now=T0) == 1
    assert item.checks.get().state == CheckState.DNS_FAILURE
    assert removal_checks_due(now=T0 + timedelta(minutes=59)) == 0
    assert removal_checks_due(now=T0 + timedelta(minutes=60)) == 1
    item.refresh_from_db()
    assert item.status == ItemStatus.CONFIRMED


def test_a_removal_cancels_pending_notice_retries(
    settings, analyst, second_analyst, traced_to_provider, monkeypatch
):
    settings.EMAIL_BACKEND = "tests.hotline.test_notices.RefusingBackend"
    item = confirmed_item("https://host.example/w", analyst=analyst, second=second_analyst)
    notice = notice_first_send(item_id=item.pk, now=T0)
    assert notice.state == NoticeState.FAILED
    monkeypatch.setattr(
        "childshield.hotline.probe.check_url",
        lambda url, timeout=5.0: ProbeResult(state="removed", status_code=404),
    )
    removal_check(item=item, now=T0 + timedelta(minutes=2))
    assert notices_retry_due(now=T0 + timedelta(hours=1)) == 0
    item.refresh_from_db()
    assert item.status == ItemStatus.REMOVED and item.removed_at == T0 + timedelta(minutes=2)


def test_items_not_yet_confirmed_are_not_checked(analyst, monkeypatch):
    calls = []
    monkeypatch.setattr("childshield.hotline.probe.check_url", lambda url, timeout=5.0: calls.append(url))
    content_item_report(acting=analyst, url="https://example.org/new", source="analyst")
    assert removal_checks_due(now=T0) == 0 and calls == []


def test_a_lead_closes_an_item_as_not_removed_with_a_reason(analyst, second_analyst, lead):
    from childshield.core.errors import ApplicationError

    item = confirmed_item("https://host.example/v", analyst=analyst, second=second_analyst)
    with pytest.raises(ApplicationError):
        item_close_not_removed(acting=lead, item=item, reason=" ")
    item_close_not_removed(acting=lead, item=item, reason="host abroad, no partner answers")
    item.refresh_from_db()
    assert item.status == ItemStatus.NOT_REMOVED
