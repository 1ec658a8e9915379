"""Every write about reported content: items and their sources, assessment, evidence, hosting traces,
notices and their retries, removal checks, hashes for the bank, and referral packages.

Times: every function that the scheduler calls takes `now`, so tests (and a replay) can move time on.
Notices and checks run without a person acting; their audit events have no actor.
"""

from __future__ import annotations

import csv
import hashlib
import io
import ipaddress
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMessage
from django.core.mail.message import make_msgid
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from childshield.accounts.models import Agency, AgencyKind, Membership
from childshield.accounts.permissions import Scope, require
from childshield.audit import services as audit
from childshield.audit.models import AuditAction, AuditEvent
from childshield.core import crypto
from childshield.core.blind_index import blind_index
from childshield.core.errors import ApplicationError
from childshield.hashing import services as hashing_services
from childshield.hashing.imaging import ImageRejected, pdq_from_bytes
from childshield.hashing.models import PDQ_MIN_QUALITY, Algorithm, BankSource, HashBank, SharingPolicy
from childshield.hotline import channels, probe, selectors, signing, tasks, tracing
from childshield.hotline.models import (
    OPEN_NOTICE_STATUSES,
    CheckState,
    Classification,
    ContentAssessment,
    ContentItem,
    ContentItemSource,
    Evidence,
    HostingProvider,
    HostingTrace,
    ItemStatus,
    Notice,
    NoticeState,
    PartnerHotline,
    RecipientKind,
    ReferralPackage,
    RemovalCheck,
    SourceKind,
)
from childshield.hotline.permissions import HotlinePerm
from childshield.hotline.urlnorm import normalise_url
from childshield.intake.models import Report

logger = logging.getLogger(__name__)


# Settings, each with its default -------------------------------------------------------------


def require_second_assessor() -> bool:
    return bool(getattr(settings, "HOTLINE_REQUIRE_SECOND_ASSESSOR", True))


def renotice_after() -> timedelta:
    return timedelta(hours=float(getattr(settings, "HOTLINE_RENOTICE_AFTER_HOURS", 48)))


def escalate_after_notices() -> int:
    return int(getattr(settings, "HOTLINE_ESCALATE_AFTER_NOTICES", 3))


def check_every() -> timedelta:
    return timedelta(minutes=float(getattr(settings, "HOTLINE_CHECK_EVERY_MINUTES", 60)))


def check_timeout() -> float:
    return float(getattr(settings, "HOTLINE_CHECK_TIMEOUT_SECONDS", 5.0))


def evidence_max_bytes() -> int:
    return int(getattr(settings, "HOTLINE_EVIDENCE_MAX_BYTES", 20 * 1024 * 1024))


# Minutes after each failed attempt before the next; past the last, the notice stays failed.
def notice_backoff_minutes() -> tuple[int, ...]:
    return tuple(getattr(settings, "HOTLINE_NOTICE_BACKOFF_MINUTES", (1, 5, 30, 120, 720)))


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _record(
    acting: Membership | None, action: AuditAction, obj: Any, reason: str, agency: Agency | None = None
) -> None:
    audit.record(
        action=action,
        actor=None if acting is None else acting.user,
        agency=agency if acting is None else acting.agency,
        obj=obj,
        reason=reason,
    )


def _require_item(acting: Membership | None, item: ContentItem, perm: HotlinePerm) -> Membership:
    scope = require(acting, perm)
    assert acting is not None
    if scope < Scope.ALL and item.agency_id != acting.agency_id:
        raise PermissionDenied(perm)
    return acting


def url_key(url: str) -> str:
    """The blind index of a normalised address (hashed first: the index folds case, paths must not)."""
    return blind_index(hashlib.sha256(url.encode("utf-8")).hexdigest(), purpose="hotline.url")


# Items and their sources ---------------------------------------------------------------------


def hotline_agency_for(country: str) -> Agency | None:
    return (
        Agency.objects.filter(kind=AgencyKind.HOTLINE, country=country.upper(), is_active=True)
        .order_by("pk")
        .first()
    )


@transaction.atomic
def content_item_report(
    *,
    acting: Membership | None,
    url: str,
    source: SourceKind | str,
    report: Any = None,
    reference: str = "",
    agency: Agency | None = None,
    now: datetime | None = None,
) -> ContentItem:
    """File one report of an address: a new item, or one more source of the item already holding it.

    Without an acting member (a child's report, a platform, a partner) the item goes to `agency`, or
    to the hotline of the report's country. A malformed address raises InvalidUrl (an
    ApplicationError with a translated message) and nothing is written: the report keeps it.
    """
    now = _now(now)
    if acting is not None:
        require(acting, HotlinePerm.ITEM_REPORT)
        agency = acting.agency
    elif agency is None and report is not None:
        agency = hotline_agency_for(report.country)
    if agency is None or agency.kind != AgencyKind.HOTLINE:
        raise ApplicationError(_("No hotline receives reported addresses here."), code="no_hotline")
    if source not in SourceKind.values:
        raise ApplicationError(_("Unknown source of the report."), code="invalid")
    normalised = normalise_url(url)
    key = url_key(normalised.url)
    item = ContentItem.objects.select_for_update().filter(agency=agency, url_key=key).first()
    created = False
    if item is None:
        try:
            with transaction.atomic():
                item = ContentItem.objects.create(
                    agency=agency,
                    url=normalised.url,
                    url_key=key,
                    host=normalised.host,
                    display_host=normalised.display_host,
                    first_reported_at=now,
                )
        except IntegrityError:
            # The same address arrived twice at the same moment and the other report made the item.
            item = ContentItem.objects.select_for_update().get(agency=agency, url_key=key)
        else:
            created = True
            _record(acting, AuditAction.CREATE, item, f"reported through {source}", agency)
    elif report is not None and item.sources.filter(report=report).exists():
        return item  # the same report filed twice is one source
    ContentItemSource.objects.create(
        item=item,
        kind=source,
        report=report,
        reference=reference.strip()[:200],
        added_by=acting,
        reported_at=now,
    )
    if not created:
        if now < item.first_reported_at:
            item.first_reported_at = now
            item.save(update_fields=["first_reported_at", "updated_at"])
        _record(acting, AuditAction.UPDATE, item, f"reported again through {source}", agency)
    return item


