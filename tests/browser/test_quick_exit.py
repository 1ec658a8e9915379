"""Quick exit without JavaScript: after leaving, Back does not show the child's conversation again.

Chromium runs with its back-forward cache on (Playwright turns it off unless told not to) and with
JavaScript off, so only the leave link and the headers of /leave/ are at work. The neutral site is
a tiny server of its own, on another origin.

This chromium keeps the thread (the answer to a post, sent with `no-store`) in neither cache, so
Back shows its own "confirm form resubmission" page there with or without /leave/. Browsers that
keep such a page for Back (what the issue reports) are stood for by a proxy that takes `no-store`
off: with it, the tests see the conversation come back unless /leave/'s Clear-Site-Data ran.
"""

import http.client
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from django.test import override_settings
from playwright.sync_api import Browser, Page, Response
from playwright.sync_api import Error as PlaywrightError

from childshield.intake import services
from childshield.intake.services import ReportContent
from tests.browser.conftest import CHROMIUM
from tests.browser.intake_steps import open_thread

pytestmark = pytest.mark.django_db(transaction=True)

CONVERSATION = "He wrote to me again after school."
NEUTRAL_PAGE = b"<!doctype html><html lang=en><title>Weather</title><h1>Sunny today</h1></html>"


class _Neutral(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(NEUTRAL_PAGE)))
        self.end_headers()
        self.wfile.write(NEUTRAL_PAGE)

    def log_message(self, *args: object) -> None:
        pass


class _KeepingBrowserProxy(BaseHTTPRequestHandler):
    """The app as a browser that keeps the thread for its Back button would see it (what the issue
    reports): the thread's `no-store` taken off, and, when told, /leave/'s Clear-Site-Data too."""

    upstream = ""
    drop_clear_site_data = False

    def _forward(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        upstream = http.client.HTTPConnection(urlsplit(self.upstream).netloc, timeout=30)
        headers = {name: value for name, value in self.headers.items() if name.lower() != "connection"}
        upstream.request(self.command, self.path, body=body or None, headers=headers)
        answer = upstream.getresponse()
        content = answer.read()
        dropped = {"connection", "transfer-encoding", "content-length", "cache-control", "expires"}
        if self.drop_clear_site_data:
            dropped.add("clear-site-data")
        self.send_response(answer.status)
        for name, value in answer.getheaders():
            if name.lower() not in dropped:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)
        upstream.close()

    do_GET = do_POST = _forward

    def log_message(self, *args: object) -> None:
        pass


