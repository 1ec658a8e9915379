"""The news a child who blocked pictures gets in their thread when an app first blocks one of them.

Apps above intake (platforms) call `blocked_pictures_news_enqueue` inside the transaction that
records an app's word; a worker writes the message through the outbox (registered in
IntakeConfig.ready()), so an app's call never waits on, or fails for, a child's thread. One message
per picture, whichever app blocks it first and however often apps say so: the outbox item and the
message are both keyed by the picture.
"""

from collections.abc import Collection

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext

from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.intake.conversations import automatic_message_add
from childshield.intake.models import BlockedImage, BlockedImageState, FileKind, Report, ReportMessage
from childshield.outbox.handlers import Payload
from childshield.outbox.services import outbox_enqueue

PICTURE_BLOCKED_NEWS = "intake.picture_blocked_news"


def _picture_key(report_id: int, file_number: int) -> str:
    # Database numbers only, never the child's code: the key is stored in clear.
    return f"report-{report_id}-file-{file_number}"


def blocked_pictures_news_enqueue(*, entry_ids: Collection[int]) -> int:
    """An app has just blocked these bank entries: the pictures of children among them get their news
    from a worker. Call it in the transaction that records the app's word; returns the pictures."""
    pictures = set(
        BlockedImage.objects.filter(entry_id__in=entry_ids, state=BlockedImageState.ACCEPTED).values_list(
            "report_id", "file_number"
        )
    )
    for report_id, file_number in sorted(pictures):
        outbox_enqueue(
            kind=PICTURE_BLOCKED_NEWS,
            payload={"report_id": report_id, "file_number": file_number},
            idempotency_key=_picture_key(report_id, file_number),
        )
    return len(pictures)


def _news(kind: str, number: int) -> str:
    if kind == FileKind.VIDEO:
        return gettext(
            "Good news: an app or website that works with us told us it is blocking your video %(number)d. "
            "You can see all your pictures above."
        ) % {"number": number}
    return gettext(
        "Good news: an app or website that works with us told us it is blocking your picture %(number)d. "
        "You can see all your pictures above."
    ) % {"number": number}


@transaction.atomic
def picture_blocked_news_write(*, report_id: int, file_number: int) -> ReportMessage | None:
    """The helpline's automatic message that a picture is blocked, in the language the child wrote in;
    written once per picture (None for a report or picture gone since)."""
    report = Report.objects.filter(pk=report_id).first()
    image = BlockedImage.objects.filter(report_id=report_id, file_number=file_number).first()
    if report is None or image is None:
        return None
    key = f"picture-blocked-{_picture_key(report_id, file_number)}"
    if ReportMessage.objects.filter(idempotency_key=key).exists():
        return None
    with translation.override(report.language or settings.LANGUAGE_CODE):
        body = _news(image.kind, file_number)
    message = automatic_message_add(report=report, body=body, idempotency_key=key)
    audit.record(action=AuditAction.CREATE, obj=message, reason=f"an app blocked file {file_number}")
    return message


def picture_blocked_news(*, payload: Payload, idempotency_key: str) -> None:
    """The outbox's door onto `picture_blocked_news_write`."""
    picture_blocked_news_write(report_id=int(payload["report_id"]), file_number=int(payload["file_number"]))
