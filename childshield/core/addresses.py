"""Whether a host name leads outside the server's own networks, before the server connects to it."""

import ipaddress
import socket


def non_public_address(host: str) -> str:
    """The first address `host` resolves to that is not public (loopback, private, link-local,
    reserved, multicast), or "" when every one is public. Raises socket.gaierror when it does not
    resolve.

    Addresses that come from outside (a reported page, a platform's webhook) must not make the
    server call its own network (cloud metadata, databases, admin pages). The name is resolved again
    when connecting; an egress proxy is the complete defence against a name that changes in between.
    """
    for *_, sockaddr in socket.getaddrinfo(host, None, type=socket.SOCK_STREAM):
        address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if not address.is_global or address.is_multicast:
            return str(address)
    return ""
