"""Referrals between agencies, and the notices to their senders when an answer comes."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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
    # How long each may wait for an answer is a setting (cases/deadlines.py), so labels that people
    # choose from say it there: "Emergency — answer within 1 hour".
    # A context of their own: the helpline's "Urgent" is translated for a queue, not for this scale.
    ROUTINE = "routine", pgettext_lazy("referral urgency", "Routine")
    URGENT = "urgent", pgettext_lazy("referral urgency", "Urgent")
    EMERGENCY = "emergency", pgettext_lazy("referral urgency", "Emergency")


# A referral in these was answered (accepted or declined; a completed one was accepted first), at
# `responded_at`. A cancelled one never was: its `responded_at` is when the consent was withdrawn.
ANSWERED_STATUSES = frozenset({ReferralStatus.ACCEPTED, ReferralStatus.DECLINED, ReferralStatus.COMPLETED})


class DeadlineLevel(models.IntegerChoices):
    """How far past its deadline an unanswered referral was when the supervisors were alerted."""

    PASSED = 1, _("Deadline passed")
    TWICE = 2, _("Twice the deadline passed")


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
    # The answer is due by then: sent_at plus the urgency's deadline at sending, kept so that a later
    # change of the settings does not move the deadlines of referrals already sent.
    respond_by = models.DateTimeField(_("answer due by"))
    # The highest DeadlineLevel the receiving supervisors were alerted to (0: none yet). Raised in the
    # transaction that writes the alerts, by a conditional update, so each level alerts once.
    deadline_alerts_sent = models.PositiveSmallIntegerField(default=0, editable=False)
    # When it was accepted or declined (its response time is responded_at - sent_at), or cancelled.
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+", null=True)
    decline_reason = EncryptedTextField(_("reason for declining"), blank=True, default="")
    completed_at = models.DateTimeField(null=True, blank=True)
    # Set on a service request: the referral asks the agency to provide this one service of the plan
    # (`services_requested` holds its kind); accepting it names the agency as the service's provider.
    service = models.ForeignKey(
        "cases.Service", on_delete=models.CASCADE, null=True, blank=True, related_name="provider_requests"
    )
    # The directory entry, run by that agency, the service will be provided through, when one was chosen.
    resource = models.ForeignKey(
        "directory.Resource", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-sent_at", "-id"]
        # Ending in the case, so the cases referred to an agency are read from the index alone.
        indexes = [
            models.Index(fields=["to_agency", "status", "case"], name="referral_to_agency_status_case"),
            # What the deadline task reads every minute: only the referrals still waiting and not yet
            # alerted at every level, so the index stays as small as the inboxes.
            models.Index(
                fields=["respond_by"],
                condition=models.Q(status="sent", deadline_alerts_sent__lt=2),
                name="referral_deadline_due",
            ),
        ]

    def __str__(self) -> str:
        return f"referral #{self.pk}"

    @property
    def is_transfer(self) -> bool:
        return self.service_id is None and ServiceKind.CASE_MANAGEMENT in self.services_requested

    @property
    def is_service_request(self) -> bool:
        """A referral limited to one service of the plan: its provider is asked for."""
        return self.service_id is not None

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


class ReferralDeadlineAlert(models.Model):
    """An in-app alert to a supervisor of the receiving agency that a referral is still unanswered
    past its deadline (or twice it); shown on their home page while the referral waits. The e-mail
    that goes with it is an outbox item written in the same transaction."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="deadline_alerts")
    recipient = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="referral_deadline_alerts"
    )
    level = models.PositiveSmallIntegerField(choices=DeadlineLevel.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "recipient", "level"], name="referral_deadline_alert_once"
            )
        ]

    def __str__(self) -> str:
        return f"referral #{self.referral_id}: level {self.level}"
