"""What mail providers report about sent notices, through django-anymail's tracking webhooks.

Anymail turns each provider's webhook (Amazon SES, Mailgun, Postmark, SendGrid, Brevo and others)
into one normalised event; a bounce of a hotline notice marks it bounced. Other mail is ignored.
"""

from typing import Any

from anymail.signals import AnymailTrackingEvent

from childshield.hotline.notice_mail import NOTICE_METADATA_KEY
from childshield.hotline.services.bounces import DeliveryReport, notice_delivery_record


def on_tracking(sender: object, event: AnymailTrackingEvent, esp_name: str, **kwargs: Any) -> None:
    metadata = event.metadata if isinstance(event.metadata, dict) else {}
    notice_delivery_record(
        report=DeliveryReport(
            event_type=str(event.event_type or ""),
            provider=str(esp_name or "mail provider")[:40],
            message_id=str(event.message_id or ""),
            notice_id=str(metadata.get(NOTICE_METADATA_KEY, "")),
            recipient=str(event.recipient or ""),
            # The normalised reason only ("bounced", "invalid", "blocked"): never the provider's text.
            reason=str(event.reject_reason or "")[:40],
        )
    )
