"""What workers keep with a case: notes, and documents attached encrypted."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from childshield.accounts.models import Membership
from childshield.cases.models.cases import Case
from childshield.core.fields import EncryptedTextField


class CaseNote(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    body = EncryptedTextField(_("note"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"note #{self.pk}"


class Attachment(models.Model):
    """A document kept with a case, encrypted at rest; served only to the people responsible for it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file_name = EncryptedTextField(_("file name"))
    description = EncryptedTextField(_("what it is"), blank=True, default="")
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    # A random name in storage: neither the case nor the file name can be read from it.
    storage_name = models.CharField(max_length=200, unique=True, editable=False)
    uploaded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"attachment #{self.pk}"
