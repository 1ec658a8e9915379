"""What platforms send through the API: their reports (what a CyberTipline report carries) and the
answers kept for their idempotency keys."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from childshield.core.fields import EncryptedJSONField, EncryptedTextField


class IncidentType(models.TextChoices):
    ABUSE_MATERIAL = "abuse_material", _("Child sexual abuse material")
    ENTICEMENT = "enticement", _("Online enticement or grooming of a child")
    SEXTORTION = "sextortion", _("Sexual extortion of a child")
    LIVE_STREAMING = "live_streaming", _("Live-streamed sexual abuse of a child")
    TRAFFICKING = "trafficking", _("Child sex trafficking")
    UNSOLICITED_MATERIAL = "unsolicited_material", _("Sexual material sent to a child")
    OTHER = "other", _("Other exploitation of a child")


class ApparentAge(models.TextChoices):
    """The age a child in the files appears to be, in the bands platforms' reviewers use."""

    INFANT = "infant", _("Infant or toddler")
    PREPUBESCENT = "prepubescent", _("Prepubescent")
    PUBESCENT = "pubescent", _("Pubescent")
    UNKNOWN = "unknown", _("Not known")


class PlatformReport(models.Model):
    """One report a platform sent: its addresses became hotline items (`PlatformReportItem`); when it
    says a child in the country is at risk, an intake report put it on the helpline's queue."""

    platform = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="platform_reports",
        verbose_name=_("platform"),
    )
    api_key = models.ForeignKey("hashing.ApiKey", on_delete=models.PROTECT, related_name="+")
    # The platform's own number for the report, to find it in their systems.
    external_id = models.CharField(_("platform's reference"), max_length=200, blank=True)
    incident_type = models.CharField(_("incident"), max_length=30, choices=IncidentType.choices)
    incident_at = models.DateTimeField(_("when it happened"), null=True, blank=True)
    # [{"algorithm": "pdq", "value": "…", "quality": 90, "known": true}, …]: hashes of the files, never
    # the files; "known": it matched a bank on arrival.
    file_hashes = models.JSONField(_("hashes of the files"), default=list, blank=True)
    # How many of those hashes matched a bank on arrival (any bank, shared or not), for the hotline.
    known_files = models.PositiveIntegerField(_("files already known"), default=0)
    # {"account_id", "username", "display_name", "email", "phone", "ip_address", "profile_url"}
    uploader = EncryptedJSONField(_("uploader's account"), default=dict, blank=True)
    reviewed_by_platform = models.BooleanField(_("platform staff looked at the files"), null=True)
    apparent_age = models.CharField(
        _("apparent age"), max_length=20, choices=ApparentAge.choices, default=ApparentAge.UNKNOWN
    )
    # {"country": "VN", "region": "…", "city": "…", "note": "…"}
    location = EncryptedJSONField(_("where the child may be"), default=dict, blank=True)
    child_at_risk = models.BooleanField(_("a child in the country may be in danger"), default=False)
    description = EncryptedTextField(_("platform's description"), blank=True, default="")
    # The hotline it was filed with (the country's, as its addresses' items are): its analysts and leads
    # read it. None for a sandbox report, which no hotline sees. Indexed by platform_report_by_hotline.
    hotline = models.ForeignKey(
        "accounts.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("hotline"),
    )
    intake_report = models.OneToOneField(
        "intake.Report",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="platform_report",
        verbose_name=_("report on the helpline's queue"),
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now)

    class Meta:
        verbose_name = _("platform report")
        verbose_name_plural = _("platform reports")
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["platform", "-received_at"], name="platform_report_by_platform"),
            models.Index(fields=["hotline", "-received_at"], name="platform_report_by_hotline"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"P-{self.pk:06d}" if self.pk else ""


class PlatformReportItem(models.Model):
    """One address of a platform's report, and the hotline item it was filed as. A sandbox report's
    addresses are kept without an item: the platform reads them back, the hotline never sees them."""

    report = models.ForeignKey(PlatformReport, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    url = EncryptedTextField(_("address as sent"))
    item = models.ForeignKey(
        "hotline.ContentItem", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["report", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "position"], name="platform_report_item_unique_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.report_id}/{self.position}"


class IdempotentAnswer(models.Model):
    """The answer given to a POST with an `Idempotency-Key`: the same key and body get it again;
    the same key with another body is refused. Kept for `PLATFORMS_IDEMPOTENCY_HOURS`."""

    agency = models.ForeignKey("accounts.Agency", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    operation = models.CharField(max_length=60)
    # SHA-256 of the request's JSON, canonical (keys sorted), so spacing does not count.
    request_digest = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    # Encrypted: an answer may hold reported addresses or a webhook's signing secret.
    body = EncryptedJSONField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "key"], name="idempotent_answer_unique_key_per_agency")
        ]

    def __str__(self) -> str:
        return f"{self.operation} {self.key[:20]}"


class PlatformHost(models.Model):
    """A hosting provider (as the hotline's traces name it) that is this platform: its notices go to
    the platform's webhooks too."""

    platform = models.ForeignKey(
        "accounts.Agency", on_delete=models.CASCADE, related_name="hosting_providers"
    )
    provider = models.OneToOneField(
        "hotline.HostingProvider", on_delete=models.CASCADE, related_name="platform_host"
    )

    def __str__(self) -> str:
        return f"{self.provider_id} is {self.platform_id}"


class WebhookSubscription(models.Model):
    """An address of the platform's that receives its notices as signed JSON."""

    platform = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="webhooks")
    url = models.URLField(_("address"), max_length=2000)
    # Signs each delivery (HMAC-SHA256); shown to the platform once, kept encrypted to sign with.
    secret = EncryptedTextField()
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"webhook {self.pk} of {self.platform_id}"


