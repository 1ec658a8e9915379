"""The case: its number, managing agency and people, its workflow status and history, and closure."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from childshield.accounts.models import Agency, Membership
from childshield.cases.models.children import Child
from childshield.core.fields import EncryptedTextField


class CaseStatus(models.TextChoices):
    # Declared in workflow order: each step's next one follows it.
    OPEN = "open", _("Open")
    SAFETY_ASSESSMENT = "safety_assessment", _("Safety assessment")
    COMPREHENSIVE_ASSESSMENT = "comprehensive_assessment", _("Comprehensive assessment")
    SERVICE_PLAN = "service_plan", _("Service plan")
    IMPLEMENTATION = "implementation", _("Implementation")
    FOLLOW_UP = "follow_up", _("Follow-up")
    CLOSED = "closed", _("Closed")


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class HarmType(models.TextChoices):
    GROOMING = "grooming", _("Grooming")
    SEXTORTION = "sextortion", _("Sextortion")
    NON_CONSENSUAL_SHARING = "non_consensual_sharing", _("Non-consensual sharing of images")
    SELF_GENERATED_UNDER_PRESSURE = "self_generated_pressure", _("Self-generated images under pressure")
    LIVE_STREAMED = "live_streamed", _("Live-streamed abuse")
    ABUSE_MATERIAL = "abuse_material", _("Production or distribution of abuse material")
    SEXUAL_CONTENT_EXPOSURE = "sexual_content_exposure", _("Exposure to sexual content")
    SEXUAL_CYBERBULLYING = "sexual_cyberbullying", _("Sexual cyberbullying")
    TRAFFICKING_LINKED = "trafficking_linked", _("Linked to trafficking")
    OTHER = "other", _("Other")


class ClosureReason(models.TextChoices):
    GOALS_MET = "goals_met", _("The child is safe and the plan's goals are met")
    MOVED = "moved", _("The child moved away")
    TRANSFERRED = "transferred_out", _("Handed over to a service outside this system")
    CHILD_DECLINED = "child_declined", _("The child or family no longer wants support")
    OTHER = "other", _("Another reason (explain in the note)")


class Case(models.Model):
    # Number: a sequence per opening agency and year, shown as "2026-0007".
    opened_by_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    number = models.CharField(_("case number"), max_length=20, db_index=True)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="cases")
    # The agency managing the case now; a case-management referral moves it.
    agency = models.ForeignKey(
        Agency, verbose_name=_("managing agency"), on_delete=models.PROTECT, related_name="cases"
    )
    lead_worker = models.ForeignKey(
        Membership, verbose_name=_("lead worker"), on_delete=models.PROTECT, related_name="cases_led"
    )
    supervisor = models.ForeignKey(
        Membership,
        verbose_name=_("supervisor"),
        on_delete=models.PROTECT,
        related_name="cases_supervised",
        null=True,
        blank=True,
    )
    status = models.CharField(_("status"), max_length=30, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    risk_level = models.CharField(_("risk level"), max_length=10, choices=RiskLevel.choices)
    risk_reasons = EncryptedTextField(_("why this risk level"), blank=True, default="")
    harm_types = models.JSONField(_("harm types"), default=list)
    summary = EncryptedTextField(_("what happened"), blank=True, default="")
    # Where the case came from, so the whole story can be read from either end. Helpline contacts
    # and hotline items are linked the same way once those apps exist.
    source_report = models.ForeignKey(
        "intake.Report",
        verbose_name=_("report it came from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    safety_assessment_due_at = models.DateTimeField(_("safety assessment due"), null=True, blank=True)
    status_changed_at = models.DateTimeField(default=timezone.now)
    # Closure: the lead worker asks with the checklist, the supervisor approves.
    closure_reason = models.CharField(
        _("reason for closing"), max_length=30, choices=ClosureReason.choices, blank=True
    )
    closure_checklist = models.JSONField(_("closure checklist"), default=dict, blank=True)
    closure_note = EncryptedTextField(_("closing note"), blank=True, default="")
    closure_requested_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    closure_requested_at = models.DateTimeField(null=True, blank=True)
    closure_approved_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Optimistic locking: every change of the case's own fields raises it by one.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["opened_by_agency", "year", "sequence"], name="case_number_unique_per_agency_year"
            ),
            models.CheckConstraint(
                condition=Q(status=CaseStatus.CLOSED, closed_at__isnull=False) | ~Q(status=CaseStatus.CLOSED),
                name="case_closed_has_date",
            ),
        ]
        # Ending in the id, these answer "which cases does this person lead / supervise" from the
        # index alone (an index-only scan), as the case list's visibility union asks it.
        indexes = [
            models.Index(fields=["lead_worker", "status", "id"], name="case_lead_status_id"),
            models.Index(fields=["supervisor", "status", "id"], name="case_supervisor_status_id"),
        ]

    def __str__(self) -> str:
        return f"case {self.number}"

    @property
    def is_closed(self) -> bool:
        return self.status == CaseStatus.CLOSED

    def harm_type_labels(self) -> list[str]:
        labels = dict(HarmType.choices)
        return [str(labels.get(value, value)) for value in self.harm_types]


class CaseStatusChange(models.Model):
    """One step of the workflow, kept for the case's history (reopening keeps its reason)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=30, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(max_length=30, choices=CaseStatus.choices)
    changed_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)
    reason = EncryptedTextField(blank=True, default="")

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} → {self.to_status}"


class CaseNumberCounter(models.Model):
    """The last sequence given per agency and year, locked while a number is taken."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "year"], name="case_counter_unique")]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.year}: {self.last}"
