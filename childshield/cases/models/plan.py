"""The service plan of a case (services of the ASEAN package and who provides them) and its follow-ups."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from childshield.accounts.models import Agency, Membership
from childshield.cases.models.cases import Case
from childshield.cases.models.referrals import Referral
from childshield.core.fields import EncryptedTextField
from childshield.directory.models import Resource, ServiceKind


class ServiceStatus(models.TextChoices):
    # Asked for (by a referral accepted, or a provider not yet found): nobody is named to provide it yet.
    REQUESTED = "requested", _("Requested, not yet arranged")
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    REFUSED = "refused", _("Refused by the child or family")
    CANCELLED = "cancelled", _("Cancelled")


SERVICE_DONE_STATUSES = frozenset({ServiceStatus.COMPLETED, ServiceStatus.REFUSED, ServiceStatus.CANCELLED})


class Service(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="services")
    kind = models.CharField(_("service"), max_length=30, choices=ServiceKind.choices)
    # An agency in the system, a service from the directory, or both (a directory service run by an
    # agency): a hospital or a shelter need not have users here to be part of the plan.
    provider = models.ForeignKey(
        Agency,
        verbose_name=_("provided by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    resource = models.ForeignKey(
        Resource,
        verbose_name=_("service in the directory"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ServiceStatus.choices, default=ServiceStatus.PLANNED
    )
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("ended"), null=True, blank=True)
    # When it was marked completed (set by `service_update`, cleared if it is reopened): what puts a
    # delivered service in a period of the figures (C14). `ends_on` is what the worker typed.
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    outcome = EncryptedTextField(_("outcome"), blank=True, default="")
    referral = models.ForeignKey(Referral, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                # A service still requested may wait without a provider, and one refused or cancelled
                # before anybody was chosen ends without one; every other was, or is, provided.
                condition=Q(status__in=["requested", "refused", "cancelled"])
                | Q(provider__isnull=False)
                | Q(resource__isnull=False),
                name="service_has_a_provider",
            ),
        ]

    def __str__(self) -> str:
        return f"service #{self.pk}"

    @property
    def provider_name(self) -> str:
        if self.resource is not None:
            return self.resource.name
        return self.provider.name if self.provider is not None else ""


class FollowUp(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    due_on = models.DateField(_("due"))
    assignee = models.ForeignKey(
        Membership, verbose_name=_("who"), on_delete=models.PROTECT, related_name="follow_ups"
    )
    purpose = EncryptedTextField(_("what to check"), blank=True, default="")
    created_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+", null=True)
    outcome = EncryptedTextField(_("what was found"), blank=True, default="")

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["assignee", "done_at", "due_on"], name="followup_assignee_due")]

    def __str__(self) -> str:
        return f"follow-up #{self.pk}"

    def is_overdue(self, today: date | None = None) -> bool:
        return self.done_at is None and self.due_on < (today or timezone.localdate())
