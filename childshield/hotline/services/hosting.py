"""Hosting traces: where an item's host resolves now, and the provider and country that follow from it."""

import ipaddress
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from childshield.accounts.models import Membership
from childshield.audit.models import AuditAction
from childshield.hotline import tracing
from childshield.hotline.custody import custody_record
from childshield.hotline.models import ContentItem, HostingProvider, HostingTrace
from childshield.hotline.permissions import HotlinePerm, require_for_item


def _in_domain(host: str, domain: str) -> bool:
    domain = domain.strip().lower().rstrip(".")
    return bool(domain) and (host == domain or host.endswith("." + domain))


def _provider_for(host: str, addresses: Iterable[dict[str, Any]]) -> HostingProvider | None:
    """The platform owning the host's domain, else the provider of the first address's ASN or network."""
    providers = list(HostingProvider.objects.filter(is_active=True).order_by("pk"))
    for provider in providers:
        if any(_in_domain(host, domain) for domain in provider.domains):
            return provider
    for address in addresses:
        asn = address.get("asn")
        for provider in providers:
            if asn is not None and int(asn) in {int(a) for a in provider.asns}:
                return provider
        try:
            ip = ipaddress.ip_address(address.get("ip", ""))
        except ValueError:
            continue
        for provider in providers:
            for network in provider.networks:
                try:
                    if ip in ipaddress.ip_network(network, strict=False):
                        return provider
                except ValueError:
                    continue
    return None


@transaction.atomic
def hosting_trace(
    *,
    acting: Membership | None,
    item: ContentItem,
    now: datetime | None = None,
    result: tracing.TraceResult | None = None,
) -> HostingTrace:
    """Resolve the item's host now and keep the result; the item's provider and country follow it.

    `result` records a trace made elsewhere (a partner's, or the demo's) instead of resolving now.
    """
    if acting is not None:
        require_for_item(acting, item, HotlinePerm.TRACE)
    if result is None:
        result = tracing.trace_host(item.host)
    addresses: list[dict[str, Any]] = [
        {
            "ip": address.ip,
            "network": address.network,
            "asn": address.asn,
            "as_org": address.as_org,
            "country": address.country,
        }
        for address in result.addresses
    ]
    provider = _provider_for(item.host, addresses)
    country = next((a["country"] for a in addresses if a.get("country")), "") or ""
    trace = HostingTrace.objects.create(
        item=item,
        host=item.host,
        addresses=addresses,
        error=result.error or "",
        provider=provider,
        country=country[:2].upper(),
        traced_at=now or timezone.now(),
        traced_by=acting,
    )
    item.provider = provider or item.provider
    item.hosting_country = trace.country or (provider.country if provider else "") or item.hosting_country
    item.save(update_fields=["provider", "hosting_country", "updated_at"])
    custody_record(
        acting,
        AuditAction.UPDATE,
        item,
        f"hosting traced: {len(addresses)} address(es){', ' + trace.error if trace.error else ''}",
        item.agency,
    )
    return trace