@dataclass(frozen=True)
class LineResult:
    number: int
    text: str
    item: ContentItem | None = None
    error: str = ""


def content_items_report_lines(
    *, acting: Membership, text: str, source: SourceKind | str = SourceKind.ANALYST, reference: str = ""
) -> list[LineResult]:
    """Report one address per line; each good line is saved on its own, each bad one says why."""
    require(acting, HotlinePerm.ITEM_REPORT)
    results: list[LineResult] = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        try:
            item = content_item_report(acting=acting, url=line, source=source, reference=reference)
        except ApplicationError as error:
            results.append(LineResult(number, line, error=str(error.message)))
        else:
            results.append(LineResult(number, line, item=item))
    return results


def report_addresses_file(*, report_id: int) -> int:
    """A newly received report's addresses become hotline items (run by a task from intake's hook).

    Running it again for the same report adds nothing: an item lists a report once.
    """
    report = Report.objects.filter(pk=report_id).first()
    if report is None:
        return 0
    return sum(1 for result in content_items_from_report(report=report) if result.item is not None)


def content_items_from_report(*, report: Any, now: datetime | None = None) -> list[LineResult]:
    """File every address of a child's report with the hotline of its country; bad ones are listed.

    Called by whatever hands new reports on (intake may not import the hotline: a hook or a task).
    """
    results: list[LineResult] = []
    for number, url in enumerate(report.urls or [], start=1):
        try:
            item = content_item_report(
                acting=None,
                url=str(url),
                source=SourceKind.REPORT,
                report=report,
                now=now or report.created_at,
            )
        except ApplicationError as error:
            results.append(LineResult(number, str(url), error=str(error.message)))
        else:
            results.append(LineResult(number, str(url), item=item))
    return results


# Assessment ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AssessmentInput:
    classification: str
    illegal_national: bool | None = None
    interpol_baseline: bool | None = None
    category: str = ""
    content_type: str = ""
    apparent_age: str = ""
    commercial: bool | None = None
    notes: str = ""


def _check_assessment(data: AssessmentInput) -> AssessmentInput:
    if data.classification not in Classification.values:
        raise ApplicationError(_("Choose a classification."), code="invalid")
    if data.classification == Classification.ABUSE_MATERIAL:
        missing = [
            label
            for label, value in (
                (_("illegal under national law"), data.illegal_national),
                (_("INTERPOL baseline"), data.interpol_baseline),
                (_("severity category"), data.category or None),
                (_("content type"), data.content_type or None),
                (_("apparent age"), data.apparent_age or None),
                (_("commercial"), data.commercial),
            )
            if value is None
        ]
        if missing:
            raise ApplicationError(
                _("For abuse material, also say: %(fields)s.") % {"fields": ", ".join(missing)},
                code="incomplete",
            )
        return data
    # Only abuse material is classified further; nothing else is kept for the other two.
    return AssessmentInput(
        classification=data.classification, content_type=data.content_type, notes=data.notes
    )


@transaction.atomic
def assessment_record(
    *, acting: Membership, item: ContentItem, data: AssessmentInput, now: datetime | None = None
) -> ContentAssessment:
    _require_item(acting, item, HotlinePerm.ITEM_ASSESS)
    item = ContentItem.objects.select_for_update().get(pk=item.pk)
    if item.status not in (ItemStatus.NEW, ItemStatus.ASSESSED):
        raise ApplicationError(
            _("This item's assessment is already confirmed; it is being followed up."), code="confirmed"
        )
    data = _check_assessment(data)
    now = _now(now)
    assessment = ContentAssessment.objects.create(
        item=item,
        assessor=acting,
        classification=data.classification,
        illegal_national=data.illegal_national,
        interpol_baseline=data.interpol_baseline,
        category=data.category,
        content_type=data.content_type,
        apparent_age=data.apparent_age,
        commercial=data.commercial,
        notes=data.notes.strip(),
        assessed_at=now,
    )
    _record(acting, AuditAction.CREATE, item, f"assessed as {data.classification} {data.category}".strip())
    if require_second_assessor():
        item.status = ItemStatus.ASSESSED
        item.save(update_fields=["status", "updated_at"])
    else:
        _confirm(acting, item, assessment, now)
    return assessment


