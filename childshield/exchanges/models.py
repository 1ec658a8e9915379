"""Connections to other hash exchanges (StopNCII, NCMEC, ThreatExchange) and what each one sent us."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from childshield.core.fields import EncryptedJSONField


class ExchangeKind(models.TextChoices):
    STOPNCII = "stopncii", _("StopNCII.org")
    NCMEC = "ncmec", _("NCMEC hash sharing")
    THREATEXCHANGE = "threatexchange", _("Meta ThreatExchange")


class ExchangeConnection(models.Model):
    """One exchange account and the local bank it fills from, and sends to, the exchange.

    Runs act as `configured_by`, the member who last set the connection up: the hashes it brings
    are added through hashing's services as theirs, so a member who may no longer manage the bank
    stops the connection (its error says so). The checkpoint is written in the transaction that adds
    what it covers, never before.
    """

    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("exchange"), max_length=20, choices=ExchangeKind.choices)
    # Empty: the client's own address (python-threatexchange's default for the kind).
    base_url = models.CharField(_("address of the exchange's API"), max_length=500, blank=True)
    # ThreatExchange's privacy group; unused by the others.
    collaboration = models.CharField(_("privacy group"), max_length=100, blank=True)
    # Keys, tokens and passwords, by name (see adapters/); never shown back.
    credentials = EncryptedJSONField(default=dict, blank=True)
    bank = models.ForeignKey(
        "hashing.HashBank", on_delete=models.PROTECT, related_name="+", verbose_name=_("bank")
    )
    imports = models.BooleanField(_("import the exchange's hashes into the bank"), default=True)
    exports = models.BooleanField(_("send the bank's new hashes to the exchange"), default=False)
    is_enabled = models.BooleanField(_("enabled"), default=True)
    every_minutes = models.PositiveIntegerField(_("run every (minutes)"), default=60)
    configured_by = models.ForeignKey(
        "accounts.Membership", on_delete=models.PROTECT, related_name="+", verbose_name=_("set up by")
    )
    created_at = models.DateTimeField(default=timezone.now)

    # Where the import has reached, in the exchange's own terms (a timestamp, a cursor).
    checkpoint = models.JSONField(default=dict, blank=True)
    # The bank's history (HashChange ids) sent to the exchange up to here.
    exported_through = models.BigIntegerField(default=0)
    # One run at a time: a run holds the connection until it ends or this time passes.
    running_until = models.DateTimeField(null=True, blank=True)
    run_requested_at = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    imported_total = models.PositiveBigIntegerField(_("hashes imported"), default=0)
    removed_total = models.PositiveBigIntegerField(_("hashes withdrawn"), default=0)
    exported_total = models.PositiveBigIntegerField(_("hashes sent"), default=0)

    class Meta:
        verbose_name = _("exchange connection")
        verbose_name_plural = _("exchange connections")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="exchange_unique_name_per_agency")
        ]

    def __str__(self) -> str:
        return self.name


class ExchangeSignal(models.Model):
    """A PDQ hash the exchange sent, under the exchange's own id for it (NCMEC's entry, a
    ThreatExchange indicator; StopNCII's is the hash itself).

    A withdrawal names that id, so this is how it finds the hash; `entry` is the bank's entry the
    import added for it (None when the bank held the hash already: a withdrawal then leaves it).
    An export never sends back what the exchange sent.
    """

    connection = models.ForeignKey(ExchangeConnection, on_delete=models.CASCADE, related_name="signals")
    remote_id = models.CharField(max_length=200)
    value = models.CharField(max_length=64)
    entry = models.ForeignKey(
        "hashing.HashEntry", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["connection", "remote_id"], name="exchangesignal_unique_id")
        ]
        indexes = [models.Index(fields=["connection", "value"], name="exchangesignal_value")]

    def __str__(self) -> str:
        return f"{self.remote_id}: {self.value[:16]}…"