def _serve(handler: type[BaseHTTPRequestHandler], host: str) -> Iterator[str]:
    server = ThreadingHTTPServer((host, 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://{host}:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def neutral_site() -> Iterator[str]:
    # 127.0.0.1, while the app is on localhost: another origin, as the real neutral site is.
    yield from _serve(_Neutral, "127.0.0.1")


@pytest.fixture(scope="module")
def bfcache_browser(browser: Browser) -> Iterator[Browser]:
    """Chromium as people have it: with the back-forward cache, which Playwright turns off."""
    launched = browser.browser_type.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"],
        ignore_default_args=["--disable-back-forward-cache"],
    )
    yield launched
    launched.close()


@pytest.fixture
def child_thread(db: None) -> tuple[str, str]:
    """A report whose thread holds the child's message: its code and passphrase."""
    receipt = services.report_submit(
        content=ReportContent(
            about="me", safe_now="yes", harms=["threatened"], description="A man on a game."
        ),
        idempotency_key="quick-exit-browser",
    )
    services.report_message_from_reporter(
        report=receipt.report, body=CONVERSATION, idempotency_key=None, client="test"
    )
    assert receipt.passphrase is not None
    return receipt.report.reference, receipt.passphrase


def _read_then_leave(browser: Browser, base: str, thread: tuple[str, str], neutral: str, *, via: str) -> Page:
    """Open the thread without JavaScript, see the conversation, leave by `via`, then press Back."""
    page = browser.new_context(java_script_enabled=False, locale="en-US").new_page()
    open_thread(page, base, "en", *thread)
    assert page.get_by_text(CONVERSATION).is_visible()
    thread_address = page.url
    if via == "leave link":
        page.click("[data-quick-exit]")
    else:
        page.goto(neutral)  # straight to the neutral site, as the link did before /leave/
    page.wait_for_url(f"{neutral}/")
    assert page.get_by_text("Sunny today").is_visible()
    try:
        page.go_back()
    except PlaywrightError as error:
        # The browser no longer holds the thread, the answer to a post: at the thread's place in the
        # history it shows its own "confirm form resubmission" page, and sends nothing by itself.
        assert "ERR_CACHE_MISS" in str(error), error
        page.wait_for_url("chrome-error://chromewebdata/")
    else:
        assert page.url == thread_address
    page.wait_for_load_state()
    return page


def _shows_conversation(page: Page) -> bool:
    return page.get_by_text(CONVERSATION).count() > 0


def test_back_after_the_leave_link_does_not_show_the_thread_without_javascript(
    live_server, bfcache_browser, neutral_site, child_thread
):
    with override_settings(QUICK_EXIT_URL=f"{neutral_site}/"):
        page = _read_then_leave(
            bfcache_browser, live_server.url, child_thread, neutral_site, via="leave link"
        )
        assert not _shows_conversation(page)
        page.context.close()


@pytest.fixture
def keeping_browser_proxy(live_server) -> Iterator[tuple[str, type[_KeepingBrowserProxy]]]:
    """The proxy's address, and its handler class (whose `drop_clear_site_data` a test may set)."""
    handler = type("Proxy", (_KeepingBrowserProxy,), {"upstream": live_server.url})
    for address in _serve(handler, "localhost"):
        yield address, handler


def test_a_browser_that_keeps_the_thread_drops_it_on_the_way_out(
    keeping_browser_proxy, bfcache_browser, neutral_site, child_thread
):
    base, proxy = keeping_browser_proxy
    with override_settings(QUICK_EXIT_URL=f"{neutral_site}/"):
        # Such a browser brings the thread back when the child leaves straight for the neutral
        # site, or through /leave/ without its Clear-Site-Data: this test can see the leak.
        page = _read_then_leave(bfcache_browser, base, child_thread, neutral_site, via="straight")
        assert _shows_conversation(page)
        page.context.close()
        proxy.drop_clear_site_data = True
        page = _read_then_leave(bfcache_browser, base, child_thread, neutral_site, via="leave link")
        assert _shows_conversation(page)
        page.context.close()
        # Through /leave/ as it answers, the browser has dropped it.
        proxy.drop_clear_site_data = False
        page = _read_then_leave(bfcache_browser, base, child_thread, neutral_site, via="leave link")
        assert not _shows_conversation(page)
        page.context.close()


def test_escape_with_javascript_leaves_through_the_clearing_address_too(
    live_server, bfcache_browser, neutral_site, child_thread
):
    page = bfcache_browser.new_context(locale="en-US").new_page()
    answers: list[Response] = []
    page.on("response", lambda answer: answers.append(answer))
    with override_settings(QUICK_EXIT_URL=f"{neutral_site}/"):
        page.goto(f"{live_server.url}/en/")
        open_thread(page, live_server.url, "en", *child_thread)
        page.keyboard.press("Escape")
        page.wait_for_url(f"{neutral_site}/")
        leaving = [answer for answer in answers if answer.url == f"{live_server.url}/leave/"]
        assert [answer.all_headers().get("clear-site-data") for answer in leaving] == ['"cache"']
        # The script replaced the thread in the history: Back goes to the page before it.
        page.go_back()
        page.wait_for_url(f"{live_server.url}/en/report/status/")
        assert not _shows_conversation(page)
    page.context.close()


def _back_to(page: Page, address: str) -> None:
    page.go_back(wait_until="commit")  # a page from the back-forward cache fires no load
    page.wait_for_url(address, wait_until="commit")


def test_leaving_empties_the_back_forward_cache(live_server, bfcache_browser, neutral_site):
    """Pages the child opened before the one they leave from (the status page, with what was typed
    into it, before the thread) are not brought back from the back-forward cache either.

    JavaScript is on here only to mark a page: a mark that survives Back is a page from the cache.
    The page left from itself enters the cache only once the neutral site is shown, after /leave/
    has answered, so no header of /leave/ can drop it: without JavaScript that is the thread, the
    answer to a post, which chromium never keeps there.
    """
    help_index, home = f"{live_server.url}/en/learn/", f"{live_server.url}/en/"
    with override_settings(QUICK_EXIT_URL=f"{neutral_site}/"):
        for way_out, kept in ((f"{neutral_site}/", True), (f"{live_server.url}/leave/", False)):
            page = bfcache_browser.new_context(locale="en-US").new_page()
            page.goto(help_index)
            page.evaluate("window.stillHere = true")
            page.goto(home)
            page.goto(way_out)  # as the link goes without JavaScript, adding to the history
            page.wait_for_url(f"{neutral_site}/")
            _back_to(page, home)
            _back_to(page, help_index)
            assert page.evaluate("window.stillHere === true") is kept, way_out
            page.context.close()
