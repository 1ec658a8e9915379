"""Hosting trace: addresses from DNS, network, ASN and country from tiny local MaxMind databases."""

from datetime import datetime
from pathlib import Path

import dns.exception
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.resolver
import pytest
from mmdb_writer import MMDBWriter
from netaddr import IPSet

from childshield.hotline.tracing import AddressInfo, TraceResult, trace_host

# network: (ASN, AS organisation, country)
NETWORKS = {
    "192.0.2.0/24": (64500, "Example Hosting Ltd", "VN"),
    "198.51.100.0/24": (64501, "Mekong Cloud", "KH"),
    "2001:db8::/32": (64502, "Six Networks", "NL"),
}


def write_asn_db(path: Path, networks: dict[str, tuple[int, str, str]] = NETWORKS) -> Path:
    """A GeoLite2-ASN shaped database, as geoip2.database.Reader.asn() expects it."""
    writer = MMDBWriter(ip_version=6, ipv4_compatible=True, database_type="GeoLite2-ASN")
    for network, (asn, org, _country) in networks.items():
        record = {"autonomous_system_number": asn, "autonomous_system_organization": org}
        writer.insert_network(IPSet([network]), record)
    writer.to_db_file(str(path))
    return path


def write_country_db(path: Path, networks: dict[str, tuple[int, str, str]] = NETWORKS) -> Path:
    """A GeoLite2-Country shaped database, as geoip2.database.Reader.country() expects it."""
    writer = MMDBWriter(ip_version=6, ipv4_compatible=True, database_type="GeoLite2-Country")
    for network, (_asn, _org, country) in networks.items():
        writer.insert_network(IPSet([network]), {"country": {"iso_code": country, "names": {"en": country}}})
    writer.to_db_file(str(path))
    return path


def expected(ip: str, network: str) -> AddressInfo:
    asn, org, country = NETWORKS[network]
    return AddressInfo(ip=ip, network=network, asn=asn, as_org=org, country=country)


@pytest.fixture
def geo_databases(tmp_path: Path, settings) -> tuple[Path, Path]:
    asn = write_asn_db(tmp_path / "GeoLite2-ASN.mmdb")
    country = write_country_db(tmp_path / "GeoLite2-Country.mmdb")
    settings.HOTLINE_GEOIP_ASN_DB = str(asn)
    settings.HOTLINE_GEOIP_COUNTRY_DB = str(country)
    return asn, country


def rdata(rdtype: str, text: str) -> dns.rdata.Rdata:
    return dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.from_text(rdtype), text)


class FakeResolver:
    """Answers from a table: {(name, type): [addresses] or an exception to raise}."""

    def __init__(self, table: dict[tuple[str, str], list[str] | Exception]) -> None:
        self.table = table
        self.asked: list[tuple[str, str, float | None]] = []

    def resolve(self, qname: str, rdtype: str, lifetime: float | None = None, **_: object) -> list:
        self.asked.append((qname, rdtype, lifetime))
        outcome = self.table.get((qname, rdtype), dns.resolver.NoAnswer())
        if isinstance(outcome, Exception):
            raise outcome
        return [rdata(rdtype, address) for address in outcome]


def test_it_traces_every_address_of_a_name(geo_databases) -> None:
    resolver = FakeResolver(
        {
            ("files.example", "A"): ["192.0.2.10", "198.51.100.7"],
            ("files.example", "AAAA"): ["2001:db8::10"],
        }
    )
    result = trace_host("files.example", resolver=resolver)
    assert result.error == ""
    assert result.host == "files.example"
    assert result.addresses == [
        expected("192.0.2.10", "192.0.2.0/24"),
        expected("198.51.100.7", "198.51.100.0/24"),
        expected("2001:db8::10", "2001:db8::/32"),
    ]
    assert result.countries == ["VN", "KH", "NL"]
    assert result.asns == [64500, 64501, 64502]
    assert all(lifetime is not None and lifetime <= 5 for _, _, lifetime in resolver.asked)


def test_an_ip_literal_is_traced_without_dns(geo_databases) -> None:
    resolver = FakeResolver({})
    assert trace_host("192.0.2.55", resolver=resolver).addresses[0].asn == 64500
    v6 = trace_host("[2001:DB8::1]", resolver=resolver)
    assert v6.addresses == [expected("2001:db8::1", "2001:db8::/32")]
    assert resolver.asked == []


