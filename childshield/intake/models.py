"""Reports from every channel and the thread between the person who reported and the helpline."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from childshield.core.choices import ReporterAgeBand, ReporterGender, WritingLanguage
from childshield.core.fields import EncryptedJSONField, EncryptedTextField
from childshield.hashing.models import Algorithm


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    PHONE = "phone", _("Phone")
    CHAT = "chat", _("Web chat")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")
    WALK_IN = "walk_in", _("In person")
    PLATFORM = "platform", _("Platform")
    PARTNER = "partner", _("Partner hotline")
    BLOCK_IMAGE = "block_image", _("Block an image")
    TELEGRAM = "telegram", "Telegram"
    MESSENGER = "messenger", "Messenger"
    ZALO = "zalo", "Zalo"


# The channels whose reports are conversations, held by a counsellor as a chat (capped per counsellor).
CHAT_CHANNELS = frozenset({Channel.CHAT, Channel.TELEGRAM, Channel.MESSENGER, Channel.ZALO, Channel.SMS})


class About(models.TextChoices):
    ME = "me", _("Me")
    FRIEND = "friend", _("A friend")
    CHILD_I_KNOW = "child_i_know", _("A child I know")
    SEEN_ONLINE = "seen_online", _("Something I saw online")


class Harm(models.TextChoices):
    THREATENED = "threatened", _("Someone threatens to share my pictures or asks for money")
    ASKED_FOR_PICTURES = "asked_for_pictures", _("Someone asked for sexual pictures or videos")
    PICTURES_SHARED = "pictures_shared", _("Private pictures were shared without saying yes")
    UNWANTED_IMAGES = "unwanted_images", _("Someone sent sexual pictures I did not want")
    GROOMING = "grooming", _("An older person is too friendly, gives gifts or wants to meet")
    BULLYING = "bullying", _("Sexual comments, jokes or rumours that hurt")
    ABUSE_MATERIAL = "abuse_material", _("I saw sexual pictures or videos of a child")
    OTHER = "other", _("Something else")


class Platform(models.TextChoices):
    FACEBOOK = "facebook", "Facebook"
    MESSENGER = "messenger", "Messenger"
    ZALO = "zalo", "Zalo"
    TIKTOK = "tiktok", "TikTok"
    YOUTUBE = "youtube", "YouTube"
    INSTAGRAM = "instagram", "Instagram"
    TELEGRAM = "telegram", "Telegram"
    DISCORD = "discord", "Discord"
    GAME = "game", _("An online game")
    WEBSITE = "website", _("A website")
    OTHER = "other", _("Somewhere else")
    UNKNOWN = "unknown", _("I don't know")


class When(models.TextChoices):
    STILL = "still", _("It is still happening")
    TODAY = "today", _("Today")
    THIS_WEEK = "this_week", _("This week")
    THIS_MONTH = "this_month", _("This month")
    EARLIER = "earlier", _("Longer ago")
    NOT_SURE = "not_sure", _("I'm not sure")


class SafeNow(models.TextChoices):
    YES = "yes", _("Yes, I am safe")
    NO = "no", _("No, I am not safe")
    NOT_SURE = "not_sure", _("I'm not sure")


class ContactMethod(models.TextChoices):
    NONE = "none", _("Do not contact me. I will come back to this page.")
    PHONE = "phone", _("Phone call or text")
    ZALO = "zalo", "Zalo"
    MESSENGER = "messenger", "Messenger"
    EMAIL = "email", _("E-mail")


class ReportStatus(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Being answered")
    CLOSED = "closed", _("Closed")


class Screening(models.TextChoices):
    """Which lane a report waits in: anti-abuse never drops a report, it only sorts it below."""

    CLEAR = "clear", _("Clear")
    FLOOD = "flood", _("Sent in a burst from one place")
    AUTOMATED = "automated", _("Looks automated")


class Report(models.Model):
    """What someone told us, from any channel. Free text, web addresses and contact are encrypted."""

    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.WEB)
    country = models.CharField(
        _("country"), max_length=2, help_text=_("The country whose helpline received it.")
    )
    reference = models.CharField(_("reference code"), max_length=16, unique=True)
    # A password-style hash (Django's hashers): the passphrase itself is never stored.
    passphrase_hash = models.CharField(_("passphrase hash"), max_length=200, blank=True)
    # Blank for a conversation begun in a chat, where nobody asked yet.
    about = models.CharField(_("about whom"), max_length=20, choices=About.choices, blank=True)
    harms = models.JSONField(_("what happened"), default=list, blank=True)
    description = EncryptedTextField(_("in their own words"), blank=True, default="")
    platform = models.CharField(_("where"), max_length=20, choices=Platform.choices, blank=True)
    urls = EncryptedJSONField(_("web addresses"), default=list, blank=True)
    source = models.CharField(
        _("came from"), max_length=50, blank=True, help_text=_("The ?from= of the link that opened the form.")
    )
    happened = models.CharField(_("when"), max_length=20, choices=When.choices, blank=True)
    safe_now = models.CharField(_("safe now"), max_length=20, choices=SafeNow.choices, blank=True)
    is_urgent = models.BooleanField(_("urgent"), default=False)
    age_band = models.CharField(_("age"), max_length=20, choices=ReporterAgeBand.choices, blank=True)
    gender = models.CharField(_("gender"), max_length=20, choices=ReporterGender.choices, blank=True)
    province = models.ForeignKey(
        "places.Area", verbose_name=_("province"), null=True, blank=True, on_delete=models.PROTECT
    )
    contact_method = models.CharField(
        _("may we contact"), max_length=20, choices=ContactMethod.choices, default=ContactMethod.NONE
    )
    contact = EncryptedTextField(_("contact"), null=True, blank=True)
    # The page's language when reported; the language the child asked to be answered in, if they chose.
    language = models.CharField(_("language"), max_length=10, blank=True)
    reply_language = models.CharField(
        _("answer in"), max_length=10, choices=WritingLanguage.choices, blank=True, default=""
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.NEW
    )
    screening = models.CharField(
        _("screening"), max_length=20, choices=Screening.choices, default=Screening.CLEAR
    )
    # SHA-256 of the form's one-time token: the same form sent twice makes one report.
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("received"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["country", "status", "screening", "created_at"], name="intake_report_queue"),
        ]

    def __str__(self) -> str:
        return self.display_reference

    @property
    def display_reference(self) -> str:
        """The code as shown to people: two groups of four, easier to read aloud and copy."""
        return f"{self.reference[:4]}-{self.reference[4:]}" if len(self.reference) == 8 else self.reference

    def harm_labels(self) -> list[str]:
        labels = dict(Harm.choices)
        return [str(labels.get(harm, harm)) for harm in self.harms]

    def language_label(self) -> str:
        """The language of the page the report was written on, named in its own script, as the
        language the child asked to be answered in is (`get_reply_language_display`)."""
        return str(dict(WritingLanguage.choices).get(self.language, self.language))


class Sender(models.TextChoices):
    REPORTER = "reporter", _("The person who reported")
    STAFF = "staff", _("Helpline")
    # The helpline's own words sent by the system (a chat's first answer, the words after STOP).
    AUTOMATIC = "automatic", _("Helpline (automatic message)")


class MessageKind(models.TextChoices):
    """What a message carried: words, or something a chat app can send that is not words. Only words
    are kept; of anything else, that it came (a picture is hashed and matched, never kept here)."""

    TEXT = "text", _("Words")
    PICTURE = "picture", _("A picture")
    VIDEO = "video", _("A video")
    AUDIO = "audio", _("A voice message")
    STICKER = "sticker", _("A sticker")
    LOCATION = "location", _("A location")
    FILE = "file", _("A file")
    OTHER = "other", _("Something the helpline cannot show")


class ReportMessage(models.Model):
    """One message in a report's thread, from the person who reported or from helpline staff."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="messages")
    sender = models.CharField(_("from"), max_length=20, choices=Sender.choices)
    author = models.ForeignKey(
        "accounts.Membership",
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="report_messages",
    )
    body = EncryptedTextField(_("message"), blank=True, default="")
    kind = models.CharField(_("kind"), max_length=10, choices=MessageKind.choices, default=MessageKind.TEXT)
    # Set when the words were cut to MESSAGE_MAX_LENGTH: how many letters the sender wrote.
    cut_from = models.PositiveIntegerField(_("cut from"), null=True, blank=True)
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("report message")
        verbose_name_plural = _("report messages")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(sender="staff", author__isnull=False))
                | (models.Q(sender__in=["reporter", "automatic"], author__isnull=True)),
                name="intake_message_author_matches_sender",
            )
        ]

    def __str__(self) -> str:
        return f"{self.report_id} · {self.sender} · {self.created_at:%Y-%m-%d %H:%M}"