class WebhookDelivery(models.Model):
    """One notice sent to one webhook: its id travels as `Childshield-Delivery`, the same in every
    attempt, so the platform drops a repeat. The attempts, their errors and a dead letter are the
    outbox item's (`platforms.webhook_deliver:webhook-<pk>`); an admin replays it there."""

    delivery_id = models.UUIDField(unique=True)
    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.PROTECT, related_name="deliveries")
    notice = models.ForeignKey("hotline.Notice", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    # The platform's answer to the attempt that delivered it.
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "notice"], name="webhook_delivery_once_per_notice"
            )
        ]

    def __str__(self) -> str:
        return str(self.delivery_id)


class ResponseKind(models.TextChoices):
    ACKNOWLEDGED = "acknowledged", _("Received, being looked at")
    REMOVED = "removed", _("Removed by the platform")
    NOT_REMOVED = "not_removed", _("Not removed by the platform")


class NoticeResponse(models.Model):
    """What a platform answered to a notice, through the API: the time it took to act is measured
    from the notice to these. A removal is checked by the hotline (a removal check), never taken on
    trust."""

    notice = models.ForeignKey("hotline.Notice", on_delete=models.PROTECT, related_name="+")
    platform = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="notice_responses")
    api_key = models.ForeignKey("hashing.ApiKey", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("answer"), max_length=20, choices=ResponseKind.choices)
    # When the platform says it acted (it may report a removal made before it answered); never later
    # than when the answer arrived.
    acted_at = models.DateTimeField(_("acted"))
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    note = EncryptedTextField(_("platform's note"), blank=True, default="")

    class Meta:
        ordering = ["received_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "platform", "kind"], name="notice_response_once_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} to notice {self.notice_id}"


class Verdict(models.TextChoices):
    """What a platform did with uploads that matched a hash of a bank it keeps in sync."""

    BLOCKED = "blocked", _("Blocked")
    NOT_BLOCKED = "not_blocked", _("Not blocked")
    PENDING_REVIEW = "pending_review", _("Pending review")


class SignalFeedback(models.Model):
    """A platform's word on one hash of a shared bank (as StopNCII takes it): one row per hash and
    platform, updated in place, so the bank's owner sees what each hash achieved."""

    # Indexed by the unique constraint (entry first) and the bank's index.
    entry = models.ForeignKey("hashing.HashEntry", on_delete=models.PROTECT, related_name="+", db_index=False)
    # The entry's bank (an entry never moves): the bank's counts are read by index, without a join.
    bank = models.ForeignKey("hashing.HashBank", on_delete=models.PROTECT, related_name="+", db_index=False)
    platform = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="signal_feedback")
    # The key that gave the latest word.
    api_key = models.ForeignKey("hashing.ApiKey", on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField(_("verdict"), max_length=20, choices=Verdict.choices)
    note = EncryptedTextField(_("platform's note"), blank=True, default="")
    first_at = models.DateTimeField(_("first word"), default=timezone.now)
    # When the verdict became what it is: the same verdict sent again keeps its time.
    verdict_at = models.DateTimeField(_("verdict given"), default=timezone.now)
    updated_at = models.DateTimeField(_("last word"), default=timezone.now)

    class Meta:
        verbose_name = _("platform's feedback on a hash")
        verbose_name_plural = _("platforms' feedback on hashes")
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "platform"], name="signal_feedback_once_per_platform")
        ]
        indexes = [
            models.Index(fields=["bank", "platform", "verdict"], name="signal_feedback_by_bank"),
        ]

    def __str__(self) -> str:
        return f"{self.verdict} on {self.entry_id} by {self.platform_id}"
