"""The chat channels children write to the helpline through, the conversations on them, and the
state of each reply sent out.

A conversation knows its sender only as the provider's id, encrypted (a reply needs it), and a keyed
hash of it (so a returning sender is recognised and a blocked one refused, without decrypting). A
provider's profile data (names, phone numbers beyond the address itself, pictures, usernames) is
never stored.
"""

import secrets
from datetime import datetime, time, timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from childshield.core.fields import EncryptedJSONField, EncryptedTextField


class ChannelKind(models.TextChoices):
    WEB = "web", _("Web chat")
    TELEGRAM = "telegram", "Telegram"
    MESSENGER = "messenger", "Facebook Messenger"
    ZALO = "zalo", _("Zalo Official Account")
    TWILIO = "twilio", _("SMS (Twilio-compatible gateway)")
    SMS_GATEWAY = "sms_gateway", _("SMS (plain HTTP gateway)")


def _webhook_key() -> str:
    return secrets.token_urlsafe(24)


ALL_DAYS = [0, 1, 2, 3, 4, 5, 6]


class ChatChannel(models.Model):
    """One account children can write to (a Telegram bot, a Facebook page, a Zalo OA, an SMS number),
    or the web chat. Its token and secret are encrypted; its webhook address holds a random key."""

    kind = models.CharField(_("kind"), max_length=20, choices=ChannelKind.choices)
    name = models.CharField(_("name"), max_length=100, help_text=_("How counsellors see it, e.g. 111 Zalo."))
    enabled = models.BooleanField(_("on"), default=True)
    webhook_key = models.CharField(max_length=64, unique=True, default=_webhook_key, editable=False)
    token = EncryptedTextField(
        _("access token"), blank=True, default="", help_text=_("What the provider gave to send messages.")
    )
    secret = EncryptedTextField(
        _("secret"),
        blank=True,
        default="",
        help_text=_("What checks that a message really comes from the provider."),
    )
    # What a kind needs beyond the token and secret (a Zalo app id and refresh token, a Messenger
    # verify token, a Twilio account and number, a gateway's sending address); encrypted.
    config = EncryptedJSONField(_("settings"), default=dict, blank=True)
    opens_at = models.TimeField(_("opens at"), null=True, blank=True, help_text=_("Empty: always open."))
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    open_days = models.JSONField(_("open on"), default=list, blank=True, help_text=_("0 is Monday."))
    shared_account_warning = models.BooleanField(
        _("warn that others may see the chat"),
        default=False,
        help_text=_("Say in the first answer that people who share the phone or account may read it."),
    )
    created_at = models.DateTimeField(_("added"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("chat channel")
        verbose_name_plural = _("chat channels")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.kind})"

    def is_open(self, at: datetime) -> bool:
        """Whether counsellors answer at `at` (in the server's time zone)."""
        local = timezone.localtime(at)
        if (self.open_days or ALL_DAYS) and local.weekday() not in (self.open_days or ALL_DAYS):
            return False
        if self.opens_at is None or self.closes_at is None or self.opens_at == self.closes_at:
            return True
        now = local.time()
        if self.opens_at < self.closes_at:
            return self.opens_at <= now < self.closes_at
        return now >= self.opens_at or now < self.closes_at  # open across midnight

    def next_opening(self, at: datetime) -> datetime | None:
        """When counsellors next answer, if they do not now; None when they do."""
        if self.is_open(at):
            return None
        local = timezone.localtime(at)
        opens = self.opens_at or time(0, 0)
        for days in range(0, 8):
            day = (local + timedelta(days=days)).date()
            start = timezone.make_aware(datetime.combine(day, opens), local.tzinfo)
            if start > local and self.is_open(start):
                return start
        return None


