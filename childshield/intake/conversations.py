"""Reports that arrive as a conversation in a chat app (Telegram, Messenger, Zalo, SMS): the report
has no code or secret number (its reporter comes back through the same app), and every message of
the conversation is a message of its thread, triaged and queued as a web report's are.

The messaging app calls these; it recognises senders and keeps what a reply needs. Everything here is
idempotent by the caller's key, since providers deliver the same message more than once.
"""

from django.conf import settings
from django.db import IntegrityError, transaction

from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.intake import hooks
from childshield.intake.models import Channel, MessageKind, Report, ReportMessage, ReportStatus, Sender
from childshield.intake.references import reference_new
from childshield.intake.services import MESSAGE_MAX_LENGTH


def _free_reference() -> str:
    reference = reference_new()
    for _attempt in range(5):
        if not Report.objects.filter(reference=reference).exists():
            break
        reference = reference_new()
    return reference


def conversation_report_open(*, channel: Channel, idempotency_key: str, language: str = "") -> Report:
    """The report a new conversation becomes; the same key gives the same report."""
    existing = Report.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            report = Report.objects.create(
                channel=channel,
                country=settings.CHILDSHIELD_COUNTRY,
                reference=_free_reference(),
                language=language[:10],
                idempotency_key=idempotency_key,
            )
            audit.record(action=AuditAction.CREATE, obj=report, reason=f"conversation begun ({channel})")
            hooks.report_received(report)
    except IntegrityError:
        existing = Report.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return existing
    return report


def conversation_message_add(
    *, report: Report, body: str, kind: MessageKind = MessageKind.TEXT, idempotency_key: str
) -> ReportMessage:
    """A message the reporter sent through the chat app: words longer than a web reporter may write are cut
    (the message says how long it was); anything else than words is recorded by its kind. A closed
    report opens again, as when a web reporter writes back."""
    existing = ReportMessage.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    body = body.strip()
    cut_from = len(body) if len(body) > MESSAGE_MAX_LENGTH else None
    try:
        with transaction.atomic():
            message = ReportMessage.objects.create(
                report=report,
                sender=Sender.REPORTER,
                body=body[:MESSAGE_MAX_LENGTH],
                kind=kind,
                cut_from=cut_from,
                idempotency_key=idempotency_key,
            )
            if report.status == ReportStatus.CLOSED:
                report.status = ReportStatus.OPEN
                report.save(update_fields=["status", "updated_at"])
            audit.record(action=AuditAction.CREATE, obj=message, reason="reporter wrote in a chat app")
            hooks.report_saved(report)
    except IntegrityError:
        existing = ReportMessage.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return existing
    return message


def automatic_message_add(*, report: Report, body: str, idempotency_key: str) -> ReportMessage:
    """The helpline's automatic words to the reporter (a chat's first answer, the answer to STOP):
    shown in the thread on both sides and sent out like a reply, without answering the report."""
    existing = ReportMessage.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        message = ReportMessage.objects.create(
            report=report, sender=Sender.AUTOMATIC, body=body, idempotency_key=idempotency_key
        )
        hooks.message_to_reporter(message)
    return message


@transaction.atomic
def conversation_close(*, report: Report, reason: str) -> None:
    """The conversation ends (the reporter sent STOP, or a counsellor closed it); recorded."""
    if report.status != ReportStatus.CLOSED:
        report.status = ReportStatus.CLOSED
        report.save(update_fields=["status", "updated_at"])
    audit.record(action=AuditAction.UPDATE, obj=report, reason=reason)
