"""The reference pages: hosting providers with their AS numbers, IP ranges and domains typed as text,
found by traces as typed; partner hotlines and police contacts; who may manage them."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from childshield.accounts.models import Agency, AgencyKind, Membership, Role
from childshield.audit.models import AuditEvent
from childshield.hotline.models import HostingProvider, PartnerHotline, RecipientKind
from childshield.hotline.provider_lists import asns_read, domains_read, networks_read
from childshield.hotline.services.hosting import hosting_trace
from childshield.hotline.services.items import content_item_report
from childshield.hotline.services.notices import notice_first_send
from childshield.hotline.services.reference import ProviderData, hosting_provider_create
from childshield.hotline.tracing import trace_host
from tests.hotline.test_tracing import FakeResolver

from .conftest import confirmed_item

PROVIDERS = "/en/hotline/providers/"
PARTNERS = "/en/hotline/partners/"


@pytest.fixture
def admin(make_member: Callable[..., Membership]) -> Membership:
    helpline = Agency.objects.create(country="VN", name="Helpline (test)", kind=AgencyKind.HELPLINE)
    return make_member(email="admin@example.org", role=Role.SYSTEM_ADMIN, agency=helpline)


def _form(**fields: str) -> dict[str, str]:
    return {"name": "Mekong Cloud", "country": "kh", "abuse_email": "abuse@mekong.example", **fields}


def _traced_provider(analyst: Membership, url: str, rdtype: str, address: str) -> HostingProvider | None:
    """The provider a trace of the item at `url` finds, its host resolving to `address` alone."""
    item = content_item_report(acting=analyst, url=url, source="analyst")
    result = trace_host(item.host, resolver=FakeResolver({(item.host, rdtype): [address]}))
    assert [one.ip for one in result.addresses] == [address] and result.addresses[0].asn is None
    return hosting_trace(acting=analyst, item=item, result=result).provider


def test_a_provider_added_as_text_is_found_by_a_trace_of_an_address_in_its_range(
    admin: Membership, analyst: Membership, sign_in: Callable[[Membership], Client]
) -> None:
    client = sign_in(admin)
    response = client.post(
        f"{PROVIDERS}add/",
        _form(asns="AS64501, 64502\n", networks="198.51.100.0/24\n2001:DB8:1::/48", domains="Mekong.example"),
    )
    provider = HostingProvider.objects.get(name="Mekong Cloud")
    assert response.status_code == 302 and response["Location"] == f"{PROVIDERS}{provider.pk}/"
    assert provider.asns == [64501, 64502]
    assert provider.networks == ["198.51.100.0/24", "2001:db8:1::/48"]
    assert provider.domains == ["mekong.example"]
    assert provider.country == "KH"
    # No geo databases here: a trace knows only the addresses, and the ranges alone find the provider.
    assert _traced_provider(analyst, "https://files.other.example/a", "A", "198.51.100.77") == provider
    assert _traced_provider(analyst, "https://v6.other.example/", "AAAA", "2001:db8:1::5") == provider
    assert _traced_provider(analyst, "https://elsewhere.example/", "A", "203.0.113.5") is None
    # A host under its domain is its own whatever its address.
    assert _traced_provider(analyst, "https://cdn.mekong.example/x", "A", "192.0.2.1") == provider
    assert AuditEvent.objects.filter(
        object_type="hotline.HostingProvider", object_id=str(provider.pk)
    ).exists()


def test_wrong_lines_are_reported_by_line_and_nothing_is_saved(
    admin: Membership, sign_in: Callable[[Membership], Client]
) -> None:
    client = sign_in(admin)
    typed = "203.0.113.0/24\n2001:db8::/32\n10.0.0.300/24\n0.0.0.0/0"
    response = client.post(f"{PROVIDERS}add/", _form(networks=typed, asns="AS13335\nASX", domains="com"))
    page = response.content.decode()
    assert response.status_code == 200
    assert not HostingProvider.objects.filter(name="Mekong Cloud").exists()
    assert "Line 3: 10.0.0.300/24 is not an IP range" in page
    assert "Line 4: 0.0.0.0/0 is too broad" in page
    assert "Line 2: ASX is not an AS number" in page
    assert "Line 1: com is a single label" in page
    assert 'href="#id_networks"' in page and "data-error-summary" in page
    assert typed in page  # the text stays as typed, to correct
    assert not AuditEvent.objects.filter(object_type="hotline.HostingProvider").exists()


def test_entries_read_in_another_form_are_saved_with_a_note(
    admin: Membership, sign_in: Callable[[Membership], Client]
) -> None:
    client = sign_in(admin)
    response = client.post(
        f"{PROVIDERS}add/",
        _form(networks="10.0.0.5/24\n192.0.2.7\n198.51.100.0 - 198.51.100.255", domains="*.mekong.example"),
        follow=True,
    )
    provider = HostingProvider.objects.get(name="Mekong Cloud")
    assert provider.networks == ["10.0.0.0/24", "192.0.2.7/32", "198.51.100.0/24"]
    assert provider.domains == ["mekong.example"]
    page = response.content.decode()
    assert "Line 1: 10.0.0.5/24 has host bits set; saved as 10.0.0.0/24" in page
    assert "saved as 198.51.100.0/24" in page and "saved as mekong.example" in page


def test_the_readers_accept_what_people_type() -> None:
    assert asns_read("AS13335, as 209242; 13335\n\n 64500 ").values == [13335, 209242, 64500]
    assert asns_read("4294967296").problems == [
        "Line 1: 4294967296 is not an AS number: they go from 1 to 4294967295"
    ]
    read = networks_read("2001:DB8::1, 2001:db8:0:0::/32\n203.0.113.0 \u2013 203.0.113.3\n192.0.2.0/33")
    assert read.values == ["2001:db8::1/128", "2001:db8::/32", "203.0.113.0/30"]
    assert read.problems == ["Line 3: 192.0.2.0/33 is not an IP range"]
    read = domains_read("https://Video.Example/watch?v=1\nviệt.vn\n192.0.2.1")
    assert read.values == ["video.example", "xn--vit-5kz.vn"]
    assert read.problems == ["Line 3: 192.0.2.1 is an IP address: list it under IP ranges"]


def test_a_provider_is_edited_with_its_lists_shown_as_text(
    admin: Membership, provider: HostingProvider, sign_in: Callable[[Membership], Client]
) -> None:
    provider.networks = ["192.0.2.0/24"]
    provider.save()
    client = sign_in(admin)
    page = client.get(f"{PROVIDERS}{provider.pk}/").content.decode()
    assert "AS64500" in page and "192.0.2.0/24" in page
    response = client.post(
        f"{PROVIDERS}{provider.pk}/",
        _form(name="Example Hosting", country="NL", asns="AS64500\nAS64510", networks="192.0.2.0/24"),
    )
    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.asns == [64500, 64510] and provider.abuse_email == "abuse@mekong.example"
    event = AuditEvent.objects.get(object_type="hotline.HostingProvider", action="update")
    assert "abuse_email" in event.reason and "asns" in event.reason


def test_the_list_is_searched_by_name_asn_and_address(
    admin: Membership, provider: HostingProvider, sign_in: Callable[[Membership], Client]
) -> None:
    hosting_provider_create(
        acting=admin, data=ProviderData(name="Mekong Cloud", asns=[64501], networks=["198.51.100.0/24"])
    )
    client = sign_in(admin)
    for query, found, hidden in (
        ("mekong", "Mekong Cloud", "Example Hosting"),
        ("AS64500", "Example Hosting", "Mekong Cloud"),
        ("198.51.100.9", "Mekong Cloud", "Example Hosting"),
    ):
        page = client.get(PROVIDERS, {"q": query}).content.decode()
        assert found in page and hidden not in page, query
    with CaptureQueriesContext(connection) as few:
        client.get(PROVIDERS)
    for number in range(5):
        hosting_provider_create(acting=admin, data=ProviderData(name=f"Host {number}", asns=[65000 + number]))
    with CaptureQueriesContext(connection) as many:
        client.get(PROVIDERS)
    assert len(many) == len(few)


def test_a_provider_named_by_notices_is_switched_off_not_deleted(
    admin: Membership,
    lead: Membership,
    analyst: Membership,
    second_analyst: Membership,
    traced_to_provider: HostingProvider,
    sign_in: Callable[[Membership], Client],
) -> None:
    provider = traced_to_provider
    item = confirmed_item("https://host.example/a", analyst=analyst, second=second_analyst)
    notice_first_send(item_id=item.pk)
    client = sign_in(lead)
    page = client.get(f"{PROVIDERS}{provider.pk}/").content.decode()
    assert "It has received 1 notice." in page
    assert f"/en/hotline/?provider={provider.pk}" in page
    assert f"{PROVIDERS}{provider.pk}/delete/" not in page
    response = client.post(f"{PROVIDERS}{provider.pk}/delete/", follow=True)
    assert HostingProvider.objects.filter(pk=provider.pk).exists()
    assert "switch it off instead" in response.content.decode()
    client.post(f"{PROVIDERS}{provider.pk}/active/")
    provider.refresh_from_db()
    assert not provider.is_active
    listed = client.get(f"/en/hotline/?provider={provider.pk}").content.decode()
    assert item.number in listed
    client.post(f"{PROVIDERS}{provider.pk}/active/", {"active": "on"})
    provider.refresh_from_db()
    assert provider.is_active


def test_a_provider_added_by_mistake_may_be_deleted(
    admin: Membership, sign_in: Callable[[Membership], Client]
) -> None:
    mistake = hosting_provider_create(acting=admin, data=ProviderData(name="Typo Hostng"))
    client = sign_in(admin)
    assert f"{PROVIDERS}{mistake.pk}/delete/" in client.get(f"{PROVIDERS}{mistake.pk}/").content.decode()
    assert client.post(f"{PROVIDERS}{mistake.pk}/delete/")["Location"] == PROVIDERS
    assert not HostingProvider.objects.filter(pk=mistake.pk).exists()
    assert AuditEvent.objects.filter(object_type="hotline.HostingProvider", action="delete").count() == 1


def test_a_partner_hotline_is_added_edited_and_switched_off(
    lead: Membership, sign_in: Callable[[Membership], Client]
) -> None:
    client = sign_in(lead)
    response = client.post(
        f"{PARTNERS}add/",
        {
            "name": "ThaiHotline",
            "kind": RecipientKind.PARTNER_HOTLINE,
            "country": "th",
            "email": "r@th.example",
        },
    )
    assert response.status_code == 302
    partner = PartnerHotline.objects.get(name="ThaiHotline")
    assert partner.country == "TH" and partner.is_active
    response = client.post(
        f"{PARTNERS}{partner.pk}/",
        {"name": "Thai Hotline", "kind": RecipientKind.PARTNER_HOTLINE, "country": "TH", "email": "x"},
    )
    assert response.status_code == 200 and "E-mail:" in response.content.decode()
    client.post(
        f"{PARTNERS}{partner.pk}/",
        {
            "name": "Thai Hotline",
            "kind": RecipientKind.PARTNER_HOTLINE,
            "country": "TH",
            "email": "n@th.example",
        },
    )
    partner.refresh_from_db()
    assert (partner.name, partner.email) == ("Thai Hotline", "n@th.example")
    client.post(f"{PARTNERS}{partner.pk}/active/")
    partner.refresh_from_db()
    assert not partner.is_active
    assert "switched off" in client.get(PARTNERS).content.decode()
    actions = list(
        AuditEvent.objects.filter(object_type="hotline.PartnerHotline")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "update", "update"]


def test_an_analyst_may_not_manage_reference_data(
    analyst: Membership,
    provider: HostingProvider,
    partner: PartnerHotline,
    sign_in: Callable[[Membership], Client],
) -> None:
    client = sign_in(analyst)
    for url in (
        PROVIDERS,
        f"{PROVIDERS}add/",
        f"{PROVIDERS}{provider.pk}/",
        PARTNERS,
        f"{PARTNERS}{partner.pk}/",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(f"{PROVIDERS}{provider.pk}/active/").status_code == 403
    assert (
        client.post(
            f"{PARTNERS}add/", {"name": "x", "kind": "police", "country": "VN", "email": "p@x.example"}
        ).status_code
        == 403
    )
    provider.refresh_from_db()
    assert provider.is_active and PartnerHotline.objects.count() == 1


def test_the_admin_site_shows_the_reference_data_to_read_only(
    admin_client: Client, provider: HostingProvider, partner: PartnerHotline
) -> None:
    for model, record in (("hostingprovider", provider), ("partnerhotline", partner)):
        assert admin_client.get(f"/en/admin/hotline/{model}/").status_code == 200
        assert admin_client.get(f"/en/admin/hotline/{model}/add/").status_code == 403
        assert (
            admin_client.post(f"/en/admin/hotline/{model}/{record.pk}/delete/", {"post": "yes"}).status_code
            == 403
        )
    assert HostingProvider.objects.filter(pk=provider.pk).exists()
