"""Legal holds that stop retention for one record, and the log of what retention erased."""

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone

from childshield.core.fields import EncryptedTextField


class LegalHold(models.Model):
    """One record retention must not touch while the hold stands (a court, the police, a complaint)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    # May name the matter; encrypted as any free text is.
    reason = EncryptedTextField()
    placed_by = models.CharField(max_length=150)
    since = models.DateTimeField(default=timezone.now)
    until = models.DateTimeField(null=True, blank=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-since", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="operations_hold_record")]

    def __str__(self) -> str:
        return f"hold {self.pk} on {self.content_type_id}:{self.object_id}"

    @staticmethod
    def standing(now: datetime) -> Q:
        """The holds in force at `now`."""
        return Q(lifted_at__isnull=True, since__lte=now) & (Q(until__isnull=True) | Q(until__gt=now))


class Erasure(models.Model):
    """Retention anonymised or deleted one record: the kind and id, never what it held, so that a
    restore can apply again what was erased after its backup (`manage.py retention_reapply`)."""

    kind = models.CharField(max_length=40)
    record_id = models.PositiveBigIntegerField()
    erased_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["erased_at", "id"]
        constraints = [models.UniqueConstraint(fields=["kind", "record_id"], name="operations_erasure_once")]

    def __str__(self) -> str:
        return f"{self.kind} {self.record_id} at {self.erased_at:%Y-%m-%d %H:%M}"
