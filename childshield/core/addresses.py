"""Whether a host name leads outside the server's own networks, before the server connects to it; and
a connection pinned to the address that was checked."""

import ipaddress
import socket
from typing import Any

import httpcore
import httpx

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class NonPublicAddress(Exception):
    """The host resolves (also) to an address of the server's own networks."""


def _resolved(host: str) -> list[Address]:
    """Every address `host` resolves to, in the resolver's order. Raises socket.gaierror when it
    does not resolve."""
    addresses: list[Address] = []
    for *_, sockaddr in socket.getaddrinfo(host, None, type=socket.SOCK_STREAM):
        address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if address not in addresses:
            addresses.append(address)
    return addresses


def _is_public(address: Address) -> bool:
    return address.is_global and not address.is_multicast


def non_public_address(host: str) -> str:
    """The first address `host` resolves to that is not public (loopback, private, link-local,
    reserved, multicast), or "" when every one is public. Raises socket.gaierror when it does not
    resolve.

    Addresses that come from outside (a reported page, a platform's webhook) must not make the
    server call its own network (cloud metadata, databases, admin pages). A name checked here is
    resolved again when connecting, unless the connection goes through `pinned_transport`; an egress
    proxy is the complete defence against a name that changes in between.
    """
    for address in _resolved(host):
        if not _is_public(address):
            return str(address)
    return ""


class _PinnedBackend(httpcore.NetworkBackend):
    """Connects to the one address checked, whatever the name would resolve to by then. TLS still
    names the host (SNI) and checks its certificate against the host name: httpcore takes both from
    the request's URL, not from here."""

    def __init__(self, host: str, address: str) -> None:
        self._host = host
        self._address = address
        self._backend = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        if host.lower().rstrip(".") != self._host:
            raise httpcore.ConnectError("a pinned connection goes to its own host only")
        return self._backend.connect_tcp(self._address, port, timeout, local_address, socket_options)

    def connect_unix_socket(self, path: str, timeout: float | None = None, socket_options: Any = None) -> Any:
        raise httpcore.ConnectError("a pinned connection goes over TCP only")

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


class _PinnedTransport(httpx.HTTPTransport):
    def __init__(self, host: str, address: str) -> None:
        super().__init__(trust_env=False)
        # httpx has no public way to give its transport a network backend: its pool is replaced by
        # one built through httpcore's public API, with the same TLS defaults.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(), network_backend=_PinnedBackend(host, address)
        )


def pinned_transport(host: str) -> httpx.HTTPTransport:
    """A transport that reaches `host` at the address resolved and checked now, so that a name
    answering a public address to the check and a private one to the connection (DNS rebinding)
    cannot turn the server on its own network. Raises NonPublicAddress (naming the address) when any
    address of the host is not public, socket.gaierror when it does not resolve."""
    addresses = _resolved(host)
    refused = [address for address in addresses if not _is_public(address)]
    if refused or not addresses:
        raise NonPublicAddress(str(refused[0]) if refused else host)
    return _PinnedTransport(host.lower().rstrip("."), str(addresses[0]))
