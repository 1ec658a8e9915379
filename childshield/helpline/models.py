"""Counsellors' work: who holds which waiting report, the contacts logged, and their categories."""

from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from childshield.core.choices import ChiAgeBand, ChiGender
from childshield.core.fields import EncryptedJSONField, EncryptedTextField
from childshield.helpline.triage import RULE_LANGUAGES, SIGNAL_LABELS


class QueueClaim(models.Model):
    """A counsellor holds a waiting report; one row per report, so two claims cannot both win."""

    report = models.OneToOneField(
        "intake.Report", verbose_name=_("report"), on_delete=models.CASCADE, related_name="helpline_claim"
    )
    holder = models.ForeignKey(
        "accounts.Membership", verbose_name=_("held by"), on_delete=models.PROTECT, related_name="+"
    )
    claimed_at = models.DateTimeField(_("claimed"), default=timezone.now)

    class Meta:
        verbose_name = _("queue claim")
        verbose_name_plural = _("queue claims")

    def __str__(self) -> str:
        return f"{self.report_id} · {self.holder_id}"


class Category(models.Model):
    """A contact category, following Child Helpline International's data framework; shipped as data."""

    code = models.CharField(_("code"), max_length=60, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200, blank=True)
    name_km = models.CharField(_("name (Khmer)"), max_length=200, blank=True)
    online_protection = models.BooleanField(_("online protection"), default=False)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("contact category")
        verbose_name_plural = _("contact categories")
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        language = (get_language() or "en")[:2]
        return str(getattr(self, f"name_{language}", "") or self.name_en)


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("Phone call")
    SMS = "sms", _("SMS")
    CHAT = "chat", _("Chat")
    EMAIL = "email", _("E-mail")
    WALK_IN = "walk_in", _("In person")
    WEB = "web", _("Web report")
    # Chat apps, each its own row of the figures (CHI counts them as social media / chat channels).
    TELEGRAM = "telegram", "Telegram"
    MESSENGER = "messenger", "Messenger"
    ZALO = "zalo", "Zalo"


class ContactKind(models.TextChoices):
    """CHI counts every contact, and counselling contacts apart from the others."""

    COUNSELLING = "counselling", _("Counselling contact")
    SILENT = "silent", _("Silent")
    HANG_UP = "hang_up", _("Hang-up")
    WRONG_NUMBER = "wrong_number", _("Wrong number")
    PRANK = "prank", _("Prank or abusive")
    THANK_YOU = "thank_you", _("Thank-you")


class CallerType(models.TextChoices):
    CHILD = "child", _("Child")
    CAREGIVER = "caregiver", _("Parent or caregiver")
    PROFESSIONAL = "professional", _("Professional")
    OTHER = "other", _("Someone else")
    UNKNOWN = "unknown", _("Unknown")


class Ethnicity(models.TextChoices):
    UNKNOWN = "unknown", _("Unknown")
    MAJORITY = "majority", _("Majority group")
    MINORITY = "minority", _("Ethnic minority")
    NOT_SAID = "not_said", _("Preferred not to say")


class Disability(models.TextChoices):
    UNKNOWN = "unknown", _("Unknown")
    YES = "yes", _("Yes")
    NO = "no", _("No")


class Action(models.TextChoices):
    COUNSELLING = "counselling", _("Counselling")
    INFORMATION = "information", _("Information")
    REFERRAL = "referral", _("Referral to a service")
    POLICE = "police", _("Emergency escalation to police")
    HEALTH = "health", _("Emergency escalation to health")


class Outcome(models.TextChoices):
    RESOLVED = "resolved", _("Resolved in the contact")
    FOLLOW_UP = "follow_up", _("Needs a follow-up")
    REFERRED = "referred", _("Referred")
    ESCALATED = "escalated", _("Escalated as an emergency")
    DROPPED = "dropped", _("Contact ended early")


