"""The people who harmed the child, as far as they are known."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from childshield.accounts.models import Membership
from childshield.cases.models.cases import Case
from childshield.core.fields import EncryptedTextField


class HarmerRelationship(models.TextChoices):
    STRANGER_ONLINE = "stranger_online", _("Stranger met online")
    ONLINE_ACQUAINTANCE = "online_acquaintance", _("Someone known only online")
    PEER = "peer", _("Friend, classmate or peer")
    PARTNER = "partner", _("Boyfriend, girlfriend or partner")
    FAMILY = "family", _("Family member")
    CAREGIVER = "caregiver", _("Caregiver or guardian")
    SCHOOL = "school", _("Teacher or school staff")
    COMMUNITY = "community", _("Someone in the community")
    UNKNOWN = "unknown", _("Not known")
    OTHER = "other", _("Other")


class HarmerContact(models.TextChoices):
    ONLINE = "online", _("Online only")
    OFFLINE = "offline", _("Offline only")
    BOTH = "both", _("Online and offline")
    UNKNOWN = "unknown", _("Not known")


class HarmerAge(models.TextChoices):
    ADULT = "adult", _("Adult")
    CHILD = "child", _("Child (under 18)")
    UNKNOWN = "unknown", _("Not known")


class PersonWhoHarmed(models.Model):
    """Someone who harmed the child. A child who harmed is not a case with roles swapped: the page
    points to the rehabilitation pathway instead."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="people_who_harmed")
    relationship = models.CharField(
        _("relationship to the child"), max_length=30, choices=HarmerRelationship.choices
    )
    identity_known = models.BooleanField(_("identity known"), default=False)
    contact = models.CharField(_("how they were in contact"), max_length=10, choices=HarmerContact.choices)
    age_group = models.CharField(_("adult or child"), max_length=10, choices=HarmerAge.choices)
    description = EncryptedTextField(_("name, account or description"), blank=True, default="")
    added_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "id"]

    def __str__(self) -> str:
        return f"person who harmed #{self.pk}"

    @property
    def is_child(self) -> bool:
        return self.age_group == HarmerAge.CHILD
