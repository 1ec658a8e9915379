"""Who held a case when: each lead worker and supervisor in turn, with the handover note."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from childshield.accounts.models import Membership
from childshield.cases.models.cases import Case
from childshield.core.fields import EncryptedTextField


class CaseAssignment(models.Model):
    """One period of a case with its lead worker and supervisor; `ended_at` is empty while current.

    A handover (`assigned_by` set) is also the new lead worker's notice on their home page until
    they mark it read.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    lead_worker = models.ForeignKey(
        Membership, verbose_name=_("lead worker"), on_delete=models.PROTECT, related_name="+"
    )
    supervisor = models.ForeignKey(
        Membership, verbose_name=_("supervisor"), on_delete=models.PROTECT, related_name="+", null=True
    )
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    # Who handed the case over; empty for how the case began (opened, or accepted by referral).
    assigned_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+", null=True)
    note = EncryptedTextField(_("handover note"), blank=True, default="")
    notice_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(ended_at__isnull=True), name="case_assignment_one_current"
            )
        ]
        indexes = [
            models.Index(
                fields=["lead_worker"],
                condition=Q(notice_read_at__isnull=True, assigned_by__isnull=False, ended_at__isnull=True),
                name="case_assignment_unread",
            )
        ]

    def __str__(self) -> str:
        return f"case {self.case_id}: lead {self.lead_worker_id} from {self.started_at:%Y-%m-%d}"
