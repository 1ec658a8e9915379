"""Removal checks against a real local HTTP server: status codes only, never the content."""

import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from childshield.hotline.probe import DEFAULT_USER_AGENT, ProbeResult, check_url

HUGE = 256 * 1024 * 1024  # far more than any socket buffer


@pytest.fixture(autouse=True)
def allow_local_hosts(settings) -> None:
    """The test hosts live on 127.0.0.1, which real checks refuse."""
    settings.HOTLINE_CHECK_ALLOW_PRIVATE_ADDRESSES = True


class Host:
    """A local web host whose answers the test sets per path; it notes every request and body byte sent."""

    def __init__(self) -> None:
        self.routes: dict[str, Callable[[BaseHTTPRequestHandler], None]] = {}
        self.requests: list[tuple[str, str, str]] = []  # (method, path, user agent)
        self.body_bytes_sent = 0
        self.body_aborted = threading.Event()
        host = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def handle_any(self) -> None:
                host.requests.append((self.command, self.path, self.headers.get("User-Agent", "")))
                route = host.routes.get(self.path)
                if route is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                route(self)

            do_GET = handle_any
            do_HEAD = handle_any

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def status(self, path: str, code: int, headers: dict[str, str] | None = None) -> None:
        def answer(handler: BaseHTTPRequestHandler) -> None:
            handler.send_response(code)
            for name, value in (headers or {}).items():
                handler.send_header(name, value)
            handler.send_header("Content-Length", "0")
            handler.end_headers()

        self.routes[path] = answer

    def huge_body(self, path: str, *, refuse_head: bool = False) -> None:
        def answer(handler: BaseHTTPRequestHandler) -> None:
            if handler.command == "HEAD" and refuse_head:
                handler.send_response(405)
                handler.send_header("Allow", "GET")
                handler.send_header("Content-Length", "0")
                handler.end_headers()
                return
            handler.send_response(200)
            handler.send_header("Content-Type", "video/mp4")
            handler.send_header("Content-Length", str(HUGE))
            handler.end_headers()
            if handler.command == "HEAD":
                return
            chunk = b"\0" * 65536
            try:
                while self.body_bytes_sent < HUGE:
                    handler.wfile.write(chunk)
                    self.body_bytes_sent += len(chunk)
            except (BrokenPipeError, ConnectionResetError):
                self.body_aborted.set()

        self.routes[path] = answer

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def host() -> Iterator[Host]:
    server = Host()
    yield server
    server.close()


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never says a word."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
                held.append(connection)
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join(2)
    for connection in held:
        connection.close()
    listener.close()


@pytest.fixture
def closed_port() -> int:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


def test_content_still_up_is_online(host: Host) -> None:
    host.status("/clip", 200)
    result = check_url(host.base + "/clip")
    assert (result.state, result.status_code, result.redirect_to) == ("online", 200, "")
    assert host.requests == [("HEAD", "/clip", DEFAULT_USER_AGENT)]
    assert result.checked_at.tzinfo is not None


@pytest.mark.parametrize("code", [404, 410, 451])
def test_content_taken_down_is_removed(host: Host, code: int) -> None:
    host.status("/clip", code)
    result = check_url(host.base + "/clip")
    assert (result.state, result.status_code) == ("removed", code)


def test_a_server_error_is_unreachable_to_retry(host: Host) -> None:
    host.status("/clip", 503)
    assert check_url(host.base + "/clip").state == "unreachable"


def test_a_forbidden_answer_is_an_error_with_its_code(host: Host) -> None:
    host.status("/clip", 401)
    result = check_url(host.base + "/clip")
    assert (result.state, result.status_code) == ("error", 401)


def test_a_host_that_refuses_head_is_asked_with_get_and_the_body_is_never_read(host: Host) -> None:
    host.huge_body("/video", refuse_head=True)
    started = time.monotonic()
    result = check_url(host.base + "/video", timeout=2)
    elapsed = time.monotonic() - started
    assert (result.state, result.status_code) == ("online", 200)
    assert [method for method, _, _ in host.requests] == ["HEAD", "GET"]
    assert elapsed < 2
    # The check closed the connection: the server could not send the body.
    assert host.body_aborted.wait(5)
    assert host.body_bytes_sent < HUGE // 4


def test_with_head_only_head_is_sent_even_for_a_huge_body(host: Host) -> None:
    host.huge_body("/video")
    result = check_url(host.base + "/video", timeout=2)
    assert result.state == "online"
    assert [method for method, _, _ in host.requests] == ["HEAD"]
    assert host.body_bytes_sent == 0


def test_redirects_on_the_same_host_are_followed(host: Host) -> None:
    host.status("/old", 301, {"Location": "/newer"})
    host.status("/newer", 302, {"Location": host.base + "/newest"})
    host.status("/newest", 404)
    result = check_url(host.base + "/old")
    assert (result.state, result.status_code) == ("removed", 404)
    assert result.redirect_to == host.base + "/newest"
    assert [path for _, path, _ in host.requests] == ["/old", "/newer", "/newest"]


