"""Demo figures' hotline items: made-up addresses on example.invalid, reported to a made-up hotline,
assessed by one analyst and confirmed by another, traced to a hosting country and, for those in
scope, noticed and removed.

Written in bulk with what the hotline services would write (the item and its source, the confirmed
assessment, the trace, the notice, the removal check); every item is closed (removed, or out of
scope), so no notice or removal check is ever due for them and nothing reaches the network.
"""

import random
from datetime import datetime, timedelta

from childshield.accounts.models import AgencyKind, Role
from childshield.demo.synthetic import BATCH, figures_agency, figures_member, moment, pick
from childshield.hotline.models import (
    ApparentAge,
    Category,
    CheckState,
    Classification,
    ContentAssessment,
    ContentItem,
    ContentItemSource,
    ContentType,
    HostingProvider,
    HostingTrace,
    ItemStatus,
    Notice,
    NoticeState,
    RecipientKind,
    RemovalCheck,
    SourceKind,
)
from childshield.hotline.urlnorm import normalise_url, url_key

ITEMS = 600
FIGURES_HOTLINE = "Demo national hotline (figures)"
CLASSIFICATION_WEIGHTS = {
    Classification.ABUSE_MATERIAL: 70,
    Classification.HARMFUL: 20,
    Classification.OUT_OF_SCOPE: 10,
}
SEVERITY_WEIGHTS = {Category.A: 20, Category.B: 35, Category.C: 45}
CONTENT_TYPE_WEIGHTS = {
    ContentType.IMAGE: 50,
    ContentType.VIDEO: 30,
    ContentType.LIVE_STREAM: 4,
    ContentType.TEXT: 6,
    ContentType.SELF_GENERATED: 10,
}
# Where the material reported in the region is hosted (made-up shares); out-of-scope items are not traced.
HOSTING_WEIGHTS = {
    "NL": 22,
    "US": 24,
    "VN": 12,
    "DE": 7,
    "FR": 5,
    "RU": 6,
    "HK": 6,
    "SG": 5,
    "JP": 4,
    "CA": 4,
}
SOURCE_WEIGHTS = {
    SourceKind.REPORT: 30,
    SourceKind.CONTACT: 10,
    SourceKind.PLATFORM: 25,
    SourceKind.PARTNER: 25,
    SourceKind.ANALYST: 10,
}
PLATFORM_COUNTRIES = ("VN", "US")  # where the made-up platforms sit: their notices go to a platform


def _providers() -> dict[str, HostingProvider]:
    providers = {}
    for number, country in enumerate(HOSTING_WEIGHTS):
        provider, _created = HostingProvider.objects.get_or_create(
            name=f"Demo host {country} (figures)",
            defaults={
                "asns": [64496 + number],  # documentation AS numbers
                "country": country,
                "abuse_email": f"abuse@host-{country.lower()}.example.invalid",
                "is_platform": country in PLATFORM_COUNTRIES,
            },
        )
        providers[country] = provider
    return providers


def figures_hotline_seed(*, rng: random.Random, country: str, now: datetime) -> int:
    """The figures hotline's items, every one confirmed; 0 when it has items already."""
    agency = figures_agency(
        country=country, name=FIGURES_HOTLINE, kind=AgencyKind.HOTLINE, area_codes=(country,)
    )
    analyst = figures_member(
        agency=agency, role=Role.HOTLINE_ANALYST, handle="analyst", full_name="Demo analyst (figures)"
    )
    lead = figures_member(
        agency=agency, role=Role.HOTLINE_LEAD, handle="lead", full_name="Demo lead (figures)"
    )
    if ContentItem.objects.filter(agency=agency).exists():
        return 0
    providers = _providers()
    items, assessments, sources, traces, notices, checks = [], [], [], [], [], []
    for number in range(ITEMS):
        reported = moment(rng, now) - timedelta(days=12)
        confirmed = reported + timedelta(hours=rng.randint(2, 48))
        classification = pick(rng, CLASSIFICATION_WEIGHTS)
        in_scope = classification != Classification.OUT_OF_SCOPE
        hosting = pick(rng, HOSTING_WEIGHTS) if in_scope else ""
        provider = providers.get(hosting)
        host = f"media{number % 7}.host-{(hosting or 'unknown').lower()}.example.invalid"
        address = normalise_url(f"https://{host}/figures/{number:04d}")
        item = ContentItem(
            agency=agency,
            url=address.url,
            url_key=url_key(address.url),
            host=address.host,
            display_host=address.display_host,
            classification=classification,
            category=pick(rng, SEVERITY_WEIGHTS) if classification == Classification.ABUSE_MATERIAL else "",
            provider=provider,
            hosting_country=hosting,
            first_reported_at=reported,
            confirmed_at=confirmed,
            created_at=reported,
            status=ItemStatus.OUT_OF_SCOPE,
            closed_at=confirmed,
        )
        items.append(item)
        sources.append(ContentItemSource(item=item, kind=pick(rng, SOURCE_WEIGHTS), reported_at=reported))
        abuse = classification == Classification.ABUSE_MATERIAL
        assessments.append(
            ContentAssessment(
                item=item,
                assessor=analyst,
                classification=classification,
                illegal_national=abuse if in_scope else None,
                interpol_baseline=abuse and item.category in (Category.A, Category.B),
                category=item.category,
                content_type=pick(rng, CONTENT_TYPE_WEIGHTS) if in_scope else "",
                apparent_age=rng.choice(ApparentAge.values) if abuse else "",
                commercial=abuse and rng.random() < 0.15,
                assessed_at=reported + timedelta(hours=1),
                confirmed_by=lead,
                confirmed_at=confirmed,
            )
        )
        if provider is None:
            continue  # out of scope: closed once confirmed, never traced or noticed
        traces.append(
            HostingTrace(
                item=item,
                host=item.host,
                addresses=[
                    {
                        "ip": f"198.51.100.{number % 250 + 1}",
                        "network": "198.51.100.0/24",
                        "asn": provider.asns[0],
                        "as_org": provider.name,
                        "country": hosting,
                    }
                ],
                provider=provider,
                country=hosting,
                traced_at=confirmed,
            )
        )
        sent = confirmed + timedelta(minutes=rng.randint(5, 120))
        removed = sent + timedelta(hours=rng.randint(2, 240))
        notices.append(
            Notice(
                item=item,
                sequence=1,
                recipient_kind=RecipientKind.PLATFORM
                if provider.is_platform
                else RecipientKind.HOSTING_PROVIDER,
                recipient_name=provider.name,
                recipient_email=provider.abuse_email,
                state=NoticeState.SENT,
                attempts=1,
                queued_at=confirmed,
                sent_at=sent,
                message_id=f"<figures-{number:04d}@example.invalid>",
            )
        )
        checks.append(RemovalCheck(item=item, state=CheckState.REMOVED, status_code=404, checked_at=removed))
        item.status = ItemStatus.REMOVED
        item.first_notice_at = item.last_notice_at = sent
        item.notice_count = 1
        item.removed_at = item.closed_at = item.last_checked_at = removed
    ContentItem.objects.bulk_create(items, batch_size=BATCH)
    ContentItemSource.objects.bulk_create(sources, batch_size=BATCH)
    ContentAssessment.objects.bulk_create(assessments, batch_size=BATCH)
    HostingTrace.objects.bulk_create(traces, batch_size=BATCH)
    Notice.objects.bulk_create(notices, batch_size=BATCH)
    RemovalCheck.objects.bulk_create(checks, batch_size=BATCH)
    return len(items)