@transaction.atomic
def assessment_confirm(
    *, acting: Membership, assessment: ContentAssessment, now: datetime | None = None
) -> ContentAssessment:
    """A second analyst agrees with the assessment; the item then goes to notice (or is closed)."""
    item = ContentItem.objects.select_for_update().get(pk=assessment.item_id)
    _require_item(acting, item, HotlinePerm.ITEM_CONFIRM)
    assessment = ContentAssessment.objects.select_related("assessor").get(pk=assessment.pk)
    if assessment.is_confirmed or item.status != ItemStatus.ASSESSED:
        raise ApplicationError(_("This assessment is already confirmed."), code="confirmed")
    latest = item.assessments.order_by("-assessed_at", "-pk").first()
    if latest is None or latest.pk != assessment.pk:
        raise ApplicationError(
            _("A newer assessment of this item exists: confirm that one instead."), code="stale"
        )
    if assessment.assessor.user_id == acting.user_id:
        raise ApplicationError(
            _("Another analyst must confirm: you made this assessment yourself."), code="same_person"
        )
    _confirm(acting, item, assessment, _now(now))
    return assessment


def _confirm(acting: Membership, item: ContentItem, assessment: ContentAssessment, now: datetime) -> None:
    assessment.confirmed_by = acting
    assessment.confirmed_at = now
    assessment.save(update_fields=["confirmed_by", "confirmed_at"])
    item.classification = assessment.classification
    item.category = assessment.category
    item.confirmed_at = now
    if assessment.classification == Classification.OUT_OF_SCOPE:
        item.status = ItemStatus.OUT_OF_SCOPE
        item.closed_at = now
    else:
        item.status = ItemStatus.CONFIRMED
    item.save(
        update_fields=["classification", "category", "confirmed_at", "status", "closed_at", "updated_at"]
    )
    _record(acting, AuditAction.UPDATE, item, f"assessment {assessment.pk} confirmed: {item.status}")
    if assessment.classification == Classification.ABUSE_MATERIAL:
        hashes_bank(acting=acting, item=item, now=now)
    if item.status == ItemStatus.CONFIRMED:
        item_id = item.pk
        transaction.on_commit(lambda: tasks.item_confirmed.delay(item_id))


# Evidence ------------------------------------------------------------------------------------

# Recognised by their first bytes, never by the name or the browser's word for the type.
EVIDENCE_SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"GIF8", 0, "image/gif"),
    (b"WEBP", 8, "image/webp"),
    (b"ftyp", 4, "video/mp4"),
)


def _sniff(content: bytes) -> str | None:
    for magic, offset, kind in EVIDENCE_SIGNATURES:
        if content[offset : offset + len(magic)] == magic:
            return kind
    return None


def _evidence_name() -> str:
    return f"hotline/evidence/{secrets.token_hex(16)}.bin"


