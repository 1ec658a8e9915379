"""Survivor case management: the child, the case and its workflow, consent, referrals between
agencies, services of the ASEAN package, follow-ups, notes, and the break-glass record.

Invariants live here; every write goes through services.py, every protected read through selectors.py.
"""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from childshield.accounts.models import Agency, Membership
from childshield.core.fields import EncryptedJSONField, EncryptedTextField

# The ASEAN minimum service package: one list, kept by the services directory below this app.
from childshield.directory.models import Resource, ServiceKind
from childshield.places.models import Area


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    INTERSEX = "intersex", _("Intersex")
    UNKNOWN = "unknown", _("Not known")


class Gender(models.TextChoices):
    GIRL = "girl", _("Girl")
    BOY = "boy", _("Boy")
    NON_BINARY = "non_binary", _("Non-binary")
    ANOTHER = "another", _("Another way")
    UNKNOWN = "unknown", _("Not known")
    NOT_SAID = "not_said", _("Prefers not to say")


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


class ShareSection(models.TextChoices):
    """The parts of a case a referral can share; the receiving agency sees only those."""

    IDENTITY = "identity", _("The child's name, school and how to contact them safely")
    PROFILE = "profile", _("Age, sex and gender, area, languages, disability")
    CAREGIVERS = "caregivers", _("Caregivers and their contacts")
    HARM = "harm", _("What happened: harm types, risk level and summary")
    SERVICES = "services", _("The service plan")


class Child(models.Model):
    """A child a case is about. Several cases may concern the same child; they are never merged silently."""

    full_name = EncryptedTextField(_("full name"))
    aliases = EncryptedJSONField(_("other names"), default=list, blank=True)
    date_of_birth = EncryptedTextField(_("date of birth"), null=True, blank=True)
    # Kept in the clear for age figures; the exact date is encrypted above.
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    age_is_estimated = models.BooleanField(_("age is estimated"), default=False)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    gender = models.CharField(_("gender"), max_length=12, choices=Gender.choices, default=Gender.UNKNOWN)
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
    closure_reason = models.CharField(_("reason for closing"), max_length=30, blank=True)
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


class ServiceStatus(models.TextChoices):
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
    outcome = EncryptedTextField(_("outcome"), blank=True, default="")
    referral = models.ForeignKey(Referral, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(provider__isnull=False) | Q(resource__isnull=False), name="service_has_a_provider"
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


class CaseNote(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    body = EncryptedTextField(_("note"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"note #{self.pk}"


class Attachment(models.Model):
    """A document kept with a case, encrypted at rest; served only to the people responsible for it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file_name = EncryptedTextField(_("file name"))
    description = EncryptedTextField(_("what it is"), blank=True, default="")
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    # A random name in storage: neither the case nor the file name can be read from it.
    storage_name = models.CharField(max_length=200, unique=True, editable=False)
    uploaded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"attachment #{self.pk}"


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


class BreakGlassAccess(models.Model):
    """Access to a case someone would not otherwise see, opened with a reason, for a few hours."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="break_glass")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField()
    opened_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["membership", "expires_at"], name="breakglass_member_expiry")]

    def __str__(self) -> str:
        return f"break-glass #{self.pk}"


class CaseNumberCounter(models.Model):
    """The last sequence given per agency and year, locked while a number is taken."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "year"], name="case_counter_unique")]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.year}: {self.last}"
