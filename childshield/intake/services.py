"""Every write about reports: sending one, opening its thread, messages from either side, and the
hashes a child sends to block a picture (with the hotline's review of them)."""

import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache as cache_function

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from childshield.accounts.models import Agency, AgencyKind, Membership
from childshield.accounts.permissions import require
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.core import crypto, soft_cache
from childshield.core import rate_limits as counting
from childshield.core.errors import ApplicationError
from childshield.hashing.models import PDQ_MIN_QUALITY, Algorithm
from childshield.hashing.self_submitted import (
    SelfSubmittedHash,
    self_submitted_bank_ensure,
    self_submitted_hashes_add,
)
from childshield.intake import hooks, rate_limits
from childshield.intake.models import (
    BlockedImage,
    BlockedImageState,
    Channel,
    ContactMethod,
    Report,
    ReportMessage,
    ReportStatus,
    SafeNow,
    Screening,
    SelfSubmittedPolicy,
    Sender,
)
from childshield.intake.passphrases import passphrase_check, passphrase_hash
from childshield.intake.permissions import IntakePerm
from childshield.intake.references import normalise_reference, reference_new
from childshield.places.models import Area

PASSPHRASE_DIGITS = 12
MESSAGE_MAX_LENGTH = 4000
# How long the same form, sent again, is answered with the same code and passphrase.
RECEIPT_REPLAY_SECONDS = 2 * 60 * 60


@cache_function
def _decoy_hash() -> str:
    """Checked when the code is unknown, so a wrong code takes as long to refuse as a wrong passphrase."""
    return passphrase_hash(secrets.token_hex(16))


class ReportAccessRefused(ApplicationError):
    """A code and passphrase that do not open a report. One message for every reason."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "We could not open a report with this code and secret number. "
                "Check both and try again. Capital letters and spaces do not matter."
            ),
            code="not_found",
        )


class TooManyTries(ApplicationError):
    def __init__(self, message: str | Promise) -> None:
        super().__init__(message, code="rate_limited")


@dataclass(frozen=True)
class ReportContent:
    """What the person told us, already checked by the form."""

    about: str
    safe_now: str
    harms: list[str] = field(default_factory=list)
    description: str = ""
    platform: str = ""
    urls: list[str] = field(default_factory=list)
    source: str = ""
    happened: str = ""
    age_band: str = ""
    gender: str = ""
    province: Area | None = None
    contact_method: str = ContactMethod.NONE
    contact: str = ""
    # The language the person asked us to write in (`WritingLanguage`), or blank if they did not say.
    reply_language: str = ""


@dataclass(frozen=True)
class ReportReceipt:
    report: Report
    # None only when the same form was sent again after its passphrase was forgotten here.
    passphrase: str | None
    replayed: bool = False

    @property
    def display_passphrase(self) -> str:
        return passphrase_display(self.passphrase or "")


def normalise_passphrase(value: str) -> str:
    """The digits typed, read as 0-9 whatever the keyboard wrote: Khmer ០-៩, full-width, and any
    other script's decimal digits; spaces and other marks are dropped."""
    return "".join(str(digit) for ch in value if (digit := unicodedata.decimal(ch, None)) is not None)


def passphrase_display(passphrase: str) -> str:
    return " ".join(passphrase[i : i + 4] for i in range(0, len(passphrase), 4))


def _new_passphrase() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(PASSPHRASE_DIGITS))


def _receipt_cache_key(idempotency_key: str) -> str:
    return f"intake:receipt:{idempotency_key}"


def _replayed_receipt(report: Report, idempotency_key: str) -> ReportReceipt:
    cached = soft_cache.get(_receipt_cache_key(idempotency_key))
    passphrase = None
    if cached:
        try:
            passphrase = crypto.decrypt(cached)
        except crypto.InvalidToken:
            passphrase = None
    return ReportReceipt(report=report, passphrase=passphrase, replayed=True)


