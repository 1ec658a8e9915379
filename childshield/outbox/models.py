"""Outbox items waiting for, or done with, delivery."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from childshield.core.fields import EncryptedJSONField


class OutboxState(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    DEAD = "dead", _("Dead letter")


class OutboxItem(models.Model):
    """One side effect to deliver: its handler's name, what the handler needs, and how delivery went.

    The payload may hold personal data (an e-mail's address and words), so it is encrypted, and it is
    emptied (NULL) once the item is delivered. The idempotency key is stored in clear: it names the
    change (`email:referral-update-12`), never a person.
    """

    kind = models.CharField(max_length=100)
    payload = EncryptedJSONField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=200, unique=True)
    state = models.CharField(max_length=10, choices=OutboxState.choices, default=OutboxState.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # A worker delivering the item holds it until then; another may take it only after (a lease).
    locked_until = models.DateTimeField(null=True, blank=True)
    # The exception's class and a reason the handler vouches for; never an exception's own message,
    # which may quote an address or a name.
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # The sweep reads only pending items, oldest due first: a partial index keeps that small
            # however many delivered items wait to be purged.
            models.Index(fields=["next_attempt_at"], condition=Q(state="pending"), name="outbox_item_due"),
            models.Index(fields=["state", "delivered_at"], name="outbox_item_delivered"),
        ]

    def __str__(self) -> str:
        return f"outbox item {self.pk} ({self.kind}, {self.state})"
