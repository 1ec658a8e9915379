"""Hash banks and their entries, their history, list imports, match records, API keys and their calls."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Algorithm(models.TextChoices):
    PDQ = "pdq", _("PDQ (image, perceptual)")
    MD5 = "md5", _("MD5 (exact file)")
    SHA256 = "sha256", _("SHA-256 (exact file)")
    VPDQ = "vpdq", _("vPDQ (video, perceptual)")


# Hex digits in a value of each algorithm. A vPDQ entry's value is the SHA-256 of its frame list
# (VideoHash.frames), never typed in as such.
HEX_LENGTH = {Algorithm.PDQ: 64, Algorithm.MD5: 32, Algorithm.SHA256: 64}
PDQ_MIN_QUALITY = 50


class BankSource(models.TextChoices):
    HOTLINE_CONFIRMED = "hotline_confirmed", _("Confirmed by the hotline")
    SELF_SUBMITTED = "self_submitted", _("Submitted by a child to block their own image")
    IMPORTED_LIST = "imported_list", _("Imported list")
    PARTNER_EXCHANGE = "partner_exchange", _("Partner exchange")
    # Hashes of drawn pictures and random values, for platforms' sandbox keys only (never real material).
    SYNTHETIC = "synthetic", _("Synthetic test hashes, for sandbox keys")


class SharingPolicy(models.TextChoices):
    NOT_SHARED = "not_shared", _("Not shared: used by the hotline only")
    TRUSTED_PLATFORMS = "trusted_platforms", _("Shared with vetted platforms")
    ALL_PLATFORMS = "all_platforms", _("Shared with every platform")


class HashBank(models.Model):
    name = models.CharField(_("name"), max_length=200)
    owner = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="hash_banks", verbose_name=_("owner agency")
    )
    source = models.CharField(_("source"), max_length=30, choices=BankSource.choices)
    sharing = models.CharField(_("sharing policy"), max_length=30, choices=SharingPolicy.choices)
    description = models.TextField(_("description"), blank=True)
    is_enabled = models.BooleanField(_("used for matching"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Kept by the services that add and remove entries, in their transaction, so that listing
    # banks never counts their entries (millions) again.
    live_entries = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("hash bank")
        verbose_name_plural = _("hash banks")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="hashbank_unique_name_per_owner")
        ]

    def __str__(self) -> str:
        return self.name


class HashEntry(models.Model):
    """One hash in one bank. Removal keeps the row as a tombstone, so that sync can tell platforms."""

    bank = models.ForeignKey(HashBank, on_delete=models.PROTECT, related_name="entries")
    algorithm = models.CharField(_("algorithm"), max_length=10, choices=Algorithm.choices)
    value = models.CharField(_("hash"), max_length=64)
    quality = models.PositiveSmallIntegerField(_("PDQ quality"), null=True, blank=True)
    source_reference = models.CharField(
        _("source"), max_length=200, blank=True, help_text=_("Where the hash came from, e.g. a hotline item.")
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    removal_reason = models.CharField(_("reason for removal"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("hash entry")
        verbose_name_plural = _("hash entries")
        ordering = ["-added_at", "-pk"]
        indexes = [models.Index(fields=["algorithm", "value"], name="hashentry_lookup")]
        constraints = [
            models.UniqueConstraint(
                fields=["bank", "algorithm", "value"],
                condition=Q(removed_at__isnull=True),
                name="hashentry_unique_live_value_per_bank",
            )
        ]

    def __str__(self) -> str:
        return f"{self.algorithm}:{self.value[:16]}…"

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None


class VideoHash(models.Model):
    """The frames of a vPDQ entry, whose value is the SHA-256 of `frames`.

    `frames` is the reference's text, one "frame_number,quality,hash,timestamp" line per frame,
    without frames that repeat the hash of the frame before (a still scene).
    """

    entry = models.OneToOneField(HashEntry, on_delete=models.PROTECT, primary_key=True, related_name="video")
    frames = models.TextField(_("frame hashes"))
    frame_count = models.PositiveIntegerField(_("frames"))
    duration = models.FloatField(_("seconds"), help_text=_("The timestamp of the last frame hashed."))

    class Meta:
        verbose_name = _("video hash")
        verbose_name_plural = _("video hashes")

    def __str__(self) -> str:
        return f"vpdq {self.entry_id}: {self.frame_count} frames"


class ChangeKind(models.TextChoices):
    ADDED = "added", _("Added")
    REMOVED = "removed", _("Removed")


class HashChange(models.Model):
    """The bank's history, in order; match workers replay it to keep their index current."""

    bank = models.ForeignKey(HashBank, on_delete=models.PROTECT, related_name="changes")
    entry = models.ForeignKey(HashEntry, on_delete=models.PROTECT, related_name="changes")
    kind = models.CharField(max_length=10, choices=ChangeKind.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.entry_id}"