def report_submit(
    *,
    content: ReportContent,
    idempotency_key: str,
    screening: Screening = Screening.CLEAR,
    channel: Channel = Channel.WEB,
    language: str = "",
) -> ReportReceipt:
    """Save a report and give its code and passphrase; the same form sent twice makes one report."""
    existing = Report.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return _replayed_receipt(existing, idempotency_key)
    passphrase = _new_passphrase()
    # The transaction is opened here rather than by a decorator, so that a twin request that lost
    # the race on the idempotency key can be answered outside the failed transaction.
    try:
        with transaction.atomic():
            report = Report(
                channel=channel,
                country=settings.CHILDSHIELD_COUNTRY,
                reference=reference_new(),
                passphrase_hash=passphrase_hash(passphrase),
                about=content.about,
                harms=list(content.harms),
                description=content.description,
                platform=content.platform,
                # django-stubs types every TextField subclass as str; this one holds a JSON list.
                urls=list(content.urls),
                source=content.source[:50],
                happened=content.happened,
                safe_now=content.safe_now,
                is_urgent=content.safe_now in {SafeNow.NO, SafeNow.NOT_SURE},
                age_band=content.age_band,
                gender=content.gender,
                province=content.province,
                contact_method=content.contact_method,
                contact=content.contact if content.contact_method != ContactMethod.NONE else None,
                language=language[:10],
                reply_language=content.reply_language,
                screening=screening,
                idempotency_key=idempotency_key,
            )
            for _attempt in range(5):
                if not Report.objects.filter(reference=report.reference).exists():
                    break
                report.reference = reference_new()
            report.save()
            audit.record(action=AuditAction.CREATE, obj=report, reason=f"report received ({channel})")
            hooks.report_saved(report)
            hooks.report_received(report)
    except IntegrityError:
        # The same form arrived twice at the same moment and the other request saved it first.
        existing = Report.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return _replayed_receipt(existing, idempotency_key)
    soft_cache.set(_receipt_cache_key(idempotency_key), crypto.encrypt(passphrase), RECEIPT_REPLAY_SECONDS)
    return ReportReceipt(report=report, passphrase=passphrase)


def report_open(*, reference: str, passphrase: str, client: str) -> Report:
    """The report that the code and passphrase open, for its reporter; refused the same way for any
    wrong part, and refused altogether after too many wrong tries at that code or from one place.

    Each try is counted before it is checked (so a burst of parallel guesses cannot all pass the
    limit) and forgiven when it is right.
    """
    reference = normalise_reference(reference)
    tries = rate_limits.access_tries(client=client, reference=reference)
    if counting.hit_all(tries):
        raise TooManyTries(
            _(
                "You tried many times. Please wait 15 minutes and try again. "
                "If you need help now, call the helpline."
            )
        )
    report = Report.objects.filter(reference=reference).first()
    openable = report is not None and bool(report.passphrase_hash)
    encoded = report.passphrase_hash if report is not None and openable else _decoy_hash()
    digits = normalise_passphrase(passphrase)
    checked = passphrase_check(digits, encoded)
    if report is None or not (checked.matches and openable):
        raise ReportAccessRefused()
    for limit, key in tries:
        counting.forgive(limit, key)
    with transaction.atomic():
        if checked.stale:
            # Stored with an older key or scheme: kept from now on with the current one.
            report.passphrase_hash = passphrase_hash(digits)
            Report.objects.filter(pk=report.pk).update(passphrase_hash=report.passphrase_hash)
        audit.record(action=AuditAction.VIEW, obj=report, reason="reporter opened the thread")
    return report


def _message_duplicate(idempotency_key: str | None) -> ReportMessage | None:
    if not idempotency_key:
        return None
    return ReportMessage.objects.filter(idempotency_key=idempotency_key).first()


def _same_report(duplicate: ReportMessage, report: Report) -> ReportMessage:
    """The message a form already sent, if that form was for this report."""
    if duplicate.report_id != report.pk:
        raise ApplicationError(
            _("This form was already used. Reload the page and write again."), code="reused"
        )
    return duplicate


def _checked_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise ApplicationError(_("Write your message first."), code="empty")
    if len(body) > MESSAGE_MAX_LENGTH:
        raise ApplicationError(
            _("Your message is too long. Please make it shorter than %(limit)d letters.")
            % {"limit": MESSAGE_MAX_LENGTH},
            code="too_long",
        )
    return body


