"""Reads of the hotline's reference data for those who manage it: hosting providers, searched by
name, e-mail, country, AS number, address or domain, with the notices each received; partner
hotlines and police.

The providers are a country's few hundred at most, and every trace reads them all
(`services.hosting._provider_for`); the search reads them all too and matches as a trace would.
"""

from __future__ import annotations

import ipaddress

from django.http import Http404

from childshield.accounts.models import Membership
from childshield.accounts.permissions import require
from childshield.hotline.models import HostingProvider, Notice, PartnerHotline, RecipientKind
from childshield.hotline.permissions import HotlinePerm
from childshield.hotline.provider_lists import EntryError, asn_read

# Notices to the host of an item: those a provider received (escalations go to partners).
PROVIDER_RECIPIENTS = (RecipientKind.HOSTING_PROVIDER, RecipientKind.PLATFORM)


def _search_matches(provider: HostingProvider, text: str) -> bool:
    """The name, the abuse e-mail or a domain holds the text, or it is the country; or it is one of the
    AS numbers; or an address or range within (or around) one of the ranges."""
    folded = text.casefold()
    if folded == provider.country.casefold() or any(
        folded in words.casefold() for words in (provider.name, provider.abuse_email, *provider.domains)
    ):
        return True
    try:
        asn = asn_read(text)[0][0]
    except EntryError:
        pass
    else:
        if asn in {int(one) for one in provider.asns}:
            return True
    try:
        asked = ipaddress.ip_network(text, strict=False)
    except ValueError:
        return False
    for network in provider.networks:
        try:
            if asked.overlaps(ipaddress.ip_network(network, strict=False)):
                return True
        except (ValueError, TypeError):  # another IP version
            continue
    return False


def hosting_provider_list(*, membership: Membership, query: str = "") -> list[HostingProvider]:
    require(membership, HotlinePerm.REFERENCE_MANAGE)
    providers = list(HostingProvider.objects.order_by("-is_active", "name", "pk"))
    query = query.strip()
    return [provider for provider in providers if _search_matches(provider, query)] if query else providers


def hosting_provider_get(*, membership: Membership, pk: int) -> HostingProvider:
    require(membership, HotlinePerm.REFERENCE_MANAGE)
    provider = HostingProvider.objects.filter(pk=pk).first()
    if provider is None:
        raise Http404
    return provider


def provider_notice_count(*, provider: HostingProvider) -> int:
    """How many notices went to the provider as the host of an item (any hotline's): a number only."""
    return Notice.objects.filter(item__provider=provider, recipient_kind__in=PROVIDER_RECIPIENTS).count()


def partner_hotline_list(*, membership: Membership) -> list[PartnerHotline]:
    require(membership, HotlinePerm.REFERENCE_MANAGE)
    return list(PartnerHotline.objects.order_by("-is_active", "country", "kind", "name", "pk"))


def partner_hotline_get(*, membership: Membership, pk: int) -> PartnerHotline:
    require(membership, HotlinePerm.REFERENCE_MANAGE)
    partner = PartnerHotline.objects.filter(pk=pk).first()
    if partner is None:
        raise Http404
    return partner
