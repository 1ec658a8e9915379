"""Break-glass access: a case opened by someone who would not otherwise see it, with a reason."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from childshield.accounts.models import Membership
from childshield.cases.models.cases import Case


class BreakGlassAccess(models.Model):
    """Access to a case someone would not otherwise see, opened with a reason, for a few hours."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="break_glass")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField()
    opened_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["membership", "expires_at"], name="breakglass_member_expiry")]

    def __str__(self) -> str:
        return f"break-glass #{self.pk}"
