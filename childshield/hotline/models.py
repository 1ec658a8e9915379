"""Reported content and what the hotline does with it: assessment, hosting, notices, removal checks.

A ContentItem is one normalised address per hotline agency; every report of it is a
ContentItemSource, so the same address reported fifty times is one item with fifty sources.
Addresses are encrypted at rest and found through a keyed hash (blind index); the host stays in
clear because tracing, notices and the figures work by host.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from childshield.core.fields import EncryptedJSONField, EncryptedTextField


class ItemStatus(models.TextChoices):
    NEW = "new", _("New")
    ASSESSED = "assessed", _("Assessed, waiting for confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    NOTICE_SENT = "notice_sent", _("Notice sent")
    RENOTICED = "renoticed", _("Notice sent again")
    ESCALATED = "escalated", _("Escalated")
    REMOVED = "removed", _("Removed")
    NOT_REMOVED = "not_removed", _("Not removed")
    OUT_OF_SCOPE = "out_of_scope", _("Out of scope")


# Items whose address is followed until it is gone.
OPEN_NOTICE_STATUSES = (
    ItemStatus.CONFIRMED,
    ItemStatus.NOTICE_SENT,
    ItemStatus.RENOTICED,
    ItemStatus.ESCALATED,
)
CLOSED_STATUSES = (ItemStatus.REMOVED, ItemStatus.NOT_REMOVED, ItemStatus.OUT_OF_SCOPE)


class SourceKind(models.TextChoices):
    REPORT = "report", _("Report to the helpline")
    CONTACT = "contact", _("Helpline contact")
    PLATFORM = "platform", _("Platform")
    PARTNER = "partner", _("Partner hotline")
    ANALYST = "analyst", _("Found by an analyst")


class Classification(models.TextChoices):
    ABUSE_MATERIAL = "abuse_material", _("Child sexual abuse material")
    HARMFUL = "harmful", _("Harmful to children, not abuse material")
    OUT_OF_SCOPE = "out_of_scope", _("Out of scope")


class Category(models.TextChoices):
    # The IWF's categories (UK Sentencing Council).
    A = "A", _("Category A: penetrative sexual activity, sadism or bestiality")
    B = "B", _("Category B: non-penetrative sexual activity")
    C = "C", _("Category C: other indecent images")


class ContentType(models.TextChoices):
    IMAGE = "image", _("Image")
    VIDEO = "video", _("Video")
    LIVE_STREAM = "live_stream", _("Live stream")
    TEXT = "text", _("Text")
    SELF_GENERATED = "self_generated", _("Self-generated")


class ApparentAge(models.TextChoices):
    UNDER_3 = "0_2", _("0 to 2 years")
    AGE_3_6 = "3_6", _("3 to 6 years")
    AGE_7_10 = "7_10", _("7 to 10 years")
    AGE_11_13 = "11_13", _("11 to 13 years")
    AGE_14_17 = "14_17", _("14 to 17 years")
    UNCLEAR = "unclear", _("Unclear")


class RecipientKind(models.TextChoices):
    HOSTING_PROVIDER = "hosting_provider", _("Hosting provider")
    PLATFORM = "platform", _("Platform")
    PARTNER_HOTLINE = "partner_hotline", _("Partner hotline")
    POLICE = "police", _("Police")


class HostingProvider(models.Model):
    """A hosting company or a platform with its abuse contact, recognised by ASN, network or domain."""

    name = models.CharField(_("name"), max_length=200)
    is_platform = models.BooleanField(
        _("platform"), default=False, help_text=_("A service people post on, rather than a host.")
    )
    asns = models.JSONField(_("AS numbers"), default=list, blank=True, help_text=_("For example [13335]."))
    networks = models.JSONField(
        _("network ranges"), default=list, blank=True, help_text=_('For example ["203.0.113.0/24"].')
    )
    domains = models.JSONField(
        _("domains"),
        default=list,
        blank=True,
        help_text=_('Hosts under these domains belong to it, e.g. ["example-video.com"].'),
    )
    country = models.CharField(_("country"), max_length=2, blank=True)
    abuse_email = models.EmailField(_("abuse e-mail"), blank=True)
    webhook_url = models.URLField(
        _("platform webhook"), blank=True, help_text=_("Used once platforms connect through the API.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("hosting provider")
        verbose_name_plural = _("hosting providers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PartnerHotline(models.Model):
    """Where an item hosted in a country is escalated to: that country's hotline, or our police."""

    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(_("country"), max_length=2)
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=[(RecipientKind.PARTNER_HOTLINE, _("Partner hotline")), (RecipientKind.POLICE, _("Police"))],
        default=RecipientKind.PARTNER_HOTLINE,
    )
    email = models.EmailField(_("e-mail"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("partner hotline or police contact")
        verbose_name_plural = _("partner hotlines and police contacts")
        ordering = ["country", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.country})"


class ContentItem(models.Model):
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="hotline_items", verbose_name=_("hotline")
    )
    url = EncryptedTextField(_("address"))
    # A keyed hash of the normalised address: one item per address per hotline.
    url_key = models.CharField(max_length=64, editable=False)
    host = models.CharField(_("host"), max_length=255, db_index=True)
    display_host = models.CharField(_("host as written"), max_length=255)
    status = models.CharField(_("status"), max_length=20, choices=ItemStatus.choices, default=ItemStatus.NEW)
    classification = models.CharField(
        _("classification"), max_length=20, choices=Classification.choices, blank=True
    )
    category = models.CharField(_("category"), max_length=1, choices=Category.choices, blank=True)
    provider = models.ForeignKey(
        HostingProvider, null=True, blank=True, on_delete=models.SET_NULL, related_name="items"
    )
    hosting_country = models.CharField(_("hosting country"), max_length=2, blank=True)
    first_reported_at = models.DateTimeField(_("first reported"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    first_notice_at = models.DateTimeField(_("first notice"), null=True, blank=True)
    last_notice_at = models.DateTimeField(_("last notice"), null=True, blank=True)
    notice_count = models.PositiveSmallIntegerField(_("notices sent"), default=0)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    last_checked_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("content item")
        verbose_name_plural = _("content items")
        ordering = ["-first_reported_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "url_key"], name="hotline_item_unique_url_per_agency")
        ]
        indexes = [models.Index(fields=["agency", "status"], name="hotline_item_queue")]

    def __str__(self) -> str:
        return f"item #{self.pk}"

    @property
    def number(self) -> str:
        return f"H-{self.pk:06d}" if self.pk else ""


class ContentItemSource(models.Model):
    """One report of an item: which channel it came through and its reference there."""

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="sources")
    kind = models.CharField(_("source"), max_length=20, choices=SourceKind.choices)
    report = models.ForeignKey(
        "intake.Report", null=True, blank=True, on_delete=models.SET_NULL, related_name="hotline_sources"
    )
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    added_by = models.ForeignKey(
        "accounts.Membership", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(_("reported"), default=timezone.now)

    class Meta:
        ordering = ["reported_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "report"],
                condition=Q(report__isnull=False),
                name="hotline_source_once_per_report",
            )
        ]

    def __str__(self) -> str:
        return f"source #{self.pk} of item {self.item_id}"


class ContentAssessment(models.Model):
    """An analyst's classification; no notice goes out before another analyst confirms it (configurable)."""

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="assessments")
    assessor = models.ForeignKey("accounts.Membership", on_delete=models.PROTECT, related_name="+")
    classification = models.CharField(_("classification"), max_length=20, choices=Classification.choices)
    illegal_national = models.BooleanField(_("illegal under national law"), null=True, blank=True)
    interpol_baseline = models.BooleanField(_("meets the INTERPOL baseline"), null=True, blank=True)
    category = models.CharField(_("severity category"), max_length=1, choices=Category.choices, blank=True)
    content_type = models.CharField(_("content type"), max_length=20, choices=ContentType.choices, blank=True)
    apparent_age = models.CharField(_("apparent age"), max_length=10, choices=ApparentAge.choices, blank=True)
    commercial = models.BooleanField(_("commercial"), null=True, blank=True)
    notes = EncryptedTextField(_("notes"), blank=True, default="")
    assessed_at = models.DateTimeField(default=timezone.now)
    confirmed_by = models.ForeignKey(
        "accounts.Membership", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-assessed_at", "-pk"]

    def __str__(self) -> str:
        return f"assessment #{self.pk} of item {self.item_id}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class Evidence(models.Model):
    """A capture the hotline must keep, encrypted at rest; shown blurred and only to analysts."""

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="evidence")
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    # A random name in storage: neither the item nor the address can be read from it.
    storage_name = models.CharField(max_length=200, unique=True, editable=False)
    md5 = models.CharField(max_length=32, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    pdq = models.CharField(max_length=64, blank=True)
    pdq_quality = models.PositiveSmallIntegerField(null=True, blank=True)
    hashes_banked_at = models.DateTimeField(null=True, blank=True)
    # What its hashes matched in the banks when it arrived, before it was banked itself:
    # [{"bank": name, "bank_id": id, "algorithm": "pdq", "distance": 4}, …]; the analyst need not look
    # again at a picture the banks already hold. None: not matched (kept before matching existed).
    known_matches = models.JSONField(null=True, blank=True)
    # The file request a platform answered with it (uploaded_by is then the analyst who asked).
    notice = models.ForeignKey(
        "Notice", null=True, blank=True, on_delete=models.SET_NULL, related_name="files"
    )
    uploaded_by = models.ForeignKey("accounts.Membership", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"evidence #{self.pk}"

    @property
    def known_banks(self) -> list[str]:
        """The names of the banks that already held it, each once."""
        return sorted({str(match["bank"]) for match in self.known_matches or []})

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class ReceivedImage(models.Model):
    """A picture a child sent the helpline in a chat, passed on by a counsellor: no address to trace or
    to send notices about, only a picture to assess and, if it is abuse material, to hash into the
    hotline's bank. Kept as evidence is: encrypted in storage, shown veiled, to analysts only."""

    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="received_images", verbose_name=_("hotline")
    )
    report = models.ForeignKey(
        "intake.Report", on_delete=models.PROTECT, related_name="+", verbose_name=_("report")
    )
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    storage_name = models.CharField(max_length=200, unique=True, editable=False)
    md5 = models.CharField(max_length=32)
    sha256 = models.CharField(max_length=64)
    pdq = models.CharField(max_length=64, blank=True)
    pdq_quality = models.PositiveSmallIntegerField(null=True, blank=True)
    passed_by = models.ForeignKey("accounts.Membership", on_delete=models.PROTECT, related_name="+")
    passed_at = models.DateTimeField(_("passed on"), default=timezone.now)
    classification = models.CharField(
        _("classification"), max_length=20, choices=Classification.choices, blank=True
    )
    assessed_by = models.ForeignKey(
        "accounts.Membership", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assessed_at = models.DateTimeField(_("assessed"), null=True, blank=True)
    hashes_banked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("picture from a chat")
        verbose_name_plural = _("pictures from chats")
        ordering = ["passed_at", "pk"]

    def __str__(self) -> str:
        return f"received image #{self.pk}"


class HostingTrace(models.Model):
    """One resolution of the item's host: addresses, networks, ASNs, countries. Kept as history."""

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="traces")
    host = models.CharField(max_length=255)
    addresses = models.JSONField(default=list, blank=True)  # [{ip, network, asn, as_org, country}]
    error = models.CharField(max_length=40, blank=True)
    provider = models.ForeignKey(
        HostingProvider, null=True, blank=True, on_delete=models.SET_NULL, related_name="traces"
    )
    country = models.CharField(max_length=2, blank=True)
    traced_at = models.DateTimeField(default=timezone.now)
    traced_by = models.ForeignKey(
        "accounts.Membership", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-traced_at", "-pk"]

    def __str__(self) -> str:
        return f"trace #{self.pk} of item {self.item_id}"


class NoticeState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    BOUNCED = "bounced", _("Bounced")


class NoticePurpose(models.TextChoices):
    TAKEDOWN = "takedown", _("Take down")
    PRESERVATION = "preservation", _("Preservation request")
    FILE_REQUEST = "file_request", _("File request")


# Requests made of a platform (not takedowns): they go to the platform that hosts or reported the
# item, and never change the item's status or count as notices to remove.
PLATFORM_REQUESTS = (NoticePurpose.PRESERVATION, NoticePurpose.FILE_REQUEST)

# How long a platform is asked to keep an account's and a content's data for the police: 90 days is
# what most platforms' law-enforcement guidelines take (as a US preservation request, 18 U.S.C.
# 2703(f)); a week at least, a year at most (a request may be sent again to extend it).
PRESERVE_DAYS_DEFAULT = 90
PRESERVE_DAYS_MIN = 7
PRESERVE_DAYS_MAX = 365


class NoticeOutcome(models.TextChoices):
    """What a platform answered to a request, as the hotline keeps it."""

    PRESERVED = "preserved", _("Data preserved")
    PRESERVATION_REFUSED = "preservation_refused", _("Preservation refused")
    FILE_RECEIVED = "file_received", _("File received")


class Notice(models.Model):
    """A notice to the host, the platform, a partner hotline or the police: to take an address down
    (a takedown), or, to a platform, a request to preserve its data or to send the file behind it."""

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="notices")
    purpose = models.CharField(
        _("purpose"), max_length=20, choices=NoticePurpose.choices, default=NoticePurpose.TAKEDOWN
    )
    # Numbered per purpose: takedown 1, 2 (a re-notice)…; a preservation request 1 apart from them.
    sequence = models.PositiveSmallIntegerField(_("notice number"))
    # The platform (an agency here) a request goes to; takedowns find theirs through the host.
    platform = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    preserve_days = models.PositiveSmallIntegerField(_("days to preserve"), null=True, blank=True)
    # The file asked for, by its hash (MD5 or SHA-256) where the platform reported one; else the
    # file at the item's address.
    file_hash = models.CharField(_("file's hash"), max_length=64, blank=True, default="")
    # The platform's answer to a request.
    outcome = models.CharField(
        _("answer"), max_length=30, choices=NoticeOutcome.choices, blank=True, default=""
    )
    preserved_until = models.DateField(_("preserved until"), null=True, blank=True)
    outcome_note = EncryptedTextField(_("platform's note"), blank=True, default="")
    outcome_at = models.DateTimeField(_("answered"), null=True, blank=True)
    recipient_kind = models.CharField(_("recipient"), max_length=20, choices=RecipientKind.choices)
    recipient_name = models.CharField(_("recipient name"), max_length=200)
    recipient_email = models.EmailField(_("recipient e-mail"))
    is_escalation = models.BooleanField(default=False)
    state = models.CharField(
        _("state"), max_length=10, choices=NoticeState.choices, default=NoticeState.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    queued_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The Message-ID the mail went out with (or the mail provider's own id), so that a bounce the
    # provider reports later finds its notice.
    message_id = models.CharField(max_length=255, blank=True, default="")
    created_by = models.ForeignKey(
        "accounts.Membership", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["sequence", "pk"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="hotline_notice_due"),
            models.Index(fields=["message_id"], name="hotline_notice_message_id"),
        ]

    def __str__(self) -> str:
        return f"notice {self.sequence} of item {self.item_id}"

    @property
    def reference(self) -> str:
        """The hotline's reference for it, quoted back by the recipient: H-000012-N1, -P1, -F1."""
        letter = {NoticePurpose.PRESERVATION: "P", NoticePurpose.FILE_REQUEST: "F"}.get(
            NoticePurpose(self.purpose), "N"
        )
        return f"{self.item.number}-{letter}{self.sequence}"

    @property
    def is_takedown(self) -> bool:
        return self.purpose == NoticePurpose.TAKEDOWN


class CheckState(models.TextChoices):
    ONLINE = "online", _("Still online")
    REMOVED = "removed", _("Removed")
    REDIRECTED_ELSEWHERE = "redirected_elsewhere", _("Redirected to another host")
    UNREACHABLE = "unreachable", _("Host not answering")
    DNS_FAILURE = "dns_failure", _("Host name does not resolve")
    ERROR = "error", _("Error")


class RemovalCheck(models.Model):
    """One look at whether the address still answers (status only: no body is read or kept)."""

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="checks")
    state = models.CharField(max_length=30, choices=CheckState.choices)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    redirect_to = EncryptedTextField(blank=True, default="")
    detail = models.CharField(max_length=300, blank=True)
    checked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-checked_at", "-pk"]

    def __str__(self) -> str:
        return f"check #{self.pk} of item {self.item_id}"


class ReferralPackage(models.Model):
    """A signed export of confirmed items for the police or a partner hotline: metadata, hashes, custody."""

    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="hotline_packages"
    )
    recipient_label = models.CharField(_("recipient"), max_length=200)
    item_count = models.PositiveIntegerField(default=0)
    document = EncryptedJSONField(default=dict)
    created_by = models.ForeignKey("accounts.Membership", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"package #{self.pk}"
