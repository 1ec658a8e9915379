"""The child a case is about, and the keyed hashes of the words of the child's names."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from childshield.core.choices import ChildGender
from childshield.core.fields import EncryptedJSONField, EncryptedTextField
from childshield.places.models import Area


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    INTERSEX = "intersex", _("Intersex")
    UNKNOWN = "unknown", _("Not known")


class Child(models.Model):
    """A child a case is about. Several cases may concern the same child; they are never merged silently."""

    full_name = EncryptedTextField(_("full name"))
    aliases = EncryptedJSONField(_("other names"), default=list, blank=True)
    date_of_birth = EncryptedTextField(_("date of birth"), null=True, blank=True)
    # Kept in the clear for age figures; the exact date is encrypted above.
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    age_is_estimated = models.BooleanField(_("age is estimated"), default=False)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    gender = models.CharField(
        _("gender"), max_length=12, choices=ChildGender.choices, default=ChildGender.UNKNOWN
    )
    ethnicity = models.CharField(_("ethnic group"), max_length=30, blank=True)
    disability = EncryptedJSONField(_("functioning (Washington Group)"), default=dict, blank=True)
    has_disability = models.BooleanField(_("has a disability"), null=True, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    school = EncryptedTextField(_("school"), blank=True, default="")
    caregivers = EncryptedJSONField(_("caregivers"), default=list, blank=True)
    safe_contact = EncryptedTextField(_("a safe way to contact the child"), blank=True, default="")
    name_index = models.CharField(max_length=64, db_index=True, editable=False)
    duplicate_index = models.CharField(max_length=64, db_index=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    # Set when a link request made this record's case concern a child another agency already knew:
    # the record is kept (nothing a worker wrote is lost) and no longer found as a possible duplicate.
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("child")
        verbose_name_plural = _("children")

    def __str__(self) -> str:
        return f"child #{self.pk}"

    def age_on(self, on: date) -> int | None:
        if self.date_of_birth:
            born = date.fromisoformat(self.date_of_birth)
            return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
        if self.birth_year:
            return on.year - self.birth_year
        return None


class ChildNamePart(models.Model):
    """The keyed hash of one word of a child's names, or of a word's beginning (three letters or
    more), so a worker can find a child by part of a name; the name itself stays encrypted
    (cases/name_search.py)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="name_parts")
    part_index = models.CharField(max_length=32)

    class Meta:
        constraints = [
            # Also the index a search uses: from a hash straight to the children who have it.
            models.UniqueConstraint(fields=["part_index", "child"], name="child_name_part_unique"),
        ]

    def __str__(self) -> str:
        return f"name part of child #{self.child_id}"


class ChildDuplicateKey(models.Model):
    """A keyed hash of a child's name words (in any order), birth year and area, so that opening a
    case finds a child already recorded whatever the order of the names, with or without diacritics,
    born a year either side, or recorded under the area's name before a merger (cases/name_search.py).
    """

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="duplicate_keys")
    key = models.CharField(max_length=32)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "child"], name="child_duplicate_key_unique"),
        ]

    def __str__(self) -> str:
        return f"duplicate key of child #{self.child_id}"


class LinkRequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted: the records are linked")
    DECLINED = "declined", _("Declined")


class ChildLinkRequest(models.Model):
    """A worker who opened a case for a child that may already be known to another agency asks that
    agency to link the two records. Until a supervisor there accepts, the worker learns nothing of
    the other agency's cases; once accepted, the worker's case concerns the child that agency knows.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="link_requests")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="link_requests")
    holding_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey("accounts.Membership", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    note = EncryptedTextField(_("why you think it is the same child"), blank=True, default="")
    status = models.CharField(
        max_length=10, choices=LinkRequestStatus.choices, default=LinkRequestStatus.PENDING
    )
    decided_by = models.ForeignKey(
        "accounts.Membership", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = EncryptedTextField(_("reason"), blank=True, default="")

    class Meta:
        ordering = ["requested_at", "pk"]
        indexes = [models.Index(fields=["holding_agency", "status"], name="link_request_inbox_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "child"],
                condition=models.Q(status="pending"),
                name="link_request_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"link request #{self.pk}"
