"""The e-mail of a notice: its words in the notice language, and the ids that tie a bounce back to it."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.message import make_msgid
from django.template.loader import render_to_string
from django.utils import translation

from childshield.hotline.models import Notice

# A mail provider behind django-anymail echoes this metadata back with a bounce.
NOTICE_METADATA_KEY = "childshield_notice"


class NoticeEmail(EmailMessage):
    """A notice's e-mail; `metadata` is read by django-anymail's backends and ignored by the others."""

    metadata: dict[str, str]


def notice_message(notice: Notice) -> NoticeEmail:
    item = notice.item
    context = {
        "notice": notice,
        "item": item,
        "url": item.url,
        "classification": item.get_classification_display(),
        "category": item.category,
        "hotline": item.agency.name,
        "reference": notice.reference,
        "file_hash": notice.file_hash,
        "days": notice.preserve_days,
        "notice_id": notice.pk,
    }
    # A takedown's words are the recipient's kind's; a request to a platform has words of its own.
    template = notice.recipient_kind if notice.is_takedown else notice.purpose
    with translation.override(settings.HOTLINE_NOTICE_LANGUAGE):
        subject = render_to_string(f"hotline/notices/{template}_subject.txt", context)
        body = render_to_string(f"hotline/notices/{template}_body.txt", context)
    reply_to = settings.HOTLINE_NOTICE_REPLY_TO
    message = NoticeEmail(
        subject=" ".join(subject.split()),
        body=body,
        to=[notice.recipient_email],
        reply_to=[reply_to] if reply_to else None,
        headers={"Message-ID": make_msgid("notice")},
    )
    message.metadata = {NOTICE_METADATA_KEY: str(notice.pk)}
    return message


def sent_message_id(message: EmailMessage) -> str:
    """The provider's id of the sent message where it gives one (anymail), else our Message-ID."""
    status = getattr(message, "anymail_status", None)
    provider_id = getattr(status, "message_id", None)
    if isinstance(provider_id, str) and provider_id:
        return provider_id[:255]
    return str(message.extra_headers.get("Message-ID", ""))[:255]
