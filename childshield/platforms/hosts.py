"""Which platform an item is on, for the hotline's requests (`hotline.channels.platform_for`): the
platform its host is (`PlatformHost`), else the platform that reported it (its latest report), each
with an abuse address of a hosting provider that is that platform."""

from childshield.hotline.channels import PlatformContact
from childshield.hotline.models import ContentItem
from childshield.platforms.models import PlatformHost, PlatformReportItem


def platform_contact_for(item: ContentItem) -> PlatformContact | None:
    host = (
        PlatformHost.objects.filter(provider_id=item.provider_id)
        .select_related("platform", "provider")
        .first()
        if item.provider_id
        else None
    )
    if host is not None and host.platform.is_active and host.provider.abuse_email:
        return PlatformContact(host.platform_id, host.platform.name, host.provider.abuse_email)
    reported = (
        PlatformReportItem.objects.filter(item=item, report__platform__is_active=True)
        .select_related("report__platform")
        .order_by("-report__received_at", "-pk")
        .first()
    )
    if reported is None:
        return None
    platform = reported.report.platform
    provider = (
        PlatformHost.objects.filter(platform=platform, provider__is_active=True)
        .exclude(provider__abuse_email="")
        .select_related("provider")
        .order_by("pk")
        .first()
    )
    if provider is None:
        return None
    return PlatformContact(platform.pk, platform.name, provider.provider.abuse_email)