@transaction.atomic
def evidence_add(*, acting: Membership, item: ContentItem, upload: UploadedFile) -> Evidence:
    """Keep a capture with the item, hashed in memory and encrypted before it is stored."""
    _require_item(acting, item, HotlinePerm.EVIDENCE_ADD)
    limit = evidence_max_bytes()
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ApplicationError(
            _("The file is too large: at most %(mb)d MB.") % {"mb": limit // (1024 * 1024)}, code="too_large"
        )
    content_type = _sniff(content)
    if content_type is None:
        raise ApplicationError(
            _("Only JPEG, PNG, GIF and WebP images and MP4 videos can be kept."), code="wrong_type"
        )
    pdq, quality = "", None
    if content_type.startswith("image/"):
        try:
            hashed = pdq_from_bytes(content)
        except ImageRejected:
            pass  # kept with its exact hashes only
        else:
            pdq, quality = hashed.value, hashed.quality
    storage_name = _evidence_name()
    default_storage.save(storage_name, ContentFile(crypto.field_cipher().encrypt(content)))
    try:
        evidence = Evidence.objects.create(
            item=item,
            content_type=content_type,
            size=len(content),
            storage_name=storage_name,
            md5=hashlib.md5(content, usedforsecurity=False).hexdigest(),
            sha256=hashlib.sha256(content).hexdigest(),
            pdq=pdq,
            pdq_quality=quality,
            uploaded_by=acting,
        )
    except Exception:
        default_storage.delete(storage_name)
        raise
    _record(acting, AuditAction.CREATE, item, f"evidence {evidence.pk} added ({content_type})")
    if item.classification == Classification.ABUSE_MATERIAL and item.confirmed_at is not None:
        hashes_bank(acting=acting, item=item)
    return evidence


def evidence_content(*, evidence: Evidence) -> bytes:
    with default_storage.open(evidence.storage_name, "rb") as stored:
        return crypto.field_cipher().decrypt(stored.read())


def evidence_rotate(dry_run: bool) -> int:
    """Re-encrypt every evidence file with the primary key (`manage.py rotate_keys` calls this)."""
    count = 0
    for evidence in Evidence.objects.only("pk", "storage_name").order_by("pk").iterator():
        with default_storage.open(evidence.storage_name, "rb") as stored:
            rotated = crypto.field_cipher().rotate(stored.read())
        count += 1
        if dry_run:
            continue
        old_name = evidence.storage_name
        new_name = default_storage.save(_evidence_name(), ContentFile(rotated))
        Evidence.objects.filter(pk=evidence.pk).update(storage_name=new_name)
        default_storage.delete(old_name)
    return count


# Hashes for the hotline's bank -----------------------------------------------------------------

CONFIRMED_BANK_NAME = "Hotline: confirmed items"


def _confirmed_bank(acting: Membership) -> HashBank:
    bank = (
        HashBank.objects.filter(owner=acting.agency, source=BankSource.HOTLINE_CONFIRMED)
        .order_by("pk")
        .first()
    )
    if bank is None:
        bank = hashing_services.bank_create(
            actor=acting,
            name=CONFIRMED_BANK_NAME,
            source=BankSource.HOTLINE_CONFIRMED,
            sharing=SharingPolicy.TRUSTED_PLATFORMS,
            description="Hashes of images the hotline's analysts confirmed as abuse material.",
        )
    return bank


def hashes_bank(*, acting: Membership, item: ContentItem, now: datetime | None = None) -> int:
    """Add the confirmed item's image hashes (PDQ, MD5, SHA-256) to the hotline's bank; returns how many."""
    pending = list(item.evidence.filter(hashes_banked_at__isnull=True, content_type__startswith="image/"))
    if not pending:
        return 0
    bank = _confirmed_bank(acting)
    added = 0
    for evidence in pending:
        hashes: list[tuple[str, str, int | None]] = [
            (Algorithm.MD5, evidence.md5, None),
            (Algorithm.SHA256, evidence.sha256, None),
        ]
        if evidence.pdq and (evidence.pdq_quality or 0) >= PDQ_MIN_QUALITY:
            hashes.insert(0, (Algorithm.PDQ, evidence.pdq, evidence.pdq_quality))
        for algorithm, value, quality in hashes:
            try:
                hashing_services.entry_add(
                    actor=acting,
                    bank=bank,
                    algorithm=algorithm,
                    value=value,
                    quality=quality,
                    source_reference=f"hotline item {item.number}",
                )
            except ApplicationError as error:
                if error.code != "duplicate":
                    raise
            else:
                added += 1
        evidence.hashes_banked_at = _now(now)
        evidence.save(update_fields=["hashes_banked_at"])
    return added


# Hosting -------------------------------------------------------------------------------------


def _in_domain(host: str, domain: str) -> bool:
    domain = domain.strip().lower().rstrip(".")
    return bool(domain) and (host == domain or host.endswith("." + domain))


def provider_for(host: str, addresses: Iterable[dict[str, Any]]) -> HostingProvider | None:
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
        _require_item(acting, item, HotlinePerm.TRACE)
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
    provider = provider_for(item.host, addresses)
    country = next((a["country"] for a in addresses if a.get("country")), "") or ""
    trace = HostingTrace.objects.create(
        item=item,
        host=item.host,
        addresses=addresses,
        error=result.error or "",
        provider=provider,
        country=country[:2].upper(),
        traced_at=_now(now),
        traced_by=acting,
    )
    item.provider = provider or item.provider
    item.hosting_country = trace.country or (provider.country if provider else "") or item.hosting_country
    item.save(update_fields=["provider", "hosting_country", "updated_at"])
    _record(
        acting,
        AuditAction.UPDATE,
        item,
        f"hosting traced: {len(addresses)} address(es){', ' + trace.error if trace.error else ''}",
        item.agency,
    )
    return trace


@dataclass(frozen=True)
class Recipient:
    kind: RecipientKind
    name: str
    email: str


def recipient_for(item: ContentItem) -> Recipient | None:
    """Who the item's notice goes to: its platform or hosting provider, when their abuse contact is known."""
    provider = item.provider
    if provider is None or not provider.abuse_email:
        return None
    kind = RecipientKind.PLATFORM if provider.is_platform else RecipientKind.HOSTING_PROVIDER
    return Recipient(kind, provider.name, provider.abuse_email)


def escalation_recipient_for(item: ContentItem) -> Recipient | None:
    """The partner hotline of the hosting country when it is abroad, else our own police contact."""
    partners = PartnerHotline.objects.filter(is_active=True).order_by("pk")
    if item.hosting_country and item.hosting_country != item.agency.country:
        partner = partners.filter(country=item.hosting_country, kind=RecipientKind.PARTNER_HOTLINE).first()
        if partner is not None:
            return Recipient(RecipientKind.PARTNER_HOTLINE, partner.name, partner.email)
    police = partners.filter(country=item.agency.country, kind=RecipientKind.POLICE).first()
    if police is not None:
        return Recipient(RecipientKind.POLICE, police.name, police.email)
    return None


# Notices -------------------------------------------------------------------------------------


NOTICE_METADATA_KEY = "childshield_notice"
# What a mail provider reports that means the notice did not reach anyone.
UNDELIVERED_EVENTS = frozenset({"bounced", "rejected", "failed"})


def _notice_create(
    *, item: ContentItem, recipient: Recipient, acting: Membership | None, escalation: bool, now: datetime
) -> Notice:
    sequence = item.notices.count() + 1
    notice = Notice.objects.create(
        item=item,
        sequence=sequence,
        recipient_kind=recipient.kind,
        recipient_name=recipient.name[:200],
        recipient_email=recipient.email,
        is_escalation=escalation,
        queued_at=now,
        next_attempt_at=now,
        created_by=acting,
    )
    _record(
        acting,
        AuditAction.CREATE,
        item,
        f"notice {sequence} queued to {recipient.kind} {recipient.name}",
        item.agency,
    )
    return notice


@transaction.atomic
def notice_queue(
    *, acting: Membership, item: ContentItem, escalation: bool = False, now: datetime | None = None
) -> Notice:
    """An analyst sends a notice now (or escalates), e.g. after a contact was added."""
    _require_item(acting, item, HotlinePerm.NOTICE_SEND)
    # Lock the item only: PostgreSQL cannot lock the nullable side of the provider's outer join.
    item = (
        ContentItem.objects.select_for_update(of=("self",))
        .select_related("agency", "provider")
        .get(pk=item.pk)
    )
    if item.status not in OPEN_NOTICE_STATUSES:
        raise ApplicationError(_("Notices go out only for confirmed items still online."), code="closed")
    recipient = escalation_recipient_for(item) if escalation else recipient_for(item)
    if recipient is None:
        raise ApplicationError(
            _("No contact is known for this item's host yet. Add one to the hosting providers or partners."),
            code="no_recipient",
        )
    notice = _notice_create(
        item=item, recipient=recipient, acting=acting, escalation=escalation, now=_now(now)
    )
    notice_id = notice.pk
    transaction.on_commit(lambda: tasks.notice_send.delay(notice_id))
    return notice


def _notice_message(notice: Notice) -> EmailMessage:
    item = notice.item
    language = str(getattr(settings, "HOTLINE_NOTICE_LANGUAGE", "en"))
    context = {
        "notice": notice,
        "item": item,
        "url": item.url,
        "classification": item.get_classification_display(),
        "category": item.category,
        "hotline": item.agency.name,
        "reference": f"{item.number}-N{notice.sequence}",
    }
    with translation.override(language):
        subject = render_to_string(f"hotline/notices/{notice.recipient_kind}_subject.txt", context)
        body = render_to_string(f"hotline/notices/{notice.recipient_kind}_body.txt", context)
    reply_to = getattr(settings, "HOTLINE_NOTICE_REPLY_TO", "")
    message = EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        to=[notice.recipient_email],
        reply_to=[reply_to] if reply_to else None,
        headers={"Message-ID": make_msgid("notice")},
    )
    # A mail provider behind django-anymail echoes this back with a bounce; other backends ignore it.
    message.metadata = {NOTICE_METADATA_KEY: str(notice.pk)}  # type: ignore[attr-defined]
    return message


