"""The feedback survey: one-time links for the child or caregiver, and answers counted without names."""

from __future__ import annotations

import hashlib

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from childshield.accounts.models import Agency, Membership
from childshield.cases.models.cases import Case
from childshield.places.models import Area


class Respondent(models.TextChoices):
    CHILD = "child", _("The child")
    CAREGIVER = "caregiver", _("A caregiver")


class FeedbackAnswer(models.TextChoices):
    YES = "yes", _("Yes")
    A_LITTLE = "a_little", _("A little")
    NO = "no", _("No")
    NOT_SAID = "not_said", _("I'd rather not say")


class FeedbackInvitation(models.Model):
    """A link the child or caregiver opens alone to answer the feedback survey; used once."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="feedback_invitations")
    respondent = models.CharField(max_length=10, choices=Respondent.choices)
    # Only a hash of the link's secret is kept, so the database cannot be used to answer in their place.
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"feedback invitation #{self.pk}"


class FeedbackResponse(models.Model):
    """The child's or caregiver's answers. Deliberately not linked to the case or the invitation:
    they are counted by agency, area and month, never shown with a child's name."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    respondent = models.CharField(max_length=10, choices=Respondent.choices)
    channel = models.CharField(max_length=10, choices=[("link", _("Link")), ("paper", _("Paper"))])
    language = models.CharField(max_length=10)
    listened = models.CharField(max_length=10, choices=FeedbackAnswer.choices)
    safe = models.CharField(max_length=10, choices=FeedbackAnswer.choices)
    not_blamed = models.CharField(max_length=10, choices=FeedbackAnswer.choices)
    helped = models.CharField(max_length=10, choices=FeedbackAnswer.choices)
    # The month only: an exact time could be matched to the invitation that was used.
    period = models.DateField()

    def __str__(self) -> str:
        return f"feedback #{self.pk}"


def feedback_token_hash(token: str) -> str:
    """What is kept of a feedback link's secret."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
