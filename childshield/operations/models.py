"""Legal holds that stop retention for one record, the log of what retention erased, and the requests
of data subjects (access, correction, erasure)."""

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from childshield.core.fields import EncryptedTextField


class LegalHold(models.Model):
    """One record retention must not touch while the hold stands (a court, the police, a complaint)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    # May name the matter; encrypted as any free text is.
    reason = EncryptedTextField()
    placed_by = models.CharField(max_length=150)
    since = models.DateTimeField(default=timezone.now)
    until = models.DateTimeField(null=True, blank=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-since", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="operations_hold_record")]

    def __str__(self) -> str:
        return f"hold {self.pk} on {self.content_type_id}:{self.object_id}"

    @staticmethod
    def standing(now: datetime) -> Q:
        """The holds in force at `now`."""
        return Q(lifted_at__isnull=True, since__lte=now) & (Q(until__isnull=True) | Q(until__gt=now))


class Erasure(models.Model):
    """Retention anonymised or deleted one record: the kind and id, never what it held, so that a
    restore can apply again what was erased after its backup (`manage.py retention_reapply`)."""

    kind = models.CharField(max_length=40)
    record_id = models.PositiveBigIntegerField()
    erased_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["erased_at", "id"]
        constraints = [models.UniqueConstraint(fields=["kind", "record_id"], name="operations_erasure_once")]

    def __str__(self) -> str:
        return f"{self.kind} {self.record_id} at {self.erased_at:%Y-%m-%d %H:%M}"


class SubjectRequestKind(models.TextChoices):
    ACCESS = "access", _("Access: a copy of what is held")
    CORRECTION = "correction", _("Correction")
    ERASURE = "erasure", _("Erasure")


class SubjectRequestStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    IDENTITY_CHECKED = "identity_checked", _("Identity checked")
    ANSWERED = "answered", _("Answered")
    REFUSED = "refused", _("Refused")


class RequesterRole(models.TextChoices):
    SELF = "self", _("The person themself")
    PARENT = "parent", _("A parent or guardian of a child")
    REPRESENTATIVE = "representative", _("A lawyer or other representative")


class IdentityDocument(models.TextChoices):
    ID_CARD = "id_card", _("Citizen identity card")
    PASSPORT = "passport", _("Passport")
    BIRTH_CERTIFICATE = "birth_certificate", _("Birth certificate (with a parent's card)")
    STAFF_ACCOUNT = "staff_account", _("Signed in to their own staff account")
    REPORT_PASSPHRASE = "report_passphrase", _("The report's code and passphrase")
    OTHER = "other", _("Other (say which in the note)")


class SubjectKind(models.TextChoices):
    STAFF_USER = "staff_user", _("A staff member's account")
    REPORTER = "reporter", _("Someone who reported (by the report's code)")
    CHILD = "child", _("A child a case is about")
    CAREGIVER = "caregiver", _("A caregiver recorded with a child")
    PERSON_WHO_HARMED = "person_who_harmed", _("A person recorded as having harmed a child")


class RefusalReason(models.TextChoices):
    CASE_DUTY = "case_duty", _("Child-protection duties to keep the case override erasure")
    LEGAL_HOLD = "legal_hold", _("A legal hold keeps the record")
    IDENTITY = "identity", _("The requester's identity could not be established")
    OTHER = "other", _("Another reason (say which in the note)")


class SubjectRequest(models.Model):
    """A person's request to see, correct or erase what is held about them, handled by a system
    administrator: the requester, how their identity was checked, the person it is about (found by
    the administrator) and the answer. Its history is its audit events."""

    kind = models.CharField(_("kind of request"), max_length=12, choices=SubjectRequestKind.choices)
    requester_name = EncryptedTextField(_("requester's name"))
    requester_contact = EncryptedTextField(_("how to answer them"), blank=True, default="")
    requester_role = models.CharField(
        _("the requester is"), max_length=16, choices=RequesterRole.choices, default=RequesterRole.SELF
    )
    # What they ask, in their words (what to correct, for instance).
    details = EncryptedTextField(_("what they ask"), blank=True, default="")
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=SubjectRequestStatus.choices,
        default=SubjectRequestStatus.RECEIVED,
    )
    created_by = models.ForeignKey("accounts.Membership", on_delete=models.PROTECT, related_name="+")
    # How the requester's identity was checked: required before anything is disclosed.
    identity_document = models.CharField(
        _("document seen"), max_length=20, choices=IdentityDocument.choices, blank=True
    )
    identity_checked_by = models.CharField(_("checked by"), max_length=150, blank=True)
    identity_checked_at = models.DateTimeField(_("checked on"), null=True, blank=True)
    identity_note = EncryptedTextField(_("note on the check"), blank=True, default="")
    identity_recorded_by = models.ForeignKey(
        "accounts.Membership", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # The person the request is about: a record of another app, named by kind and id (a caregiver by
    # the child's id and their place in the child's list of caregivers).
    subject_kind = models.CharField(_("about"), max_length=20, choices=SubjectKind.choices, blank=True)
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject_part = models.PositiveSmallIntegerField(null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        "accounts.Membership", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # What was disclosed, corrected or erased; or, with a refusal, why.
    answer_note = EncryptedTextField(_("answer"), blank=True, default="")
    refusal_reason = models.CharField(
        _("reason for refusing"), max_length=12, choices=RefusalReason.choices, blank=True
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["status", "due_at"], name="operations_request_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["answered", "refused"], answered_at__isnull=False)
                | ~Q(status__in=["answered", "refused"]),
                name="operations_request_answered_has_date",
            )
        ]

    def __str__(self) -> str:
        return f"data-subject request {self.pk}"

    @property
    def identity_checked(self) -> bool:
        return self.identity_checked_at is not None

    @property
    def is_open(self) -> bool:
        return self.status in (SubjectRequestStatus.RECEIVED, SubjectRequestStatus.IDENTITY_CHECKED)

    @property
    def subject_found(self) -> bool:
        return bool(self.subject_kind) and self.subject_id is not None
