"""Where a reported host lives: its addresses (DNS), and for each the network, ASN and country.

Addresses come from dnspython with a short lifetime; networks, ASNs and countries from local
MaxMind-format databases (settings HOTLINE_GEOIP_ASN_DB and HOTLINE_GEOIP_COUNTRY_DB, see
docs/hotline-tracing.md). Nothing here raises for a failed look-up: the result carries an error
code so the trace can be kept in the item's history and retried.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import dns.exception
import dns.resolver
import geoip2.database
import geoip2.errors
import maxminddb
from django.conf import settings
from django.utils import timezone

DNS_LIFETIME_SECONDS = 3.0

# TraceResult.error values
OK = ""
NXDOMAIN = "nxdomain"
NO_ANSWER = "no_answer"
TIMEOUT = "timeout"
DNS_ERROR = "dns_error"
NO_GEO_DATABASE = "no_geo_database"
TRACE_ERRORS = (NXDOMAIN, NO_ANSWER, TIMEOUT, DNS_ERROR, NO_GEO_DATABASE)


@dataclass
class AddressInfo:
    ip: str
    network: str = ""
    asn: int | None = None
    as_org: str = ""
    country: str = ""  # ISO 3166-1 alpha-2, or "" when unknown


@dataclass
class TraceResult:
    host: str
    addresses: list[AddressInfo] = field(default_factory=list)
    error: str = OK
    traced_at: datetime = field(default_factory=timezone.now)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form, for a JSONField or an export."""
        return {
            "host": self.host,
            "addresses": [asdict(address) for address in self.addresses],
            "error": self.error,
            "traced_at": self.traced_at.isoformat(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TraceResult:
        """The inverse of `as_dict`."""
        return cls(
            host=data["host"],
            addresses=[AddressInfo(**address) for address in data.get("addresses", [])],
            error=data.get("error", OK),
            traced_at=datetime.fromisoformat(data["traced_at"]),
        )

    @property
    def countries(self) -> list[str]:
        """The distinct known countries of the addresses, in order of first appearance."""
        return list(dict.fromkeys(a.country for a in self.addresses if a.country))

    @property
    def asns(self) -> list[int]:
        """The distinct known ASNs of the addresses, in order of first appearance."""
        return list(dict.fromkeys(a.asn for a in self.addresses if a.asn is not None))


def trace_host(host: str, *, resolver: dns.resolver.Resolver | None = None) -> TraceResult:
    """The addresses of `host` (a name or an IP literal) with their network, ASN and country."""
    host = host.strip().strip("[]").rstrip(".").lower()
    literal = _ip_literal(host)
    if literal is not None:
        addresses, error = [literal], OK
    else:
        try:
            resolver = resolver or _default_resolver()
        except dns.exception.DNSException:  # e.g. no name server configured on this machine
            return TraceResult(host=host, error=DNS_ERROR)
        addresses, error = _resolve(host, resolver)
    infos = [AddressInfo(ip=address) for address in addresses]
    if infos and not _add_geo(infos):
        error = NO_GEO_DATABASE
    return TraceResult(host=host, addresses=infos, error=error)


def _ip_literal(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return None


def _default_resolver() -> dns.resolver.Resolver:
    resolver = dns.resolver.Resolver()
    resolver.lifetime = DNS_LIFETIME_SECONDS
    resolver.timeout = DNS_LIFETIME_SECONDS
    return resolver


def _resolve(host: str, resolver: dns.resolver.Resolver) -> tuple[list[str], str]:
    """(addresses, error): A then AAAA; an error only when no address was found at all."""
    addresses: list[str] = []
    errors: list[str] = []
    for rdtype in ("A", "AAAA"):
        try:
            answer = resolver.resolve(host, rdtype, lifetime=DNS_LIFETIME_SECONDS)
        except dns.resolver.NXDOMAIN:
            return [], NXDOMAIN  # the name does not exist for any type
        except dns.resolver.NoAnswer:
            errors.append(NO_ANSWER)
            continue
        except dns.exception.Timeout:
            errors.append(TIMEOUT)
            continue
        except dns.exception.DNSException:
            errors.append(DNS_ERROR)
            continue
        for rdata in answer:
            address = _ip_literal(rdata.to_text())
            if address is not None and address not in addresses:
                addresses.append(address)
    if addresses:
        return addresses, OK
    for error in (TIMEOUT, DNS_ERROR):  # a failure to ask beats "nothing there"
        if error in errors:
            return [], error
    return [], NO_ANSWER


def _add_geo(infos: list[AddressInfo]) -> bool:
    """Fill network, ASN and country in place; False when a database is missing or unreadable."""
    complete = True
    with _reader(settings.HOTLINE_GEOIP_ASN_DB) as asn_reader:
        if asn_reader is None:
            complete = False
        else:
            for info in infos:
                _add_asn(asn_reader, info)
    with _reader(settings.HOTLINE_GEOIP_COUNTRY_DB) as country_reader:
        if country_reader is None:
            complete = False
        else:
            for info in infos:
                _add_country(country_reader, info)
    return complete


@contextmanager
def _reader(path: str) -> Iterator[geoip2.database.Reader | None]:
    """The database at `path`, or None when no path is set or the file is missing or unreadable."""
    if not path or not Path(path).is_file():
        yield None
        return
    try:
        reader = geoip2.database.Reader(path)
    except (OSError, maxminddb.InvalidDatabaseError, ValueError):
        yield None
        return
    try:
        yield reader
    finally:
        reader.close()


def _add_asn(reader: geoip2.database.Reader, info: AddressInfo) -> None:
    try:
        response = reader.asn(info.ip)
    except (geoip2.errors.AddressNotFoundError, ValueError, TypeError):
        return
    info.asn = response.autonomous_system_number
    info.as_org = response.autonomous_system_organization or ""
    info.network = str(response.network) if response.network else info.network


def _add_country(reader: geoip2.database.Reader, info: AddressInfo) -> None:
    try:
        # A City database answers country questions too.
        if "City" in reader.metadata().database_type:
            response: Any = reader.city(info.ip)
        else:
            response = reader.country(info.ip)
    except (geoip2.errors.AddressNotFoundError, ValueError, TypeError):
        return
    info.country = response.country.iso_code or ""
    if not info.network and response.traits.network:
        info.network = str(response.traits.network)