def test_an_address_outside_the_databases_is_kept_with_blanks(geo_databases) -> None:
    result = trace_host("203.0.113.9", resolver=FakeResolver({}))
    assert result.error == ""
    assert result.addresses == [AddressInfo(ip="203.0.113.9", network="", asn=None, as_org="", country="")]


def test_a_name_that_does_not_exist_is_nxdomain(geo_databases) -> None:
    resolver = FakeResolver({("gone.example", "A"): dns.resolver.NXDOMAIN()})
    result = trace_host("gone.example", resolver=resolver)
    assert result.error == "nxdomain"
    assert result.addresses == []


def test_a_name_without_addresses_is_no_answer(geo_databases) -> None:
    assert trace_host("mail-only.example", resolver=FakeResolver({})).error == "no_answer"


def test_a_silent_resolver_is_a_timeout(geo_databases) -> None:
    resolver = FakeResolver(
        {
            ("slow.example", "A"): dns.exception.Timeout(),
            ("slow.example", "AAAA"): dns.exception.Timeout(),
        }
    )
    result = trace_host("slow.example", resolver=resolver)
    assert result.error == "timeout"
    assert result.addresses == []


def test_failing_name_servers_are_a_dns_error(geo_databases) -> None:
    resolver = FakeResolver({("broken.example", "A"): dns.resolver.NoNameservers()})
    assert trace_host("broken.example", resolver=resolver).error == "dns_error"


def test_addresses_found_despite_one_failing_type_are_kept(geo_databases) -> None:
    resolver = FakeResolver(
        {("half.example", "A"): ["192.0.2.1"], ("half.example", "AAAA"): dns.exception.Timeout()}
    )
    result = trace_host("half.example", resolver=resolver)
    assert result.error == ""
    assert [a.ip for a in result.addresses] == ["192.0.2.1"]


def test_without_databases_the_addresses_are_kept_and_the_error_says_so(settings) -> None:
    settings.HOTLINE_GEOIP_ASN_DB = ""
    settings.HOTLINE_GEOIP_COUNTRY_DB = "/nonexistent/GeoLite2-Country.mmdb"
    result = trace_host("files.example", resolver=FakeResolver({("files.example", "A"): ["192.0.2.10"]}))
    assert result.error == "no_geo_database"
    assert result.addresses == [AddressInfo(ip="192.0.2.10")]


def test_with_only_the_asn_database_the_asn_is_filled(geo_databases, settings) -> None:
    settings.HOTLINE_GEOIP_COUNTRY_DB = ""
    result = trace_host("192.0.2.10", resolver=FakeResolver({}))
    assert result.error == "no_geo_database"
    assert result.addresses[0].asn == 64500
    assert result.addresses[0].country == ""


def test_a_corrupt_database_file_counts_as_missing(geo_databases, settings, tmp_path: Path) -> None:
    bad = tmp_path / "bad.mmdb"
    bad.write_bytes(b"not a maxmind database")
    settings.HOTLINE_GEOIP_ASN_DB = str(bad)
    result = trace_host("192.0.2.10", resolver=FakeResolver({}))
    assert result.error == "no_geo_database"
    assert result.addresses[0].country == "VN"


def test_the_result_round_trips_through_json(geo_databases) -> None:
    import json

    result = trace_host("files.example", resolver=FakeResolver({("files.example", "A"): ["192.0.2.10"]}))
    data = json.loads(json.dumps(result.as_dict()))
    assert data["addresses"][0]["asn"] == 64500
    assert data["error"] == ""
    assert TraceResult.from_dict(data) == result


def test_the_trace_time_is_timezone_aware(geo_databases) -> None:
    traced_at = trace_host("192.0.2.10", resolver=FakeResolver({})).traced_at
    assert isinstance(traced_at, datetime)
    assert traced_at.tzinfo is not None


def test_a_machine_without_name_servers_gives_a_dns_error(geo_databases, monkeypatch) -> None:
    def no_configuration() -> dns.resolver.Resolver:
        raise dns.resolver.NoResolverConfiguration("no nameservers")

    monkeypatch.setattr("childshield.hotline.tracing._default_resolver", no_configuration)
    assert trace_host("files.example").error == "dns_error"