def _sent_message_id(message: EmailMessage) -> str:
    """The provider's id of the sent message where it gives one (anymail), else our Message-ID."""
    status = getattr(message, "anymail_status", None)
    provider_id = getattr(status, "message_id", None)
    if isinstance(provider_id, str) and provider_id:
        return provider_id[:255]
    return str(message.extra_headers.get("Message-ID", ""))[:255]


def notice_send(*, notice_id: int, now: datetime | None = None) -> Notice:
    """Send one notice; on failure keep it failed with the next attempt planned (backoff), never lost."""
    now = _now(now)
    with transaction.atomic():
        notice = Notice.objects.select_for_update().select_related("item", "item__agency").get(pk=notice_id)
        if notice.state in (NoticeState.SENT, NoticeState.BOUNCED):
            return notice
        item = notice.item
        notice.attempts += 1
        message = _notice_message(notice)
        try:
            message.send(fail_silently=False)
        except Exception as error:  # any backend's failure: SMTP, socket, API
            backoff = notice_backoff_minutes()
            notice.state = NoticeState.FAILED
            notice.last_error = type(error).__name__[:300]
            notice.next_attempt_at = (
                now + timedelta(minutes=backoff[notice.attempts - 1])
                if notice.attempts <= len(backoff)
                else None
            )
            notice.save(update_fields=["state", "attempts", "last_error", "next_attempt_at"])
            logger.warning(
                "hotline notice %s failed (attempt %s): %s", notice.pk, notice.attempts, notice.last_error
            )
            _record(
                None,
                AuditAction.UPDATE,
                item,
                f"notice {notice.sequence} failed: {notice.last_error}",
                item.agency,
            )
            return notice
        notice.state = NoticeState.SENT
        notice.sent_at = now
        notice.next_attempt_at = None
        notice.last_error = ""
        notice.message_id = _sent_message_id(message)
        notice.save(
            update_fields=["state", "attempts", "last_error", "next_attempt_at", "sent_at", "message_id"]
        )
        item = ContentItem.objects.select_for_update().get(pk=item.pk)
        item.notice_count += 1
        item.first_notice_at = item.first_notice_at or now
        item.last_notice_at = now
        if item.status in OPEN_NOTICE_STATUSES:
            if notice.is_escalation:
                item.status = ItemStatus.ESCALATED
                item.escalated_at = item.escalated_at or now
            elif item.status != ItemStatus.ESCALATED:
                item.status = ItemStatus.NOTICE_SENT if item.notice_count == 1 else ItemStatus.RENOTICED
        item.save(
            update_fields=[
                "notice_count",
                "first_notice_at",
                "last_notice_at",
                "status",
                "escalated_at",
                "updated_at",
            ]
        )
        _record(
            None,
            AuditAction.UPDATE,
            item,
            f"notice {notice.sequence} sent to {notice.recipient_kind}",
            item.agency,
        )
        if notice.recipient_kind == RecipientKind.PLATFORM:
            notice_id = notice.pk
            transaction.on_commit(lambda: _deliver_to_platform(notice_id))
        return notice