# Blocking an image ------------------------------------------------------------------------------


class FileKind(models.TextChoices):
    IMAGE = "image", _("Picture")
    VIDEO = "video", _("Video")


class BlockedImageState(models.TextChoices):
    PENDING = "pending", _("Waiting for a hotline analyst")
    ACCEPTED = "accepted", _("In the self-submitted bank")
    REJECTED = "rejected", _("Not shared")


class SelfSubmittedPolicy(models.Model):
    """Whether a hotline shares the hashes children send at once, or only after an analyst's review."""

    agency = models.OneToOneField(
        "accounts.Agency",
        verbose_name=_("hotline"),
        on_delete=models.CASCADE,
        related_name="self_submitted_policy",
    )
    share_at_once = models.BooleanField(
        _("share at once"),
        default=False,
        help_text=_("Put children's hashes in the self-submitted bank without waiting for a review."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("self-submitted hash policy")
        verbose_name_plural = _("self-submitted hash policies")

    def __str__(self) -> str:
        return f"{self.agency_id}: {'at once' if self.share_at_once else 'after review'}"


class BlockedImage(models.Model):
    """One hash of one file a child asked to block; the file itself never reached us."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="blocked_images")
    file_number = models.PositiveSmallIntegerField(
        _("file"), help_text=_("In the order the files were picked.")
    )
    kind = models.CharField(_("kind of file"), max_length=10, choices=FileKind.choices)
    algorithm = models.CharField(_("algorithm"), max_length=10, choices=Algorithm.choices)
    value = models.CharField(_("hash"), max_length=64)
    quality = models.PositiveSmallIntegerField(_("PDQ quality"), null=True, blank=True)
    hotline = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("hotline"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The hotline that decides; empty while the country has none."),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=BlockedImageState.choices, default=BlockedImageState.PENDING
    )
    reviewed_by = models.ForeignKey(
        "accounts.Membership",
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    entry = models.ForeignKey(
        "hashing.HashEntry",
        verbose_name=_("bank entry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("received"), default=timezone.now)

    class Meta:
        verbose_name = _("hash to block")
        verbose_name_plural = _("hashes to block")
        ordering = ["created_at", "report_id", "file_number", "algorithm"]
        indexes = [models.Index(fields=["state", "created_at"], name="intake_blocked_image_queue")]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "algorithm", "value"], name="intake_blocked_image_unique_per_report"
            ),
            models.CheckConstraint(
                condition=models.Q(quality__isnull=True) | models.Q(quality__lte=100),
                name="intake_blocked_image_quality_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.algorithm}:{self.value[:16]}…"


class SourceLinkKind(models.TextChoices):
    SCHOOL = "school", _("School")
    CAMPAIGN = "campaign", _("Campaign")
    PLATFORM = "platform", _("Platform")
    OTHER = "other", _("Other")


# The areas a link may be published one by one at: a link of a district, a commune or a school in one
# would show how many children of one small place reported (docs/indicators.md, R3).
SOURCE_LINK_PUBLISHABLE_LEVELS = ("country", "province")


class SourceLink(models.Model):
    """A registered `?from=` value of the report form's links (docs/reporting-links.md): who hands it
    out, so that R3 can count reports per kind of link, and per link where that is safe to publish."""

    country = models.CharField(_("country"), max_length=2)
    code = models.SlugField(
        _("code"), max_length=50, help_text=_("The value after ?from= in the link, e.g. kim-thuy-school.")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=SourceLinkKind.choices)
    area = models.ForeignKey(
        "places.Area",
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Where the link is handed out, if in one place."),
    )
    label = models.CharField(_("label"), max_length=200, help_text=_("How the figures name the link."))
    published = models.BooleanField(
        _("shown on its own in the figures"),
        default=False,
        help_text=_(
            "Only for a link of the whole country or of one province: a link of a smaller place is "
            "counted with its kind only."
        ),
    )

    class Meta:
        verbose_name = _("source link")
        verbose_name_plural = _("source links")
        ordering = ["country", "code"]
        constraints = [
            models.UniqueConstraint(fields=["country", "code"], name="sourcelink_unique_code_per_country")
        ]

    def __str__(self) -> str:
        return f"{self.country}: {self.code}"

    def clean(self) -> None:
        if self.published and self.area is not None and self.area.level not in SOURCE_LINK_PUBLISHABLE_LEVELS:
            raise ValidationError(
                {"published": _("A link of a place smaller than a province cannot be shown on its own.")}
            )

    @property
    def may_be_published(self) -> bool:
        """Shown one by one: said so, and of the whole country or one province (checked again here,
        since an area's level is what decides, whatever was saved)."""
        return self.published and (self.area is None or self.area.level in SOURCE_LINK_PUBLISHABLE_LEVELS)
