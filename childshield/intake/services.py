"""Every write about reports: sending one, opening its thread, and messages from either side."""

import secrets
from dataclasses import dataclass, field
from functools import cache as cache_function

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from childshield.accounts.models import Membership
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.core import crypto
from childshield.core.errors import ApplicationError
from childshield.intake import rate_limits
from childshield.intake.models import (
    Channel,
    ContactMethod,
    Report,
    ReportMessage,
    ReportStatus,
    SafeNow,
    Screening,
    Sender,
)
from childshield.intake.permissions import IntakePerm, require
from childshield.places.models import Area

# No 0/O or 1/I: a child copying the code by hand cannot confuse them.
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
REFERENCE_LENGTH = 8
PASSPHRASE_DIGITS = 12
MESSAGE_MAX_LENGTH = 4000
# How long the same form, sent again, is answered with the same code and passphrase.
RECEIPT_REPLAY_SECONDS = 2 * 60 * 60


@cache_function
def _decoy_hash() -> str:
    """Checked when the code is unknown, so a wrong code takes as long to refuse as a wrong passphrase."""
    return make_password(secrets.token_hex(16))


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


@dataclass(frozen=True)
class ReportReceipt:
    report: Report
    # None only when the same form was sent again after its passphrase was forgotten here.
    passphrase: str | None
    replayed: bool = False

    @property
    def display_passphrase(self) -> str:
        return passphrase_display(self.passphrase or "")


def normalise_reference(value: str) -> str:
    return "".join(ch for ch in value.upper() if ch.isalnum())


def normalise_passphrase(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


def passphrase_display(passphrase: str) -> str:
    return " ".join(passphrase[i : i + 4] for i in range(0, len(passphrase), 4))


def _new_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def _new_passphrase() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(PASSPHRASE_DIGITS))


def _receipt_cache_key(idempotency_key: str) -> str:
    return f"intake:receipt:{idempotency_key}"


def _replayed_receipt(report: Report, idempotency_key: str) -> ReportReceipt:
    cached = cache.get(_receipt_cache_key(idempotency_key))
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
                reference=_new_reference(),
                passphrase_hash=make_password(passphrase),
                about=content.about,
                harms=list(content.harms),
                description=content.description,
                platform=content.platform,
                # django-stubs types every TextField subclass as str; this one holds a JSON list.
                urls=list(content.urls),  # type: ignore[misc]
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
                screening=screening,
                idempotency_key=idempotency_key,
            )
            for _attempt in range(5):
                if not Report.objects.filter(reference=report.reference).exists():
                    break
                report.reference = _new_reference()
            report.save()
            audit.record(action=AuditAction.CREATE, obj=report, reason=f"report received ({channel})")
    except IntegrityError:
        # The same form arrived twice at the same moment and the other request saved it first.
        existing = Report.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return _replayed_receipt(existing, idempotency_key)
    cache.set(_receipt_cache_key(idempotency_key), crypto.encrypt(passphrase), RECEIPT_REPLAY_SECONDS)
    return ReportReceipt(report=report, passphrase=passphrase)


def report_open(*, reference: str, passphrase: str, client: str) -> Report:
    """The report that the code and passphrase open, for its reporter; refused the same way for any
    wrong part, and refused altogether after too many wrong tries from one place."""
    if rate_limits.exceeded(rate_limits.ACCESS_FAILURES, client):
        raise TooManyTries(
            _(
                "You tried many times. Please wait 15 minutes and try again. "
                "If you need help now, call the helpline."
            )
        )
    report = Report.objects.filter(reference=normalise_reference(reference)).first()
    openable = report is not None and bool(report.passphrase_hash)
    encoded = report.passphrase_hash if report is not None and openable else _decoy_hash()
    matches = check_password(normalise_passphrase(passphrase), encoded) and openable
    if report is None or not matches:
        rate_limits.hit(rate_limits.ACCESS_FAILURES, client)
        raise ReportAccessRefused()
    with transaction.atomic():
        audit.record(action=AuditAction.VIEW, obj=report, reason="reporter opened the thread")
    return report


def _message_duplicate(idempotency_key: str | None) -> ReportMessage | None:
    if not idempotency_key:
        return None
    return ReportMessage.objects.filter(idempotency_key=idempotency_key).first()


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
    if rate_limits.hit(rate_limits.MESSAGES, client) > rate_limits.MESSAGES.allowed:
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
    except IntegrityError:
        duplicate = _message_duplicate(idempotency_key)
        if duplicate is None:
            raise
        return duplicate
    return message


@transaction.atomic
def report_message_from_staff(*, acting: Membership, report: Report, body: str) -> ReportMessage:
    """A helpline worker answers in the thread; the report is then being answered."""
    require(acting, IntakePerm.REPORT_REPLY)
    if report.country != acting.agency.country:
        raise ApplicationError(_("This report belongs to another country's helpline."), code="forbidden")
    body = _checked_body(body)
    message = ReportMessage.objects.create(report=report, sender=Sender.STAFF, author=acting, body=body)
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
    return message
