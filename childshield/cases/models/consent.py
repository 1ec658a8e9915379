"""Consent to share a case: what may be shared, with which agencies, for what; and emergency overrides."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from childshield.accounts.models import Agency, Membership
from childshield.cases.models.cases import Case
from childshield.core.fields import EncryptedTextField


class ShareSection(models.TextChoices):
    """The parts of a case a referral can share; the receiving agency sees only those."""

    IDENTITY = "identity", _("The child's name, school and how to contact them safely")
    PROFILE = "profile", _("Age, sex and gender, area, languages, disability")
    CAREGIVERS = "caregivers", _("Caregivers and their contacts")
    HARM = "harm", _("What happened: harm types, risk level and summary")
    SERVICES = "services", _("The service plan")


class ConsentKind(models.TextChoices):
    CONSENT = "consent", _("Consent")
    EMERGENCY_OVERRIDE = "emergency_override", _("Emergency override")


class Consent(models.Model):
    """What the child (and, where needed, a caregiver) agreed to share, with whom and why.

    An emergency override has no assent; it needs a reason and counts only once a supervisor has
    confirmed it.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(max_length=20, choices=ConsentKind.choices, default=ConsentKind.CONSENT)
    child_assent = models.BooleanField(_("the child agrees"), default=False)
    caregiver_consent = models.BooleanField(_("a caregiver agrees"), default=False)
    caregiver_name = EncryptedTextField(_("caregiver who agreed"), blank=True, default="")
    caregiver_not_asked_reason = EncryptedTextField(_("why no caregiver was asked"), blank=True, default="")
    purpose = EncryptedTextField(_("purpose"))
    agencies = models.ManyToManyField(Agency, verbose_name=_("agencies"), related_name="+")
    sections = models.JSONField(_("what may be shared"), default=list)
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    override_reason = EncryptedTextField(_("reason for the emergency override"), blank=True, default="")
    confirmed_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+", null=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+", null=True)
    withdrawal_reason = EncryptedTextField(blank=True, default="")

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"consent #{self.pk}"

    @property
    def is_emergency(self) -> bool:
        return self.kind == ConsentKind.EMERGENCY_OVERRIDE

    @property
    def is_in_force(self) -> bool:
        """Whether sharing may rest on it now."""
        if self.withdrawn_at is not None:
            return False
        if self.is_emergency:
            return self.confirmed_at is not None
        return self.child_assent

    def section_labels(self) -> list[str]:
        labels = dict(ShareSection.choices)
        return [str(labels.get(value, value)) for value in self.sections]
