"""Platforms' reports received: filed with the hotline, matched, and passed to the helpline when a
child in the country is at risk."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from childshield.accounts.models import Agency, AgencyKind
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.core.errors import ApplicationError
from childshield.hashing.models import ApiKey, MatchChannel
from childshield.hashing.selectors import live_bank_ids, matchable_bank_ids_for_api_key
from childshield.hashing.services import HashQuery, hashes_match
from childshield.hotline.models import ContentItem, SourceKind
from childshield.hotline.selectors import hotline_agency_for
from childshield.hotline.services.items import content_item_report
from childshield.hotline.urlnorm import normalise_url, url_key
from childshield.intake.models import About, Channel, Harm, Report, SafeNow
from childshield.intake.services import ReportContent, report_submit
from childshield.platforms.models import ApparentAge, IncidentType, PlatformReport, PlatformReportItem

# What a counsellor reads as the harm a platform's incident is about.
_HARM_OF_INCIDENT = {
    IncidentType.ABUSE_MATERIAL: Harm.ABUSE_MATERIAL,
    IncidentType.ENTICEMENT: Harm.GROOMING,
    IncidentType.SEXTORTION: Harm.THREATENED,
    IncidentType.LIVE_STREAMING: Harm.ABUSE_MATERIAL,
    IncidentType.TRAFFICKING: Harm.OTHER,
    IncidentType.UNSOLICITED_MATERIAL: Harm.UNWANTED_IMAGES,
    IncidentType.OTHER: Harm.OTHER,
}


@dataclass(frozen=True)
class PlatformReportData:
    """A platform's report, as `PlatformReportInput` checked it."""

    incident_type: str
    external_id: str = ""
    incident_at: datetime | None = None
    urls: list[str] = field(default_factory=list)
    file_hashes: list[dict[str, Any]] = field(default_factory=list)
    uploader: dict[str, str] = field(default_factory=dict)
    reviewed_by_platform: bool | None = None
    apparent_age: str = ApparentAge.UNKNOWN
    location: dict[str, str] = field(default_factory=dict)
    child_at_risk: bool = False
    description: str = ""


def _filled(values: dict[str, Any]) -> dict[str, str]:
    return {
        name: str(value).strip() for name, value in values.items() if value is not None and str(value).strip()
    }


def platform_of(key: ApiKey) -> Agency:
    """The platform a key belongs to; keys of other agencies do not send platforms' reports."""
    if key.agency.kind != AgencyKind.PLATFORM:
        raise PermissionDenied("not a platform's key")
    return key.agency


@transaction.atomic
def platform_report_receive(
    *, key: ApiKey, data: PlatformReportData, now: datetime | None = None
) -> PlatformReport:
    """Save a platform's report; each address becomes a hotline item (or one more source of the item
    holding it), the file hashes are matched against every bank, and a child at risk reaches the
    helpline's queue. One transaction: a refused address or a missing hotline saves nothing.

    A sandbox key's report is checked and answered the same way and kept apart: its addresses are
    kept for the platform to read back but never filed with the hotline, its hashes matched against
    the synthetic bank alone, and it never reaches the helpline."""
    platform = platform_of(key)
    now = now or timezone.now()
    report = PlatformReport.objects.create(
        platform=platform,
        api_key=key,
        hotline=None if key.is_sandbox else hotline_agency_for(country=settings.CHILDSHIELD_COUNTRY),
        external_id=data.external_id.strip(),
        incident_type=data.incident_type,
        incident_at=data.incident_at,
        file_hashes=[
            _filled(h) | ({"quality": h["quality"]} if h.get("quality") is not None else {})
            for h in data.file_hashes
        ],
        uploader=_filled(data.uploader),
        reviewed_by_platform=data.reviewed_by_platform,
        apparent_age=data.apparent_age or ApparentAge.UNKNOWN,
        location=_filled(data.location),
        child_at_risk=data.child_at_risk,
        description=data.description.strip(),
        received_at=now,
    )
    if key.is_sandbox:  # checked (PlatformReportInput) and kept, never the hotline's
        PlatformReportItem.objects.bulk_create(
            PlatformReportItem(report=report, position=position, url=url, item=None)
            for position, url in enumerate(data.urls)
        )
    else:
        _file_addresses(report, data.urls, now)
    if report.file_hashes:
        report.known_files = _known_files(report, key)
    if data.child_at_risk and not key.is_sandbox:
        report.intake_report = _to_helpline(report)
    report.save(update_fields=["file_hashes", "known_files", "intake_report"])
    audit.record(
        action=AuditAction.CREATE,
        agency=platform,
        obj=report,
        reason=f"platform report received (key {key.prefix}…{', sandbox' if key.is_sandbox else ''})",
    )
    return report


