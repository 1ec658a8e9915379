"""The sandbox a platform's engineer tries the API in before going live: the synthetic bank its
sandbox keys match and read, and a test notice sent to its webhooks. A sandbox key is the platform's
own key, flagged; what it sends is answered as in live and kept apart (services/reports.py)."""

import hashlib
import uuid
from datetime import datetime, timedelta

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from childshield.accounts.models import Membership
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.core.errors import ApplicationError
from childshield.hashing.imaging import pdq_from_bytes
from childshield.hashing.models import Algorithm, HashBank
from childshield.hashing.services import synthetic_bank_ensure
from childshield.hashing.synthetic import synthetic_picture
from childshield.hotline.selectors import hotline_agency_for
from childshield.outbox.handlers import Payload
from childshield.outbox.services import outbox_enqueue
from childshield.platforms.models import WebhookSubscription
from childshield.platforms.services.webhooks import signed_post

SANDBOX_BANK_NAME = "Sandbox bank (synthetic hashes)"
SANDBOX_SEED = 7020
SANDBOX_PICTURES = 10  # PDQ and MD5 of each drawn picture
SANDBOX_RANDOM_HASHES = 40  # random PDQ values besides
SANDBOX_KEY_DAYS = 90
WEBHOOK_TEST = "platforms.webhook_test"


def sandbox_picture(number: int) -> bytes:
    """A drawn picture whose hashes are in the sandbox bank: an engineer re-creates it to try matching."""
    return synthetic_picture(number, seed=SANDBOX_SEED, label=f"childshield sandbox picture {number}")


def _sandbox_hashes() -> list[tuple[str, str, int | None]]:
    hashes: list[tuple[str, str, int | None]] = []
    for number in range(SANDBOX_PICTURES):
        picture = sandbox_picture(number)
        pdq = pdq_from_bytes(picture)
        hashes.append((Algorithm.PDQ, pdq.value, pdq.quality))
        hashes.append((Algorithm.MD5, hashlib.md5(picture, usedforsecurity=False).hexdigest(), None))
    rng = np.random.default_rng(SANDBOX_SEED)
    hashes += [(Algorithm.PDQ, rng.bytes(32).hex(), 100) for _ in range(SANDBOX_RANDOM_HASHES)]
    return hashes


@transaction.atomic
def sandbox_bank_ensure() -> HashBank:
    """The synthetic bank, kept by the country's hotline (made the first time a sandbox key is issued)."""
    hotline = hotline_agency_for(country=settings.CHILDSHIELD_COUNTRY)
    if hotline is None:
        raise ApplicationError(_("No hotline runs the sandbox here."), code="no_hotline")
    return synthetic_bank_ensure(owner=hotline, name=SANDBOX_BANK_NAME, hashes=_sandbox_hashes())


def sandbox_key_expiry() -> datetime:
    return timezone.now() + timedelta(days=SANDBOX_KEY_DAYS)


def test_notice_payload(*, delivery_id: str, now: str) -> dict[str, object]:
    """A notice as a real one reads (`webhooks.notice_payload`), marked sandbox, for a made-up address."""
    return {
        "delivery_id": delivery_id,
        "event": "notice",
        "sandbox": True,
        "notice": {"id": 0, "sequence": 1, "renotice": False, "sent_at": now},
        "item": {
            "number": "SANDBOX",
            "url": "https://sandbox.childshield.test/not-real-content",
            "classification": "test",
            "category": "",
            "first_reported_at": now,
        },
    }


@transaction.atomic
def webhook_test_send(*, actor: Membership, subscription: WebhookSubscription) -> str:
    """A test notice to one of the platform's webhooks, through the outbox as a real one goes; returns
    its delivery id. Who may ask was checked by the caller (`credentials.platform_require`)."""
    if not subscription.is_active:
        raise ApplicationError(_("This webhook has ended."), code="ended")
    delivery_id = str(uuid.uuid4())
    outbox_enqueue(
        kind=WEBHOOK_TEST,
        payload={
            "subscription": subscription.pk,
            "delivery_id": delivery_id,
            "at": timezone.now().isoformat(),
        },
        idempotency_key=f"webhook-test-{delivery_id}",
    )
    audit.record(
        action=AuditAction.CREATE,
        actor=actor.user,
        agency=actor.agency,
        obj=subscription,
        reason="test notice to the webhook",
    )
    return delivery_id


def webhook_test_deliver(*, payload: Payload, idempotency_key: str) -> None:
    """The outbox's handler for a test notice: signed and posted as a real notice is."""
    subscription = WebhookSubscription.objects.filter(pk=int(payload.get("subscription") or 0)).first()
    if subscription is None or not subscription.is_active:
        return
    delivery_id = str(payload["delivery_id"])
    signed_post(
        subscription=subscription,
        delivery_id=delivery_id,
        payload=test_notice_payload(delivery_id=delivery_id, now=str(payload["at"])),
    )