def report_message_from_reporter(
    *, report: Report, body: str, idempotency_key: str | None, client: str
) -> ReportMessage:
    """The reporter writes back into the thread; the same form sent twice adds one message."""
    body = _checked_body(body)
    duplicate = _message_duplicate(idempotency_key)
    if duplicate is not None:
        return duplicate
    if counting.hit(rate_limits.MESSAGES, client) > rate_limits.MESSAGES.allowed:
        raise TooManyTries(_("You sent many messages in a short time. Please wait a few minutes."))
    try:
        with transaction.atomic():
            message = ReportMessage.objects.create(
                report=report, sender=Sender.REPORTER, body=body, idempotency_key=idempotency_key or None
            )
            if report.status == ReportStatus.CLOSED:
                report.status = ReportStatus.OPEN
                report.save(update_fields=["status", "updated_at"])
            audit.record(action=AuditAction.CREATE, obj=message, reason="reporter wrote in the thread")
            hooks.report_saved(report)
    except IntegrityError:
        duplicate = _message_duplicate(idempotency_key)
        if duplicate is None:
            raise
        return duplicate
    return message


def report_message_from_staff(
    *, acting: Membership, report: Report, body: str, idempotency_key: str | None = None
) -> ReportMessage:
    """A helpline worker answers in the thread; the report is then being answered. With an
    idempotency key, the same form sent twice adds one message."""
    require(acting, IntakePerm.REPORT_REPLY)
    if report.country != acting.agency.country:
        raise ApplicationError(_("This report belongs to another country's helpline."), code="forbidden")
    hooks.staff_reply_check(acting=acting, report=report)
    body = _checked_body(body)
    duplicate = _message_duplicate(idempotency_key)
    if duplicate is not None:
        return _same_report(duplicate, report)
    try:
        with transaction.atomic():
            message = ReportMessage.objects.create(
                report=report,
                sender=Sender.STAFF,
                author=acting,
                body=body,
                idempotency_key=idempotency_key or None,
            )
            if report.status != ReportStatus.OPEN:
                report.status = ReportStatus.OPEN
                report.save(update_fields=["status", "updated_at"])
            audit.record(
                action=AuditAction.CREATE,
                actor=acting.user,
                agency=acting.agency,
                obj=message,
                reason=f"reply to report {report.display_reference}",
            )
            hooks.message_to_reporter(message)
    except IntegrityError:
        duplicate = _message_duplicate(idempotency_key)
        if duplicate is None:
            raise
        return _same_report(duplicate, report)
    return message


# Blocking a picture ------------------------------------------------------------------------------

# Files in one submission: a child blocking a set of pictures, not a list being uploaded.
BLOCK_IMAGE_MAX_FILES = 20


@dataclass(frozen=True)
class FileHashes:
    """What the child's browser made from one file: never the file itself."""

    kind: str
    md5: str
    sha256: str
    pdq: str = ""
    quality: int | None = None

    def hashes(self) -> list[tuple[str, str, int | None]]:
        found: list[tuple[str, str, int | None]] = []
        # A PDQ hash of a picture too plain to describe it would block other plain pictures.
        if self.pdq and self.quality is not None and self.quality >= PDQ_MIN_QUALITY:
            found.append((Algorithm.PDQ, self.pdq, self.quality))
        found.append((Algorithm.MD5, self.md5, None))
        found.append((Algorithm.SHA256, self.sha256, None))
        return found


def receiving_hotline(*, country: str) -> Agency | None:
    """The hotline that decides on a country's self-submitted hashes: one with a policy first."""
    return (
        Agency.objects.filter(kind=AgencyKind.HOTLINE, country=country, is_active=True)
        .annotate(has_policy=Exists(SelfSubmittedPolicy.objects.filter(agency=OuterRef("pk"))))
        .order_by("-has_policy", "pk")
        .first()
    )


def _bank_reference(report: Report) -> str:
    # The database number, never the child's code: bank entries are seen by more people.
    return f"self-submitted (intake report {report.pk})"


def _accept(*, images: Sequence[BlockedImage], hotline: Agency, by: Membership | None) -> None:
    bank = self_submitted_bank_ensure(agency=hotline)
    entries = self_submitted_hashes_add(
        bank=bank,
        hashes=[SelfSubmittedHash(image.algorithm, image.value, image.quality) for image in images],
        reference=_bank_reference(images[0].report),
        by=by.user if by is not None else None,
    )
    now = timezone.now()
    for image, entry in zip(images, entries, strict=True):
        image.state = BlockedImageState.ACCEPTED
        image.entry = entry
        image.hotline = hotline
        image.reviewed_by = by
        image.reviewed_at = now
        image.save(update_fields=["state", "entry", "hotline", "reviewed_by", "reviewed_at"])