class Contact(models.Model):
    """One contact a helpline answered. Summary and notes are encrypted."""

    agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        related_name="helpline_contacts",
    )
    counsellor = models.ForeignKey(
        "accounts.Membership", verbose_name=_("counsellor"), on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=20, choices=ContactChannel.choices)
    kind = models.CharField(
        _("kind"), max_length=20, choices=ContactKind.choices, default=ContactKind.COUNSELLING
    )
    caller_type = models.CharField(
        _("caller"), max_length=20, choices=CallerType.choices, default=CallerType.UNKNOWN
    )
    age_band = models.CharField(
        _("age"), max_length=20, choices=ChiAgeBand.choices, default=ChiAgeBand.UNKNOWN
    )
    gender = models.CharField(
        _("gender"), max_length=20, choices=ChiGender.choices, default=ChiGender.UNKNOWN
    )
    ethnicity = models.CharField(
        _("ethnicity"), max_length=20, choices=Ethnicity.choices, default=Ethnicity.UNKNOWN
    )
    disability = models.CharField(
        _("disability"), max_length=20, choices=Disability.choices, default=Disability.UNKNOWN
    )
    province = models.ForeignKey(
        "places.Area",
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    categories = models.ManyToManyField(Category, verbose_name=_("categories"), blank=True, related_name="+")
    summary = EncryptedTextField(_("summary"), blank=True, default="")
    notes = EncryptedTextField(_("counselling notes"), blank=True, default="")
    actions = models.JSONField(_("actions"), default=list, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    duration_minutes = models.PositiveIntegerField(_("duration in minutes"), null=True, blank=True)
    report = models.ForeignKey(
        "intake.Report",
        verbose_name=_("report"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="helpline_contacts",
    )
    # The case opened from this contact (cases links back through a related-records provider).
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="helpline_contacts",
    )
    # A keyed hash of the caller's normalised phone number or chat thread: recognises a repeat
    # caller; the number itself is never stored.
    caller_key = models.CharField(_("caller key"), max_length=64, blank=True, db_index=True, editable=False)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    created_at = models.DateTimeField(_("logged"), auto_now_add=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["agency", "started_at"], name="helpline_contact_agency_time")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_counselling(self) -> bool:
        return self.kind == ContactKind.COUNSELLING

    def action_labels(self) -> list[str]:
        labels = dict(Action.choices)
        return [str(labels.get(action, action)) for action in self.actions]


class UrgentAlert(models.Model):
    """Supervisors were e-mailed that this urgent item waited too long: once per item and wait."""

    agency = models.ForeignKey("accounts.Agency", on_delete=models.CASCADE, related_name="+")
    report = models.ForeignKey("intake.Report", on_delete=models.CASCADE, related_name="+")
    # When the wait began (the report, or the reporter's latest message): a new wait alerts again.
    waiting_since = models.DateTimeField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "report", "waiting_since"], name="helpline_urgent_alert_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.report_id} · {self.waiting_since:%Y-%m-%d %H:%M}"


class ReportTriage(models.Model):
    """The triage signals of one report, computed when the report or a reporter's message is saved
    (inside that transaction), and again for waiting reports when a rule changes.

    The queue reads the signals from here instead of decrypting every description at each poll.
    The words that raised them are encrypted: they quote the child, and reading them is audited.
    """

    report = models.OneToOneField(
        "intake.Report", verbose_name=_("report"), on_delete=models.CASCADE, related_name="helpline_triage"
    )
    signals = models.JSONField(_("signals"), default=list, blank=True)
    is_urgent = models.BooleanField(_("urgent by its words"), default=False)
    words = EncryptedJSONField(_("words that raised the signals"), default=dict, blank=True)
    # The report's answers that raised them (`question:answer` codes, by signal): choices, not words.
    answers = models.JSONField(_("answers that raised the signals"), default=dict, blank=True)
    rules_version = models.PositiveIntegerField(_("rules version"), default=0)
    # The reporter's latest message read: a newer one is triaged again.
    last_message_id = models.PositiveBigIntegerField(default=0)
    triaged_at = models.DateTimeField(_("triaged"), default=timezone.now)

    class Meta:
        verbose_name = _("report triage")
        verbose_name_plural = _("report triages")

    def __str__(self) -> str:
        return f"{self.report_id} · {','.join(self.signals) or '-'}"


SIGNAL_CHOICES = [(str(signal), label) for signal, label in SIGNAL_LABELS.items()]
LANGUAGE_LABELS = {"vi": _("Vietnamese"), "km": _("Khmer"), "en": _("English")}
RULE_LANGUAGE_CHOICES = [(code, LANGUAGE_LABELS[code]) for code in RULE_LANGUAGES]


class TriageRule(models.Model):
    """Words in one language that raise one signal; edited by helpline supervisors, every change kept."""

    signal = models.CharField(_("signal"), max_length=30, choices=SIGNAL_CHOICES)
    language = models.CharField(_("language"), max_length=5, choices=RULE_LANGUAGE_CHOICES)
    phrases = models.JSONField(_("words and phrases"), default=list)
    is_active = models.BooleanField(_("in use"), default=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        verbose_name = _("triage rule")
        verbose_name_plural = _("triage rules")
        ordering = ["signal", "language", "pk"]

    def __str__(self) -> str:
        return f"{self.get_signal_display()} · {self.language} · v{self.version}"


class VersionRecord(models.Model):
    """What every kept version of edited data records: whether it was in use, who changed it, when."""

    is_active = models.BooleanField(_("in use"), default=True)
    changed_by = models.ForeignKey(
        "accounts.Membership",
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        abstract = True


class TriageRuleVersion(VersionRecord):
    """A rule as it was after one change. Never edited; the highest id is the version of the rule set."""

    rule = models.ForeignKey(TriageRule, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField(_("version"))
    signal = models.CharField(_("signal"), max_length=30, choices=SIGNAL_CHOICES)
    language = models.CharField(_("language"), max_length=5, choices=RULE_LANGUAGE_CHOICES)
    phrases = models.JSONField(_("words and phrases"), default=list)
    note = models.CharField(_("why"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("triage rule version")
        verbose_name_plural = _("triage rule versions")
        ordering = ["rule", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "version"], name="helpline_triage_rule_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} v{self.version}"


class ReplyTemplate(models.Model):
    """A saved reply to people who reported, in Vietnamese, Khmer and English; blame-free words."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=200)
    title_km = models.CharField(_("title (Khmer)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    body_vi = models.TextField(_("text (Vietnamese)"))
    body_km = models.TextField(_("text (Khmer)"))
    body_en = models.TextField(_("text (English)"))
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.code

    def title(self, language: str) -> str:
        return str(getattr(self, f"title_{language[:2]}", "") or self.title_en)

    def body(self, language: str) -> str:
        return str(getattr(self, f"body_{language[:2]}", "") or self.body_en)


class ReplyTemplateVersion(VersionRecord):
    """A saved reply as it was after one change: titles and texts per language. Never edited."""

    template = models.ForeignKey(ReplyTemplate, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField(_("version"))
    content = models.JSONField(_("titles and texts"), default=dict)

    class Meta:
        verbose_name = _("reply template version")
        verbose_name_plural = _("reply template versions")
        ordering = ["template", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "version"], name="helpline_reply_template_version_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.template_id} v{self.version}"


class CallerFlag(models.TextChoices):
    PREFERS_FEMALE = "prefers_female", _("Prefers a female counsellor")
    PREFERS_MALE = "prefers_male", _("Prefers a male counsellor")
    AT_RISK = "at_risk", _("At risk")
    SAFE_TIMES_ONLY = "safe_times", _("Call back only at the times they gave")
    NO_CALL_BACK = "no_call_back", _("Do not call back")


class CallerNote(models.Model):
    """What a counsellor wants colleagues to know when the same caller contacts the helpline again.

    Keyed by the caller's keyed hash, never the number; the note is encrypted and stops showing after
    `expires_on`, so that nothing follows a child longer than it helps.
    """

    agency = models.ForeignKey(
        "accounts.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    caller_key = models.CharField(_("caller key"), max_length=64, db_index=True)
    note = EncryptedTextField(_("note"), blank=True, default="")
    flags = models.JSONField(_("flags"), default=list, blank=True)
    expires_on = models.DateField(_("shown until"))
    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    written_by = models.ForeignKey(
        "accounts.Membership", verbose_name=_("written by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        verbose_name = _("caller note")
        verbose_name_plural = _("caller notes")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.caller_key[:8]}… · {self.expires_on}"

    def flag_labels(self) -> list[str]:
        labels = dict(CallerFlag.choices)
        return [str(labels.get(flag, flag)) for flag in self.flags]


class ContactDraft(models.Model):
    """A contact form as a counsellor was typing it, saved every few seconds so nothing is lost.

    One per counsellor and report ("" for a contact without a report); encrypted, since it holds
    notes; gone once the contact is logged.
    """

    counsellor = models.ForeignKey(
        "accounts.Membership", verbose_name=_("counsellor"), on_delete=models.CASCADE, related_name="+"
    )
    report_reference = models.CharField(_("report"), max_length=16, blank=True)
    typed = EncryptedJSONField(_("fields as typed"), default=dict)
    updated_at = models.DateTimeField(_("saved"), default=timezone.now)

    class Meta:
        verbose_name = _("contact draft")
        verbose_name_plural = _("contact drafts")
        constraints = [
            models.UniqueConstraint(
                fields=["counsellor", "report_reference"], name="helpline_one_draft_per_form"
            )
        ]

    def __str__(self) -> str:
        return f"{self.counsellor_id} · {self.report_reference or '-'}"


class ContactHotlineItem(models.Model):
    """A web address a caller gave, reported from their contact to the hotline: the link both ways."""

    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), on_delete=models.PROTECT, related_name="hotline_links"
    )
    item = models.ForeignKey(
        "hotline.ContentItem", verbose_name=_("hotline item"), on_delete=models.PROTECT, related_name="+"
    )
    added_by = models.ForeignKey(
        "accounts.Membership", verbose_name=_("reported by"), on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(_("reported"), default=timezone.now)

    class Meta:
        verbose_name = _("address reported to the hotline")
        verbose_name_plural = _("addresses reported to the hotline")
        constraints = [models.UniqueConstraint(fields=["contact", "item"], name="helpline_contact_item_once")]

    def __str__(self) -> str:
        return f"{self.contact_id} → {self.item_id}"
