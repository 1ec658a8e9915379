"""Removal checks: does a reported address still answer? Status line and headers only, never content.

The check asks with HEAD; only when a server refuses HEAD does it send a GET and close the stream
as soon as the headers are in, without reading the body. It follows at most three redirects and
only while they stay on the same host. Addresses come from the public, so hosts that resolve to
loopback, private, link-local or other non-public addresses are refused unless
HOTLINE_CHECK_ALLOW_PRIVATE_ADDRESSES is set (tests). Settings (all optional, see
docs/hotline-tracing.md): HOTLINE_CHECK_USER_AGENT, HOTLINE_CHECK_PROXY, HOTLINE_CHECK_VERIFY_TLS,
HOTLINE_CHECK_ALLOW_PRIVATE_ADDRESSES.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

import httpx
from django.conf import settings
from django.utils import timezone

from childshield.core.addresses import non_public_address
from childshield.hotline.urlnorm import InvalidUrl, normalise_url

# ProbeResult.state values
ONLINE = "online"
REMOVED = "removed"
REDIRECTED_ELSEWHERE = "redirected_elsewhere"
UNREACHABLE = "unreachable"  # 5xx, time-outs, refused connections: try again later
DNS_FAILURE = "dns_failure"
ERROR = "error"
PROBE_STATES = (ONLINE, REMOVED, REDIRECTED_ELSEWHERE, UNREACHABLE, DNS_FAILURE, ERROR)

MAX_REDIRECTS = 3
REMOVED_STATUSES = frozenset({404, 410, 451})
# Servers that refuse HEAD say so with 405 or 501; some firewalls answer 400 or 403 instead.
HEAD_REFUSED_STATUSES = frozenset({400, 403, 405, 501})
RETRY_LATER_STATUSES = frozenset({408, 425, 429})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

# A common browser's string: a check that announces itself lets a host show it something else.
DEFAULT_USER_AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"

_DNS_FAILURE_TEXTS = (
    "name or service not known",
    "nodename nor servname",
    "getaddrinfo failed",
    "no address associated",
    "temporary failure in name resolution",
    "name resolution",
)


@dataclass
class ProbeResult:
    state: str
    status_code: int | None = None
    redirect_to: str = ""
    checked_at: datetime = field(default_factory=timezone.now)
    detail: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "status_code": self.status_code,
            "redirect_to": self.redirect_to,
            "checked_at": self.checked_at.isoformat(),
            "detail": self.detail,
        }


def check_url(url: str, *, timeout: float = 5.0, transport: httpx.BaseTransport | None = None) -> ProbeResult:
    """Whether `url` still answers, from status codes alone."""
    try:
        start_host = _host_of(url)
    except InvalidUrl as exc:
        return ProbeResult(state=ERROR, detail=f"invalid address: {exc.reason}")
    with _client(timeout=timeout, transport=transport) as client:
        current, current_host = url, start_host
        followed = 0
        while True:
            # A custom transport decides itself where requests go.
            guarded = _guard(current_host) if transport is None else None
            if guarded is not None:
                return guarded
            try:
                status, location = _status_of(client, current)
            except httpx.TimeoutException as exc:
                return ProbeResult(state=UNREACHABLE, detail=f"time-out ({type(exc).__name__})")
            except httpx.ConnectError as exc:
                if _is_name_failure(exc):
                    return ProbeResult(state=DNS_FAILURE, detail="the host name does not resolve")
                return ProbeResult(state=UNREACHABLE, detail=f"connection failed: {_short(exc)}")
            except (httpx.NetworkError, httpx.RemoteProtocolError) as exc:
                return ProbeResult(state=UNREACHABLE, detail=f"{type(exc).__name__}: {_short(exc)}")
            except (httpx.HTTPError, httpx.InvalidURL) as exc:
                return ProbeResult(state=ERROR, detail=f"{type(exc).__name__}: {_short(exc)}")

            redirect_to = current if followed else ""
            if status not in REDIRECT_STATUSES or not location:
                return _result_for_status(status, redirect_to, followed)
            target = urljoin(current, location)
            try:
                target_host = _host_of(target)
            except InvalidUrl:
                target_host = ""
            same_host = bool(target_host) and _same_host(target_host, start_host)
            if not same_host:
                return ProbeResult(
                    state=REDIRECTED_ELSEWHERE,
                    status_code=status,
                    redirect_to=target[:2000],
                    detail=f"redirected to another host after {followed + 1} redirect(s)",
                )
            if followed == MAX_REDIRECTS:
                return ProbeResult(
                    state=ERROR,
                    status_code=status,
                    redirect_to=target[:2000],
                    detail=f"more than {MAX_REDIRECTS} redirects",
                )
            current, current_host = target, target_host
            followed += 1


def _guard(host: str) -> ProbeResult | None:
    """A result that ends the check before connecting to `host`, or None to go ahead."""
    try:
        refused = _refused_address(host)
    except socket.gaierror:
        return ProbeResult(state=DNS_FAILURE, detail="the host name does not resolve")
    return ProbeResult(state=ERROR, detail=refused) if refused else None


def _refused_address(host: str) -> str:
    """Why `host` may not be checked from here ("" when it may): it resolves to a non-public address.

    Reported addresses come from anyone; without this a report could make the server probe its own
    network (cloud metadata, databases, admin pages). A proxy, when set, is the one that connects,
    so the check is left to it. The name is resolved again when connecting; an egress proxy
    (HOTLINE_CHECK_PROXY) is the complete defence against a name that changes in between.
    """
    if settings.HOTLINE_CHECK_ALLOW_PRIVATE_ADDRESSES:
        return ""
    if settings.HOTLINE_CHECK_PROXY:
        return ""
    address = non_public_address(host)
    if address:
        return f"refused: {address} is not a public address (HOTLINE_CHECK_ALLOW_PRIVATE_ADDRESSES)"
    return ""


def _client(*, timeout: float, transport: httpx.BaseTransport | None) -> httpx.Client:
    proxy = settings.HOTLINE_CHECK_PROXY or None
    return httpx.Client(
        transport=transport,
        proxy=proxy if transport is None else None,
        timeout=httpx.Timeout(timeout),
        follow_redirects=False,
        # Abuse hosts often have broken certificates; a bad certificate must not read as "removed",
        # and nothing secret is sent. Settings may turn verification on.
        verify=settings.HOTLINE_CHECK_VERIFY_TLS,
        trust_env=False,
        headers={
            "User-Agent": settings.HOTLINE_CHECK_USER_AGENT or DEFAULT_USER_AGENT,
            "Accept": "*/*",
            "Accept-Encoding": "identity",
        },
    )


def _status_of(client: httpx.Client, url: str) -> tuple[int, str]:
    """(status, Location) from HEAD, or from a GET whose body is never read when HEAD is refused."""
    response = client.head(url)
    if response.status_code not in HEAD_REFUSED_STATUSES:
        return response.status_code, response.headers.get("location", "")
    with client.stream("GET", url) as streamed:
        # Leaving the block closes the connection; not one byte of the body is read.
        return streamed.status_code, streamed.headers.get("location", "")


def _result_for_status(status: int, redirect_to: str, followed: int) -> ProbeResult:
    detail = f"HTTP {status}" + (f" after {followed} redirect(s) on the same host" if followed else "")
    if 200 <= status < 300:
        state = ONLINE
    elif status in REMOVED_STATUSES:
        state = REMOVED
    elif status >= 500 or status in RETRY_LATER_STATUSES:
        state = UNREACHABLE
    else:
        state = ERROR
    return ProbeResult(state=state, status_code=status, redirect_to=redirect_to, detail=detail)


def _host_of(url: str) -> str:
    return normalise_url(url).host


def _same_host(host: str, start_host: str) -> bool:
    """The same host, counting "www." and the bare name as one (sites redirect between them)."""
    return host.removeprefix("www.") == start_host.removeprefix("www.")


def _is_name_failure(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, socket.gaierror):
            return True
        if any(text in str(seen).lower() for text in _DNS_FAILURE_TEXTS):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _short(exc: BaseException) -> str:
    return str(exc)[:300] or type(exc).__name__