def blocked_images_submit(
    *,
    content: ReportContent,
    files: Sequence[FileHashes],
    idempotency_key: str,
    screening: Screening = Screening.CLEAR,
    language: str = "",
) -> ReportReceipt:
    """Open a report thread for a child who wants pictures blocked, and keep the files' hashes.

    The hotline's policy says whether the hashes go into its self-submitted bank at once or wait
    for an analyst. The same form sent twice makes one report and one set of hashes.
    """
    if not files:
        raise ApplicationError(_("Pick at least one picture or video first."), code="empty")
    if len(files) > BLOCK_IMAGE_MAX_FILES:
        raise ApplicationError(
            _("You can send up to %(limit)d files at a time. Send the others after this.")
            % {"limit": BLOCK_IMAGE_MAX_FILES},
            code="too_many",
        )
    with transaction.atomic():
        receipt = report_submit(
            content=content,
            idempotency_key=idempotency_key,
            screening=screening,
            channel=Channel.BLOCK_IMAGE,
            language=language,
        )
        if receipt.replayed:
            return receipt
        report = receipt.report
        hotline = receiving_hotline(country=report.country)
        seen: set[tuple[str, str]] = set()
        images: list[BlockedImage] = []
        for number, file in enumerate(files, start=1):
            for algorithm, value, quality in file.hashes():
                if (algorithm, value) in seen:
                    continue
                seen.add((algorithm, value))
                images.append(
                    BlockedImage.objects.create(
                        report=report,
                        file_number=number,
                        kind=file.kind,
                        algorithm=algorithm,
                        value=value,
                        quality=quality,
                        hotline=hotline,
                    )
                )
        audit.record(
            action=AuditAction.CREATE,
            obj=report,
            reason=f"{len(files)} files to block, {len(images)} hashes",
        )
        policy = SelfSubmittedPolicy.objects.filter(agency=hotline).first() if hotline else None
        if hotline is not None and policy is not None and policy.share_at_once:
            _accept(images=images, hotline=hotline, by=None)
    return receipt


@transaction.atomic
def blocked_images_decide(
    *, acting: Membership, images: Sequence[BlockedImage], accept: bool
) -> list[BlockedImage]:
    """A hotline analyst puts a file's hashes in the self-submitted bank, or decides not to share them."""
    require(acting, IntakePerm.BLOCKED_IMAGES_REVIEW)
    if not images:
        raise ApplicationError(_("Choose the hashes to decide on."), code="empty")
    for image in images:
        if image.state != BlockedImageState.PENDING:
            raise ApplicationError(_("Someone already decided on these hashes."), code="already_decided")
        if image.hotline_id not in (None, acting.agency_id) or image.report.country != acting.agency.country:
            raise ApplicationError(_("These hashes belong to another hotline."), code="forbidden")
    if accept:
        _accept(images=images, hotline=acting.agency, by=acting)
    else:
        now = timezone.now()
        for image in images:
            image.state = BlockedImageState.REJECTED
            image.hotline = acting.agency
            image.reviewed_by = acting
            image.reviewed_at = now
            image.save(update_fields=["state", "hotline", "reviewed_by", "reviewed_at"])
    for image in images:
        audit.record(
            action=AuditAction.UPDATE,
            actor=acting.user,
            agency=acting.agency,
            obj=image,
            reason="accepted into the self-submitted bank" if accept else "not shared",
        )
    return list(images)


@transaction.atomic
def self_submitted_policy_set(*, acting: Membership, share_at_once: bool) -> SelfSubmittedPolicy:
    """A hotline lead says whether children's hashes are shared at once; waiting ones stay waiting."""
    require(acting, IntakePerm.SELF_SUBMITTED_POLICY_SET)
    policy, _created = SelfSubmittedPolicy.objects.get_or_create(agency=acting.agency)
    policy.share_at_once = share_at_once
    policy.save(update_fields=["share_at_once", "updated_at"])
    audit.record(
        action=AuditAction.UPDATE,
        actor=acting.user,
        agency=acting.agency,
        obj=policy,
        reason="share at once" if share_at_once else "share after review",
    )
    return policy