def _file_addresses(report: PlatformReport, urls: list[str], now: datetime) -> None:
    if not urls:
        return
    hotline = report.hotline
    if hotline is None:
        raise ApplicationError(_("No hotline receives reported addresses here."), code="no_hotline")
    filed: dict[str, ContentItem] = {}
    for position, url in enumerate(urls):
        key = url_key(normalise_url(url).url)
        item = filed.get(key)
        if item is None:  # the same address twice in one report is one source of one item
            item = content_item_report(
                acting=None,
                url=url,
                source=SourceKind.PLATFORM,
                reference=report.number,
                agency=hotline,
                now=now,
            )
            filed[key] = item
        PlatformReportItem.objects.create(report=report, position=position, url=url, item=item)


def _known_files(report: PlatformReport, key: ApiKey) -> int:
    """How many of the report's files match a bank (any bank switched on; a sandbox key's: the
    synthetic banks alone), each hash marked `known` or not: the hotline sees which."""
    banks = matchable_bank_ids_for_api_key(key=key) if key.is_sandbox else live_bank_ids()
    results = hashes_match(
        queries=[HashQuery(h["algorithm"], h["value"], h.get("quality")) for h in report.file_hashes],
        bank_ids=banks,
        channel=MatchChannel.SERVICE,
        agency=report.platform,
    )
    for file_hash, result in zip(report.file_hashes, results, strict=True):
        file_hash["known"] = bool(result.matches)
    return sum(1 for result in results if result.matches)


def _to_helpline(report: PlatformReport) -> Report:
    """An intake report for the helpline's queue, urgent ("not sure" the child is safe), telling the
    counsellor what the platform said; the addresses are already the hotline's."""
    with translation.override(settings.LANGUAGE_CODE):
        lines = [
            _("%(platform)s reported a child who may be in danger in this country (report %(number)s).")
            % {"platform": report.platform.name, "number": report.number},
            _("Incident: %(incident)s.") % {"incident": IncidentType(report.incident_type).label},
            _("The child appears to be: %(age)s.") % {"age": ApparentAge(report.apparent_age).label},
        ]
        place = ", ".join(
            report.location.get(name, "")
            for name in ("city", "region", "country")
            if report.location.get(name)
        )
        if place:
            lines.append(_("Where: %(place)s.") % {"place": place})
        if report.location.get("note"):
            lines.append(report.location["note"])
        if report.description:
            lines.append(_("The platform wrote: %(text)s") % {"text": report.description})
        if report.items.exists():
            count = report.items.count()
            lines.append(
                ngettext(
                    "%(count)d address went to the hotline as an item.",
                    "%(count)d addresses went to the hotline as items.",
                    count,
                )
                % {"count": count}
            )
    receipt = report_submit(
        content=ReportContent(
            about=About.SEEN_ONLINE,
            safe_now=SafeNow.NOT_SURE,
            harms=[_HARM_OF_INCIDENT[IncidentType(report.incident_type)]],
            description="\n".join(lines)[:4000],
        ),
        idempotency_key=f"platform-report-{report.pk}",
        channel=Channel.PLATFORM,
        language=settings.LANGUAGE_CODE,
    )
    return receipt.report
