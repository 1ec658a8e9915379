"""The closure of a case as a history: every request to close, with the supervisor's decision on it."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from childshield.accounts.models import Membership
from childshield.cases.models.cases import Case, ClosureReason
from childshield.core.fields import EncryptedTextField


class ClosureDecision(models.TextChoices):
    WAITING = "waiting", _("Waiting for the supervisor's decision")
    APPROVED = "approved", _("Approved: the case closed")
    SENT_BACK = "sent_back", _("Sent back to the worker")


class ClosureWarning(models.TextChoices):
    """What should make a supervisor stop before approving; approving anyway is acknowledged."""

    HIGH_RISK = "high_risk", _("The risk level is still high")
    OPEN_FOLLOW_UPS = "open_follow_ups", _("Follow-ups are still open")
    SERVICES_PENDING = "services_pending", _("Services are still planned or in progress")


class ClosureRequest(models.Model):
    """One request to close a case and what became of it. The case's own closure fields hold the
    request waiting (or the one approved); these rows keep every request, so a send-back and its
    reason stay readable after the worker asks again."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="closure_requests")
    requested_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(_("reason for closing"), max_length=30, choices=ClosureReason.choices)
    checklist = models.JSONField(default=dict, blank=True)
    note = EncryptedTextField(_("closing note"), blank=True, default="")
    decision = models.CharField(
        max_length=12, choices=ClosureDecision.choices, default=ClosureDecision.WAITING
    )
    decided_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # The warnings the supervisor saw and acknowledged when approving (ClosureWarning values).
    warnings_acknowledged = models.JSONField(default=list, blank=True)
    sent_back_reason = EncryptedTextField(_("why it is sent back"), blank=True, default="")
    # When the lead worker marked the send-back as read, or asked to close again.
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [
            # One request waits at a time: two supervisors' decisions can never both apply.
            models.UniqueConstraint(
                fields=["case"], condition=Q(decision="waiting"), name="closure_one_waiting_per_case"
            ),
            models.CheckConstraint(
                condition=Q(decision="waiting", decided_by__isnull=True, decided_at__isnull=True)
                | (~Q(decision="waiting") & Q(decided_by__isnull=False, decided_at__isnull=False)),
                name="closure_decided_says_who_and_when",
            ),
        ]

    def __str__(self) -> str:
        return f"closure request #{self.pk}"

    @property
    def is_waiting(self) -> bool:
        return self.decision == ClosureDecision.WAITING

    def warning_labels(self) -> list[str]:
        labels = dict(ClosureWarning.choices)
        return [str(labels.get(code, code)) for code in self.warnings_acknowledged]
