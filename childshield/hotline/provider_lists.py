"""A hosting provider's AS numbers, IP ranges and domains as people type them, read into what tracing
matches (`services/hosting.py`, `_provider_for`): ASNs as ints, ranges as CIDR strings, domains as
lower-case ASCII host names.

Text is one entry per line or several separated by commas, semicolons or spaces (as whois and
providers' pages list them). Every entry that cannot be read is a problem naming its line and
its text; an entry read into another form than written (host bits set, a range of addresses, a
web address for a domain) is kept with a note saying what was saved.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from django.utils.translation import gettext as _

from childshield.core.errors import ApplicationError
from childshield.hotline.urlnorm import InvalidUrl, normalise_url

T = TypeVar("T")

ASN_MAX = 4_294_967_295  # 32-bit AS numbers (RFC 6793)
# Broader ranges would take in addresses of many providers: no allocation to one is this large.
MIN_PREFIX = {4: 8, 6: 16}

_SEPARATORS = re.compile(r"[,;\s]+")
# "203.0.113.0 - 203.0.113.255", as whois writes an inetnum, is one entry; so is "AS 13335".
_RANGE_DASH = re.compile(r"\s*[-\u2013]\s*")  # a hyphen or an en dash
_AS_SPACE = re.compile(r"\bAS\s+(?=\d)", re.IGNORECASE)
_AS_PREFIX = re.compile(r"^AS", re.IGNORECASE)


class EntryError(ValueError):
    """One entry that cannot be read; the message says why, naming the entry."""


@dataclass
class ReadList(Generic[T]):
    """What a text held: its values (each once, in the order written), its problems and notes."""

    values: list[T] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _line_text(number: int, message: str) -> str:
    return _("Line %(line)d: %(message)s") % {"line": number, "message": message}


def _read(
    text: str, read_entry: Callable[[str], tuple[list[T], str]], *, joined: Callable[[str], str] = str.strip
) -> ReadList[T]:
    found: ReadList[T] = ReadList()
    for number, line in enumerate(text.splitlines(), start=1):
        for entry in _SEPARATORS.split(joined(line).strip()):
            if not entry:
                continue
            try:
                values, note = read_entry(entry)
            except EntryError as error:
                found.problems.append(_line_text(number, str(error)))
                continue
            if note:
                found.notes.append(_line_text(number, note))
            found.values.extend(value for value in values if value not in found.values)
    return found


def asn_read(entry: str) -> tuple[list[int], str]:
    """ "AS13335", "as13335" or "13335" -> [13335]."""
    digits = _AS_PREFIX.sub("", entry.strip())
    if not digits.isascii() or not digits.isdigit():
        raise EntryError(_("%(entry)s is not an AS number") % {"entry": entry})
    number = int(digits)
    if not 1 <= number <= ASN_MAX:
        raise EntryError(
            _("%(entry)s is not an AS number: they go from 1 to %(max)d") % {"entry": entry, "max": ASN_MAX}
        )
    return [number], ""


def network_read(entry: str) -> tuple[list[str], str]:
    """A CIDR range, a single address (its /32 or /128) or a range of addresses, as CIDR strings."""
    if "-" in entry:
        return _address_range(entry)
    try:
        network = ipaddress.ip_network(entry, strict=True)
        note = ""
    except ValueError:
        try:
            network = ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise EntryError(_("%(entry)s is not an IP range") % {"entry": entry}) from None
        note = _("%(entry)s has host bits set; saved as %(network)s") % {"entry": entry, "network": network}
    _not_too_broad(entry, network)
    return [str(network)], note


def _address_range(entry: str) -> tuple[list[str], str]:
    first_text, _dash, last_text = entry.partition("-")
    networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
    try:
        first, last = ipaddress.ip_address(first_text), ipaddress.ip_address(last_text)
        if first.version == last.version:
            networks.extend(ipaddress.summarize_address_range(first, last))
    except ValueError:  # not addresses, or the last before the first
        pass
    if not networks:  # also IPv4 to IPv6
        raise EntryError(_("%(entry)s is not an IP range") % {"entry": entry})
    for network in networks:
        _not_too_broad(entry, network)
    saved = ", ".join(str(network) for network in networks)
    return [str(network) for network in networks], _("%(entry)s saved as %(networks)s") % {
        "entry": entry,
        "networks": saved,
    }


def _not_too_broad(entry: str, network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> None:
    shortest = MIN_PREFIX[network.version]
    if network.prefixlen < shortest:
        raise EntryError(
            _("%(entry)s is too broad: a provider's range is at most /%(prefix)d")
            % {"entry": entry, "prefix": shortest}
        )


def domain_read(entry: str) -> tuple[list[str], str]:
    """A domain as traces compare hosts with it: lower-case ASCII (IDNA), without "*." or a path."""
    text = entry.strip()
    wildcard = text.startswith("*.")
    try:
        host = normalise_url(text.removeprefix("*.").lstrip(".")).host
    except InvalidUrl:
        raise EntryError(_("%(entry)s is not a domain") % {"entry": entry}) from None
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        raise EntryError(_("%(entry)s is an IP address: list it under IP ranges") % {"entry": entry})
    if "." not in host:
        raise EntryError(
            _("%(entry)s is a single label: it would take in every host under it") % {"entry": entry}
        )
    names = {"entry": entry, "domain": host}
    if wildcard:
        return [host], _("%(entry)s: a domain covers its subdomains; saved as %(domain)s") % names
    if host != text.lower().rstrip("."):
        return [host], _("%(entry)s saved as %(domain)s") % names
    return [host], ""


def asns_read(text: str) -> ReadList[int]:
    return _read(text, asn_read, joined=lambda line: _AS_SPACE.sub("AS", line))


def networks_read(text: str) -> ReadList[str]:
    return _read(text, network_read, joined=lambda line: _RANGE_DASH.sub("-", line))


def domains_read(text: str) -> ReadList[str]:
    return _read(text, domain_read)


def checked(values: Iterable[object], read_entry: Callable[[str], tuple[list[T], str]]) -> list[T]:
    """Values given to a service as lists, in their normal form; ApplicationError at the first that
    cannot be read (the pages read text first, and report every line)."""
    normal: list[T] = []
    for value in values:
        try:
            read, _note = read_entry(str(value))
        except EntryError as error:
            raise ApplicationError(str(error), code="invalid") from None
        normal.extend(one for one in read if one not in normal)
    return normal
