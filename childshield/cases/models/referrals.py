"""Referrals between agencies, and the notices to their senders when an answer comes."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from childshield.accounts.models import Agency, Membership
from childshield.cases.models.cases import Case
from childshield.cases.models.consent import Consent, ShareSection
from childshield.core.fields import EncryptedTextField

# The ASEAN minimum service package: one list, kept by the services directory below this app.
from childshield.directory.models import ServiceKind


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent, waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled (consent withdrawn)")


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("Routine (within a week)")
    URGENT = "urgent", _("Urgent (within 24 hours)")
    EMERGENCY = "emergency", _("Emergency (now)")


class Referral(models.Model):
    """A request from one agency to another to provide services; a case-management referral is the
    community model's "transfer": the accepting worker becomes the lead worker."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    from_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="referrals_sent")
    to_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="referrals_received")
    sent_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    services_requested = models.JSONField(_("services requested"), default=list)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="referrals")
    sections = models.JSONField(_("what is shared"), default=list)
    # `sections` again as ",harm,identity,": searches and filters can then leave out, in SQL, the
    # cases whose referral did not share what they look at (JSON "contains" is not on SQLite).
    section_flags = models.CharField(max_length=100, default="", editable=False)
    message = EncryptedTextField(_("message to the receiving agency"), blank=True, default="")
    status = models.CharField(max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.SENT)
    sent_at = models.DateTimeField(default=timezone.now)
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+", null=True)
    decline_reason = EncryptedTextField(_("reason for declining"), blank=True, default="")
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        # Ending in the case, so the cases referred to an agency are read from the index alone.
        indexes = [
            models.Index(fields=["to_agency", "status", "case"], name="referral_to_agency_status_case")
        ]

    def __str__(self) -> str:
        return f"referral #{self.pk}"

    @property
    def is_transfer(self) -> bool:
        return ServiceKind.CASE_MANAGEMENT in self.services_requested

    def service_labels(self) -> list[str]:
        labels = dict(ServiceKind.choices)
        return [str(labels.get(value, value)) for value in self.services_requested]

    def section_labels(self) -> list[str]:
        labels = dict(ShareSection.choices)
        return [str(labels.get(value, value)) for value in self.sections]


def section_flags(sections: list[str]) -> str:
    return "," + ",".join(sorted(sections)) + ","


class ReferralUpdate(models.Model):
    """An in-app notice to the person who sent a referral that its status changed."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="updates")
    recipient = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="referral_updates")
    status = models.CharField(max_length=10, choices=ReferralStatus.choices)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"referral #{self.referral_id}: {self.status}"