def _deliver_to_platform(notice_id: int) -> None:
    """Also hand a platform's notice to its webhook, where the platforms app has one; audited."""
    notice = Notice.objects.select_related("item", "item__agency").get(pk=notice_id)
    taken = channels.deliver(notice)
    if taken:
        _record(
            None,
            AuditAction.UPDATE,
            notice.item,
            f"notice {notice.sequence} delivered by {', '.join(taken)}",
            notice.item.agency,
        )


def confirmations_pending(*, now: datetime | None = None) -> int:
    """Confirmed items whose first trace and notice never ran (a lost task): run them now."""
    now = _now(now)
    traced_since = HostingTrace.objects.filter(item=OuterRef("pk"), traced_at__gte=OuterRef("confirmed_at"))
    items = ContentItem.objects.filter(
        status=ItemStatus.CONFIRMED, confirmed_at__lte=now - timedelta(minutes=1), notices__isnull=True
    ).exclude(Exists(traced_since))
    count = 0
    for item_id in list(items.values_list("pk", flat=True)[:200]):
        item_confirmed(item_id=item_id, now=now)
        count += 1
    return count


@dataclass(frozen=True)
class DeliveryReport:
    """A mail provider's word about one message (normalised by django-anymail's webhooks)."""

    event_type: str
    provider: str
    message_id: str = ""
    notice_id: str = ""
    recipient: str = ""
    reason: str = ""


def notice_delivery_reported(*, report: DeliveryReport) -> Notice | None:
    """A provider says a notice did not arrive: the notice is bounced, as if an analyst had said so.

    Finds the notice by the id it carried (metadata), else by its message id, and only when the
    recipient is the notice's. Reports of other mail (password resets, referrals), of delivery, or
    of a notice already bounced change nothing. Returns the notice it bounced.
    """
    if report.event_type not in UNDELIVERED_EVENTS:
        return None
    found = Q(pk=-1)
    if report.notice_id.isdigit():
        found |= Q(pk=int(report.notice_id))
    if report.message_id:
        found |= Q(message_id=report.message_id[:255])
    with transaction.atomic():
        notice = (
            Notice.objects.select_for_update()
            .select_related("item", "item__agency")
            .filter(found)
            .exclude(state=NoticeState.BOUNCED)
            .first()
        )
        if notice is None or (
            report.recipient and report.recipient.strip().lower() != notice.recipient_email.lower()
        ):
            return None
        detail = f"{report.provider}: {report.event_type}" + (f" ({report.reason})" if report.reason else "")
        notice.state = NoticeState.BOUNCED
        notice.last_error = detail[:300]
        notice.next_attempt_at = None
        notice.save(update_fields=["state", "last_error", "next_attempt_at"])
        _record(
            None,
            AuditAction.UPDATE,
            notice.item,
            f"notice {notice.sequence} bounced, reported by {report.provider}",
            notice.item.agency,
        )
    logger.info("hotline notice %s reported %s by %s", notice.pk, report.event_type, report.provider)
    return notice


@transaction.atomic
def notice_mark_bounced(*, acting: Membership, notice: Notice, detail: str = "") -> Notice:
    """The recipient's mail system returned the notice: recorded so the contact can be corrected."""
    _require_item(acting, notice.item, HotlinePerm.NOTICE_SEND)
    notice.state = NoticeState.BOUNCED
    notice.last_error = detail.strip()[:300] or "bounced"
    notice.next_attempt_at = None
    notice.save(update_fields=["state", "last_error", "next_attempt_at"])
    _record(acting, AuditAction.UPDATE, notice.item, f"notice {notice.sequence} bounced")
    return notice


def item_confirmed(*, item_id: int, now: datetime | None = None) -> Notice | None:
    """Right after confirmation: trace the host, then send the first notice if a contact is known."""
    now = _now(now)
    item = ContentItem.objects.select_related("agency", "provider").get(pk=item_id)
    if item.status != ItemStatus.CONFIRMED or item.notices.exists():
        return None
    # A trace made since the confirmation (by hand, or an earlier run of this job) is used as it is.
    if not item.traces.filter(traced_at__gte=item.confirmed_at).exists():
        hosting_trace(acting=None, item=item, now=now)
        item.refresh_from_db()
    recipient = recipient_for(item)
    if recipient is None:
        return None
    with transaction.atomic():
        notice = _notice_create(item=item, recipient=recipient, acting=None, escalation=False, now=now)
    return notice_send(notice_id=notice.pk, now=now)


