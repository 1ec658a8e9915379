"""The outbox's e-mail handler: one message per item, with a Message-ID made from the item's key.

A worker that sent a message and died before marking the item delivered sends it again with the
same Message-ID, by which mail providers and mail programs recognise the repeat. The domain comes
from DEFAULT_FROM_EMAIL, not the worker's host name (as make_msgid would), so every worker makes
the same id.
"""

import hashlib
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from childshield.outbox.handlers import Payload

EMAIL = "email"


def message_id_for(idempotency_key: str) -> str:
    # Hashed: the key names records by id, which the recipient's mail program has no need to see.
    digest = hashlib.sha256(idempotency_key.encode("utf-8")).hexdigest()[:40]
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "childshield.invalid"
    return f"<{digest}.outbox@{domain}>"


def email_deliver(*, payload: Payload, idempotency_key: str) -> None:
    message = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["body"],
        to=payload["to"],
        headers={"Message-ID": message_id_for(idempotency_key)},
    )
    if payload.get("html_body"):
        message.attach_alternative(payload["html_body"], "text/html")
    message.send(fail_silently=False)