class MatchScopeVersion(models.Model):
    """One row whose number changes whenever the banks some caller matches against may change.

    Processes remember each caller's bank ids while this number stays the same (hashing/scope.py);
    the services that create a bank, change its sharing, switch it on or off, or revoke a key set
    it in their own transaction. A new random number each time rather than a count, so that a
    restored database or a test's rolled-back one never shows a number a process has seen before.
    """

    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"match scope {self.version}"


class ImportFormat(models.TextChoices):
    SIGNALS = "signals", _("HMA / ThreatExchange signal file (type and value, CSV or TSV)")
    MD5_LIST = "md5_list", _("Plain list of MD5 hashes")
    SHA256_LIST = "sha256_list", _("Plain list of SHA-256 hashes")
    STOPNCII = "stopncii", _("StopNCII-style PDQ entries (hash and quality)")
    VPDQ = "vpdq", _("vPDQ frame lists (frame_number,quality,hash,timestamp), one video per “# video” block")


class ImportStatus(models.TextChoices):
    IMPORTED = "imported", _("Imported")
    REJECTED = "rejected", _("Rejected: nothing was imported")


class HashImport(models.Model):
    bank = models.ForeignKey(HashBank, on_delete=models.PROTECT, related_name="imports")
    format = models.CharField(_("format"), max_length=20, choices=ImportFormat.choices)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices)
    lines = models.PositiveIntegerField(_("lines read"), default=0)
    added = models.PositiveIntegerField(_("hashes added"), default=0)
    already_present = models.PositiveIntegerField(_("hashes already in the bank"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-imported_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.filename or self.format} ({self.status})"


class MatchChannel(models.TextChoices):
    API = "api", _("API")
    STAFF = "staff", _("Staff page")
    SERVICE = "service", _("Another part of childshield")


class MatchRecord(models.Model):
    """One hash looked up: the hash, when, and what it matched. Never the content itself."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    channel = models.CharField(max_length=10, choices=MatchChannel.choices)
    agency = models.ForeignKey("accounts.Agency", null=True, on_delete=models.PROTECT, related_name="+")
    algorithm = models.CharField(max_length=10, choices=Algorithm.choices)
    value = models.CharField(max_length=64)
    matched = models.BooleanField()
    # [{"entry": id, "bank": id, "distance": n}, ...]
    result = models.JSONField(default=list)
    # The key of a platform's call; a successful match call is told by its records alone (no ApiCall).
    api_key = models.ForeignKey("ApiKey", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.algorithm}:{self.value[:16]}…"


class ApiScope(models.TextChoices):
    """What a key's holder may do with it; each API view names the one it requires."""

    MATCH = "match", _("Match hashes and images")
    BANKS_READ = "banks:read", _("Read the banks' hash lists")
    REPORTS_WRITE = "reports:write", _("Send reports")
    NOTICES = "notices", _("Receive and answer notices")


class ApiKey(models.Model):
    """A secret an agency's system (for now: a platform's) uses to call the API, for its scopes.

    Only a SHA-256 of the key is stored; the key is shown once, when it is issued. A rotated key
    names the key that replaced it and works on until its `expires_at`, the overlap a platform
    needs to deploy the new one.
    """

    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="hashing_api_keys")
    name = models.CharField(_("name"), max_length=200)
    prefix = models.CharField(max_length=12, unique=True)
    key_digest = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(_("scopes"), default=list)  # ApiScope values
    created_at = models.DateTimeField(default=timezone.now)
    # None: created from the command line (`create_platform_credential`), by the server's administrator.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    replaced_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("replaced by"),
    )

    # A sandbox key matches and reads the synthetic banks only, and what it sends is kept apart from
    # the hotline's and the helpline's work (platforms/services/sandbox.py).
    is_sandbox = models.BooleanField(_("sandbox"), default=False)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    def scope_labels(self) -> list[str]:
        return [str(ApiScope(scope).label) for scope in self.scopes if scope in ApiScope.values]


class ApiCall(models.Model):
    """One call made with an API key, but a successful match (its MatchRecords carry the key)."""

    key = models.ForeignKey(ApiKey, on_delete=models.PROTECT, related_name="calls", db_index=False)
    at = models.DateTimeField(default=timezone.now)
    operation = models.CharField(max_length=60)  # the view's OpenAPI operation id, or its class's name
    method = models.CharField(max_length=8)
    status = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["key", "at"], name="apicall_key_at")]

    def __str__(self) -> str:
        return f"{self.method} {self.operation}: {self.status}"