def test_a_redirect_to_another_host_ends_the_check_and_says_where(host: Host) -> None:
    host.status("/clip", 302, {"Location": "https://elsewhere.example/landing?x=1"})
    result = check_url(host.base + "/clip")
    assert result.state == "redirected_elsewhere"
    assert result.status_code == 302
    assert result.redirect_to == "https://elsewhere.example/landing?x=1"
    assert len(host.requests) == 1


def test_a_redirect_to_something_that_is_not_a_web_page_counts_as_elsewhere(host: Host) -> None:
    host.status("/clip", 302, {"Location": "ftp://files.example/clip"})
    assert check_url(host.base + "/clip").state == "redirected_elsewhere"


def test_at_most_three_redirects_are_followed(host: Host) -> None:
    for number in range(6):
        host.status(f"/hop{number}", 302, {"Location": f"/hop{number + 1}"})
    result = check_url(host.base + "/hop0")
    assert result.state == "error"
    assert "redirects" in result.detail
    assert len(host.requests) == 4


def test_a_host_that_never_answers_times_out_as_unreachable(silent_port: int) -> None:
    started = time.monotonic()
    result = check_url(f"http://127.0.0.1:{silent_port}/clip", timeout=0.5)
    assert result.state == "unreachable"
    assert "time-out" in result.detail
    assert time.monotonic() - started < 3


def test_a_closed_port_is_unreachable(closed_port: int) -> None:
    result = check_url(f"http://127.0.0.1:{closed_port}/clip", timeout=1)
    assert result.state == "unreachable"
    assert result.status_code is None


def test_a_name_that_does_not_resolve_is_a_dns_failure() -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno -2] Name or service not known", request=request)

    result = check_url("http://gone.example/clip", transport=httpx.MockTransport(fail))
    assert result.state == "dns_failure"


def test_a_resolver_error_below_httpx_is_a_dns_failure() -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        try:
            raise socket.gaierror(socket.EAI_NONAME, "unknown")
        except socket.gaierror as exc:
            raise httpx.ConnectError("connect failed", request=request) from exc

    assert check_url("http://gone.example/", transport=httpx.MockTransport(fail)).state == "dns_failure"


def test_an_address_that_cannot_be_read_is_an_error_not_an_exception() -> None:
    result = check_url("javascript:alert(1)")
    assert isinstance(result, ProbeResult)
    assert result.state == "error"


def test_the_user_agent_can_be_set(host: Host, settings) -> None:
    settings.HOTLINE_CHECK_USER_AGENT = "Hotline check"
    host.status("/clip", 200)
    check_url(host.base + "/clip")
    assert host.requests[0][2] == "Hotline check"


def test_the_result_is_json_ready(host: Host) -> None:
    import json

    host.status("/clip", 410)
    data = json.loads(json.dumps(check_url(host.base + "/clip").as_dict()))
    assert data["state"] == "removed"
    assert data["status_code"] == 410


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "[::1]",
        "[fd00::1]",
        "[::ffff:127.0.0.1]",
        "localhost",
    ],
)
def test_addresses_inside_our_own_network_are_refused_without_a_request(
    host: Host, settings, address
) -> None:
    settings.HOTLINE_CHECK_ALLOW_PRIVATE_ADDRESSES = False
    host.status("/clip", 200)
    port = host.server.server_address[1]
    result = check_url(f"http://{address}:{port}/clip", timeout=0.5)
    assert result.state == "error"
    assert "not a public address" in result.detail
    assert host.requests == []


@pytest.mark.parametrize("address", ["8.8.8.8", "2001:4860:4860::8888"])
def test_public_addresses_pass_the_guard(settings, address: str) -> None:
    from childshield.hotline.probe import _refused_address

    settings.HOTLINE_CHECK_ALLOW_PRIVATE_ADDRESSES = False
    assert _refused_address(address) == ""  # an IP literal resolves without asking the network


def test_the_guard_runs_again_for_each_new_host_a_redirect_leads_to(host: Host, monkeypatch) -> None:
    from childshield.hotline import probe

    asked: list[str] = []

    def refuse_www(name: str) -> str:
        asked.append(name)
        return "refused: test" if name.startswith("www.") else ""

    monkeypatch.setattr(probe, "_refused_address", refuse_www)
    port = host.server.server_address[1]
    host.status("/a", 301, {"Location": f"http://www.localhost:{port}/b"})
    result = check_url(f"http://localhost:{port}/a")
    assert (result.state, result.detail) == ("error", "refused: test")
    assert asked == ["localhost", "www.localhost"]
    assert [path for _, path, _ in host.requests] == ["/a"]
