"""Assessments of a case, and the versions of the assessment forms (questions as data) they answer."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from childshield.accounts.models import Agency, Membership
from childshield.cases.models.cases import Case
from childshield.core.fields import EncryptedJSONField


class AssessmentKind(models.TextChoices):
    SAFETY = "safety", _("Safety assessment")
    COMPREHENSIVE = "comprehensive", _("Comprehensive assessment")


class AssessmentForm(models.Model):
    """One version of an assessment's questions, as data. Published versions are never edited: a
    change is a new version, so every past assessment keeps the questions it answered."""

    kind = models.CharField(max_length=20, choices=AssessmentKind.choices)
    # Empty: the default every agency uses until it publishes its own.
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    version = models.PositiveIntegerField()
    title = models.JSONField(default=dict)
    questions = models.JSONField(default=list)
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "agency", "version"], name="assessment_form_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} v{self.version}"


class Assessment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    form = models.ForeignKey(AssessmentForm, on_delete=models.PROTECT, related_name="assessments")
    kind = models.CharField(max_length=20, choices=AssessmentKind.choices)
    answers = EncryptedJSONField(default=dict)
    completed_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    completed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["completed_at", "id"]

    def __str__(self) -> str:
        return f"assessment #{self.pk}"