def notices_retry_due(*, now: datetime | None = None) -> int:
    """Send the queued notices and retry the failed ones whose next attempt is due."""
    now = _now(now)
    due = Notice.objects.filter(
        state__in=[NoticeState.QUEUED, NoticeState.FAILED], next_attempt_at__lte=now
    ).values_list("pk", flat=True)
    count = 0
    for notice_id in list(due[:500]):
        notice_send(notice_id=notice_id, now=now)
        count += 1
    return count


def renotices_due(*, now: datetime | None = None) -> int:
    """Notice again items still up after HOTLINE_RENOTICE_AFTER_HOURS; after N notices, escalate."""
    now = _now(now)
    items = (
        ContentItem.objects.filter(
            status__in=[ItemStatus.NOTICE_SENT, ItemStatus.RENOTICED],
            last_notice_at__lte=now - renotice_after(),
        )
        .exclude(
            Exists(
                Notice.objects.filter(
                    item=OuterRef("pk"),
                    state__in=[NoticeState.QUEUED, NoticeState.FAILED],
                    next_attempt_at__isnull=False,
                )
            )
        )
    )
    # An item whose last notice bounced, with no other address to write to, waits for a person:
    # left out here so that hundreds of them cannot crowd the others out of each run's batch.
    items = (
        selectors.with_last_notice(items)
        .exclude(
            Q(last_notice_bounced=True)
            & Q(notice_count__lt=escalate_after_notices())
            & (
                Q(provider__isnull=True)
                | Q(provider__abuse_email="")
                | Q(provider__abuse_email__iexact=F("last_notice_email"))
            )
        )
        .select_related("agency", "provider")
        .order_by("last_notice_at", "pk")
    )
    made = 0
    for item in list(items[:500]):
        if item_renotice(item=item, now=now) is not None:
            made += 1
    return made


def item_renotice(*, item: ContentItem, now: datetime | None = None) -> Notice | None:
    """Notice one item again, or escalate it once it had HOTLINE_ESCALATE_AFTER_NOTICES notices."""
    now = _now(now)
    escalation = item.notice_count >= escalate_after_notices()
    recipient = escalation_recipient_for(item) if escalation else recipient_for(item)
    if recipient is None and not escalation:
        last = item.notices.filter(is_escalation=False).order_by("-sequence").first()
        if last is not None:
            recipient = Recipient(
                RecipientKind(last.recipient_kind), last.recipient_name, last.recipient_email
            )
    if recipient is None or _bounced_last_time(item, recipient.email):
        # Sending again to an address that bounced reaches nobody: the analyst corrects the contact.
        return None
    with transaction.atomic():
        notice = _notice_create(item=item, recipient=recipient, acting=None, escalation=escalation, now=now)
    return notice_send(notice_id=notice.pk, now=now)


def _bounced_last_time(item: ContentItem, email: str) -> bool:
    last = item.notices.filter(recipient_email__iexact=email).order_by("-sequence").first()
    return last is not None and last.state == NoticeState.BOUNCED


# Removal checks ------------------------------------------------------------------------------


@transaction.atomic
def removal_check(
    *,
    item: ContentItem,
    now: datetime | None = None,
    acting: Membership | None = None,
    result: probe.ProbeResult | None = None,
) -> RemovalCheck:
    """Ask whether the address still answers (status only); when gone, the item is removed.

    `result` records a check made elsewhere (a partner's crawler, or the demo's) instead of probing now.
    """
    if acting is not None:
        _require_item(acting, item, HotlinePerm.TRACE)
    if result is None:
        result = probe.check_url(item.url, timeout=check_timeout())
    at = now or result.checked_at or timezone.now()
    state = result.state if result.state in CheckState.values else CheckState.ERROR
    check = RemovalCheck.objects.create(
        item=item,
        state=state,
        status_code=result.status_code,
        redirect_to=result.redirect_to or "",
        detail=(result.detail or "")[:300],
        checked_at=at,
    )
    item = ContentItem.objects.select_for_update().get(pk=item.pk)
    item.last_checked_at = at
    fields = ["last_checked_at", "updated_at"]
    if state == CheckState.REMOVED and item.status in OPEN_NOTICE_STATUSES:
        item.status = ItemStatus.REMOVED
        item.removed_at = at
        item.closed_at = at
        fields += ["status", "removed_at", "closed_at"]
        # Notices still waiting to be retried are no longer needed.
        item.notices.filter(state__in=[NoticeState.QUEUED, NoticeState.FAILED]).update(next_attempt_at=None)
    item.save(update_fields=fields)
    _record(acting, AuditAction.UPDATE, item, f"removal check: {state}", item.agency)
    return check


def removal_checks_due(*, now: datetime | None = None, limit: int = 200) -> int:
    """Check every followed item not checked within HOTLINE_CHECK_EVERY_MINUTES."""
    now = _now(now)
    items = (
        ContentItem.objects.filter(status__in=OPEN_NOTICE_STATUSES, confirmed_at__isnull=False)
        .filter(Q(last_checked_at__isnull=True) | Q(last_checked_at__lte=now - check_every()))
        .order_by("last_checked_at", "pk")
    )
    count = 0
    for item in list(items[:limit]):
        removal_check(item=item, now=now)
        count += 1
    return count