class Conversation(models.Model):
    """One sender on one channel, and the report their messages go to."""

    channel = models.ForeignKey(ChatChannel, on_delete=models.PROTECT, related_name="conversations")
    sender_key = models.CharField(max_length=64)
    # The provider's id of the sender (a chat id, a page-scoped id, a phone number): replies need it.
    address = EncryptedTextField()
    report = models.OneToOneField(
        "intake.Report", on_delete=models.CASCADE, related_name="conversation", verbose_name=_("report")
    )
    last_inbound_at = models.DateTimeField(_("last message from the sender"), default=timezone.now)
    # The sender sent the code word: nothing more is sent to them until they write again.
    paused_at = models.DateTimeField(_("paused"), null=True, blank=True)
    created_at = models.DateTimeField(_("begun"), default=timezone.now)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "sender_key"], name="messaging_one_conversation_per_sender"
            )
        ]

    def __str__(self) -> str:
        return f"conversation {self.pk} on {self.channel_id}"


class InboundEvent(models.Model):
    """A provider's delivery already taken: the same message delivered again is dropped. The provider's
    id is kept as a keyed hash (`services._key`): some name their sender."""

    channel = models.ForeignKey(ChatChannel, on_delete=models.CASCADE, related_name="+")
    event_id = models.CharField(max_length=200)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "event_id"], name="messaging_inbound_event_once")
        ]
        indexes = [models.Index(fields=["received_at"], name="messaging_inbound_received")]

    def __str__(self) -> str:
        return f"event on channel {self.channel_id}"


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Not sent")


class DeliveryProblem(models.TextChoices):
    """Why a reply was not sent, as the counsellor reads it (the provider's own words stay out)."""

    REFUSED = "refused", _("The app refused it.")
    SWITCHED_OFF = "switched_off", _("The channel is switched off.")
    WINDOW_CLOSED = (
        "window_closed",
        _("The app lets the helpline answer only for a while: the child must write first."),
    )
    SETTINGS = "settings", _("The channel's settings miss something: ask a supervisor.")
    GAVE_UP = "gave_up", _("The app did not take it after many tries.")


class Delivery(models.Model):
    """A message to the reporter sent out through the channel; its outbox item does the sending."""

    message = models.OneToOneField("intake.ReportMessage", on_delete=models.CASCADE, related_name="delivery")
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="deliveries")
    state = models.CharField(max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    # Why it was not sent: for the counsellor, and the provider's answer for the operators (it quotes
    # no one: a status or error code).
    problem = models.CharField(max_length=20, choices=DeliveryProblem.choices, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    provider_message_id = models.CharField(max_length=200, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self) -> str:
        return f"delivery {self.pk} ({self.state})"

    @property
    def outbox_key(self) -> str:
        return f"messaging.send:delivery-{self.pk}"


class BlockedSender(models.Model):
    """A sender a supervisor blocked for abuse: their messages never reach the queue."""

    channel = models.ForeignKey(ChatChannel, on_delete=models.CASCADE, related_name="blocked_senders")
    sender_key = models.CharField(max_length=64)
    blocked_by = models.ForeignKey("accounts.Membership", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=200)
    # How many messages were refused since, so the supervisor sees whether it still goes on.
    refused = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["channel", "sender_key"], name="messaging_block_once")]

    def __str__(self) -> str:
        return f"blocked sender {self.pk} on channel {self.channel_id}"


class ReceivedPicture(models.Model):
    """A picture a sender sent: hashed in memory and matched against the banks, never kept here. The
    provider's reference to the file (encrypted) lets a counsellor pass it to the hotline's evidence
    store, which fetches it again and keeps it encrypted."""

    message = models.OneToOneField("intake.ReportMessage", on_delete=models.CASCADE, related_name="picture")
    file_ref = EncryptedTextField(blank=True, default="")
    pdq = models.CharField(max_length=64, blank=True)
    pdq_quality = models.PositiveSmallIntegerField(null=True, blank=True)
    md5 = models.CharField(max_length=32, blank=True)
    matched_entries = models.PositiveIntegerField(default=0)
    # Why it could not be hashed (fetched nothing, not a picture), in words that quote no one.
    problem = models.CharField(max_length=200, blank=True)
    passed_to_hotline_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"picture of message {self.message_id}"
