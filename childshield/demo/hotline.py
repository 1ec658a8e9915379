"""Demo hotline: made-up addresses on reserved example domains, at every stage from new to removed.

Everything is made through the hotline services, as analysts would, with the times moved into the
past by the services' `now` arguments; traces and removal checks are recorded from made-up results,
so seeding never touches the network. Notices go to the configured mail backend (the console in the
demo). No content exists behind any address and no picture is kept. Running it again creates nothing.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from childshield.accounts.models import AgencyKind, Membership, Role
from childshield.hotline.models import (
    ContentItem,
    HostingProvider,
    PartnerHotline,
    RecipientKind,
    SourceKind,
)
from childshield.hotline.probe import ProbeResult
from childshield.hotline.services.assessment import AssessmentInput, assessment_confirm, assessment_record
from childshield.hotline.services.bounces import DeliveryReport, notice_delivery_record
from childshield.hotline.services.hosting import hosting_trace
from childshield.hotline.services.items import content_item_report, report_addresses_file
from childshield.hotline.services.notices import item_renotice, notice_first_send
from childshield.hotline.services.removal import removal_check
from childshield.hotline.tracing import AddressInfo, TraceResult
from childshield.intake.models import Report

# name, AS number, country, abuse address, platform domains (documentation ASNs 64496-64511 only)
PROVIDERS = (
    ("Example Hosting B.V. (demo)", 64500, "NL", "abuse@hosting-nl.example", ()),
    ("Sample Cloud Inc. (demo)", 64501, "US", "abuse@samplecloud.example", ()),
    ("Mekong Web Services (demo)", 64502, "VN", "abuse@mekongweb.example", ()),
    ("ChatNhanh (demo platform)", 64503, "VN", "trust-safety@chatnhanh.example", ("chat.example.com",)),
)
PARTNERS = (
    ("Meldpunt Kinderporno (demo)", "NL", RecipientKind.PARTNER_HOTLINE, "hotline@meldpunt.example"),
    ("CyberTipline (demo)", "US", RecipientKind.PARTNER_HOTLINE, "tips@cybertipline.example"),
    ("Cybercrime Police (demo)", "VN", RecipientKind.POLICE, "cyber@police-vn.example"),
)

# host, provider index, stage, hours from report to notice, hours from notice to removal
ITEMS = (
    ("img.hosting-nl.example", 0, "removed", 3, 20),
    ("files.hosting-nl.example", 0, "removed", 2, 30),
    ("cdn.samplecloud.example", 1, "removed", 5, 70),
    ("media.samplecloud.example", 1, "removed", 4, 110),
    ("share.mekongweb.example", 2, "removed", 1, 8),
    ("chat.example.com", 3, "removed", 2, 4),
    ("video.mekongweb.example", 2, "renoticed", 2, 0),
    ("album.samplecloud.example", 1, "escalated", 3, 0),
    ("pics.hosting-nl.example", 0, "notice_sent", 1, 0),
    ("uploads.mekongweb.example", 2, "bounced", 1, 0),
    ("board.mekongweb.example", 2, "assessed", 0, 0),
    ("forum.samplecloud.example", 1, "new", 0, 0),
    ("clips.hosting-nl.example", 0, "new", 0, 0),
    ("adult-site.example.org", 1, "out_of_scope", 0, 0),
)

CATEGORIES = ("A", "B", "C")


def _members() -> tuple[Membership, Membership] | None:
    """The demo hotline's analyst and lead: the lead confirms the analyst's assessments."""
    found = Membership.objects.select_related("agency", "user").filter(
        is_active=True, agency__kind=AgencyKind.HOTLINE
    )
    analyst = found.filter(role=Role.HOTLINE_ANALYST).first()
    if analyst is None:
        return None
    lead = (
        found.filter(role=Role.HOTLINE_LEAD, agency_id=analyst.agency_id).exclude(user=analyst.user).first()
    )
    return None if lead is None else (analyst, lead)


def _trace(host: str, provider: tuple[str, int, str, str, tuple[str, ...]], number: int) -> TraceResult:
    return TraceResult(
        host=host,
        addresses=[
            AddressInfo(
                ip=f"198.51.100.{10 + number}",
                network="198.51.100.0/24",
                asn=provider[1],
                as_org=provider[0],
                country=provider[2],
            )
        ],
    )


def _reference_data() -> None:
    for name, asn, country, email, domains in PROVIDERS:
        HostingProvider.objects.get_or_create(
            name=name,
            defaults={
                "asns": [asn],
                "country": country,
                "abuse_email": email,
                "domains": list(domains),
                "is_platform": bool(domains),
            },
        )
    for name, country, kind, email in PARTNERS:
        PartnerHotline.objects.get_or_create(
            name=name, defaults={"country": country, "kind": kind, "email": email}
        )


@transaction.atomic
def seed_hotline(*, now: datetime | None = None) -> int:
    """Providers, partners and a dozen demo items; returns how many items it made (0 when they exist)."""
    members = _members()
    if members is None:
        raise LookupError("the demo hotline analyst and lead must exist first")
    analyst, second = members
    _reference_data()
    if ContentItem.objects.filter(agency=analyst.agency).exists():
        return 0
    now = now or timezone.now()
    renotice_after = timedelta(hours=settings.HOTLINE_RENOTICE_AFTER_HOURS)
    made = 0
    for number, (host, provider_index, stage, to_notice, to_removal) in enumerate(ITEMS):
        reported = now - timedelta(days=60 - number * 4, hours=number)
        item = content_item_report(
            acting=None,
            agency=analyst.agency,
            url=f"https://{host}/demo/{number:03d}",
            source=SourceKind.PARTNER if number % 2 else SourceKind.PLATFORM,
            reference=f"DEMO-{number:03d}",
            now=reported,
        )
        made += 1
        for extra in range(number % 3):  # some addresses were reported more than once
            content_item_report(
                acting=None,
                agency=analyst.agency,
                url=f"https://{host}/demo/{number:03d}?utm_source=demo{extra}",
                source=SourceKind.ANALYST,
                reference=f"DEMO-{number:03d}-{extra}",
                now=reported + timedelta(hours=extra + 1),
            )
        if stage == "new":
            continue
        if stage == "out_of_scope":
            data = AssessmentInput(classification="out_of_scope", notes="Adults only; no child appears.")
        elif number % 4 == 0:
            data = AssessmentInput(classification="harmful", content_type="video")
        else:
            data = AssessmentInput(
                classification="abuse_material",
                illegal_national=True,
                interpol_baseline=number % 3 != 0,
                category=CATEGORIES[number % 3],
                content_type="image" if number % 2 else "video",
                apparent_age="11_13",
                commercial=number % 5 == 0,
            )
        assessment = assessment_record(
            acting=analyst, item=item, data=data, now=reported + timedelta(hours=1)
        )
        if stage == "assessed":
            continue
        confirmed = reported + timedelta(hours=max(to_notice, 1))
        assessment_confirm(acting=second, assessment=assessment, now=confirmed)
        if stage == "out_of_scope":
            continue
        hosting_trace(
            acting=None, item=item, now=confirmed, result=_trace(host, PROVIDERS[provider_index], number)
        )
        notice = notice_first_send(item_id=item.pk, now=confirmed)
        if stage == "bounced" and notice is not None:
            # The provider's mail system said the abuse address does not exist (as a webhook would).
            notice_delivery_record(
                report=DeliveryReport(
                    event_type="bounced", provider="demo mail provider", notice_id=str(notice.pk)
                )
            )
        rounds = {"renoticed": 1, "escalated": settings.HOTLINE_ESCALATE_AFTER_NOTICES}.get(stage, 0)
        for round_number in range(1, rounds + 1):
            item.refresh_from_db()
            item_renotice(item=item, now=confirmed + round_number * renotice_after)
        item.refresh_from_db()
        last_notice = item.last_notice_at or confirmed
        checked = (
            confirmed + timedelta(hours=to_removal)
            if stage == "removed"
            else last_notice + timedelta(hours=1)
        )
        removal_check(
            item=item,
            now=checked,
            result=ProbeResult(
                state="removed" if stage == "removed" else "online",
                status_code=404 if stage == "removed" else 200,
                checked_at=checked,
                detail="demo",
            ),
        )
    # The demo children's reports that name an address reach the hotline too, linked to the report.
    for report in Report.objects.filter(country=analyst.agency.country).order_by("pk")[:50]:
        made += sum(1 for result in report_addresses_file(report_id=report.pk) if result.item)
    return made