@transaction.atomic
def item_close_not_removed(
    *, acting: Membership, item: ContentItem, reason: str, now: datetime | None = None
) -> ContentItem:
    _require_item(acting, item, HotlinePerm.ITEM_CLOSE)
    item = ContentItem.objects.select_for_update().get(pk=item.pk)
    if item.status not in OPEN_NOTICE_STATUSES:
        raise ApplicationError(_("Only items still being followed up can be closed."), code="closed")
    if not reason.strip():
        raise ApplicationError(_("Say why the item is closed."), code="reason_required")
    item.status = ItemStatus.NOT_REMOVED
    item.closed_at = _now(now)
    item.save(update_fields=["status", "closed_at", "updated_at"])
    _record(acting, AuditAction.UPDATE, item, f"closed as not removed: {reason.strip()}")
    return item


# Referral packages ---------------------------------------------------------------------------

PACKAGE_STATUSES = (*OPEN_NOTICE_STATUSES, ItemStatus.REMOVED, ItemStatus.NOT_REMOVED)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _custody(item: ContentItem) -> list[dict[str, str]]:
    events = AuditEvent.objects.filter(object_type=ContentItem._meta.label, object_id=str(item.pk)).order_by(
        "occurred_at", "pk"
    )
    return [
        {
            "at": event.occurred_at.isoformat(),
            "action": event.action,
            "by": event.actor_label or "system",
            "agency": event.agency_label,
            "what": event.reason,
        }
        for event in events
    ]


def _package_item(item: ContentItem) -> dict[str, Any]:
    assessment = item.assessments.filter(confirmed_at__isnull=False).order_by("-confirmed_at").first()
    return {
        "reference": item.number,
        "url": item.url,
        "host": item.host,
        "hosting_country": item.hosting_country,
        "provider": item.provider.name if item.provider else "",
        "status": item.status,
        "classification": item.classification,
        "category": item.category,
        "content_type": assessment.content_type if assessment else "",
        "apparent_age": assessment.apparent_age if assessment else "",
        "interpol_baseline": assessment.interpol_baseline if assessment else None,
        "commercial": assessment.commercial if assessment else None,
        "first_reported_at": _iso(item.first_reported_at),
        "confirmed_at": _iso(item.confirmed_at),
        "first_notice_at": _iso(item.first_notice_at),
        "removed_at": _iso(item.removed_at),
        "hashes": [
            {"md5": e.md5, "sha256": e.sha256, "pdq": e.pdq, "content_type": e.content_type}
            for e in item.evidence.all()
        ],
        "chain_of_custody": _custody(item),
    }


@transaction.atomic
def package_create(
    *,
    acting: Membership,
    items: Iterable[ContentItem],
    recipient: Agency | None = None,
    recipient_label: str = "",
    now: datetime | None = None,
) -> ReferralPackage:
    """A signed referral package of confirmed items: metadata, hashes and custody, never the images.

    Images are never exported this way, whatever the role: the recipient matches its own copies with
    the hashes, and evidence itself moves only through a lawful request outside this system.
    """
    require(acting, HotlinePerm.PACKAGE_EXPORT)
    chosen = [
        item for item in items if item.agency_id == acting.agency_id and item.status in PACKAGE_STATUSES
    ]
    if not chosen:
        raise ApplicationError(_("Choose at least one confirmed item."), code="empty")
    if recipient is not None and recipient.kind not in (AgencyKind.POLICE, AgencyKind.HOTLINE):
        raise ApplicationError(_("Packages go to police or to a hotline."), code="invalid")
    label = (recipient.name if recipient else recipient_label.strip())[:200]
    if not label:
        raise ApplicationError(_("Say who the package is for."), code="invalid")
    now = _now(now)
    payload = {
        "format": "childshield.hotline.referral/1",
        "created_at": now.isoformat(),
        "from": {"agency": acting.agency.name, "country": acting.agency.country},
        "to": label,
        "items": [_package_item(item) for item in chosen],
    }
    document = signing.sign_package(payload)
    package = ReferralPackage.objects.create(
        agency=acting.agency,
        recipient=recipient,
        recipient_label=label,
        item_count=len(chosen),
        document=document,  # type: ignore[misc]  # django-stubs types encrypted fields as str
        created_by=acting,
        created_at=now,
    )
    for item in chosen:
        _record(acting, AuditAction.EXPORT, item, f"in referral package {package.pk} to {label}")
    _record(acting, AuditAction.CREATE, package, f"{len(chosen)} items to {label}")
    return package


CSV_COLUMNS = (
    "reference", "url", "host", "hosting_country", "provider", "status", "classification", "category",
    "content_type", "apparent_age", "interpol_baseline", "commercial", "first_reported_at", "confirmed_at",
    "first_notice_at", "removed_at", "md5", "sha256", "pdq", "custody_events",
)  # fmt: skip


def package_csv(document: dict[str, Any]) -> str:
    """The package's items as CSV: one row per item and evidence hash set (custody as a count)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    payload = document.get("payload", document)
    for item in payload.get("items", []):
        for hashes in item["hashes"] or [{}]:
            row = {**item, **hashes, "custody_events": len(item["chain_of_custody"])}
            writer.writerow(["" if row.get(column) is None else row.get(column) for column in CSV_COLUMNS])
    return out.getvalue()
