"""The services directory: who helps children, where, when, in which languages, and how to reach them.

Everything here is about organisations, never about a person, so nothing is encrypted; edits are
audited all the same, because a wrong number sends a child to the wrong door.
"""

from __future__ import annotations

from datetime import datetime, time

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from childshield.places.models import NAME_LANGUAGES, localised


class ServiceKind(models.TextChoices):
    """The ASEAN minimum basic service package for child victims of OCSEA (case services use it too)."""

    CASE_MANAGEMENT = "case_management", _("Case management")
    SOCIAL_SERVICE = "social_service", _("Social-service support")
    FAMILY_BASED_CARE = "family_based_care", _("Family-based care")
    MHPSS = "mhpss", _("Mental health and psychosocial support")
    HEALTH = "health", _("Health and medical care")
    JUSTICE = "justice", _("Justice and law enforcement")
    CONTENT_REMOVAL = "content_removal", _("Removal of abuse material")
    COMPENSATION = "compensation", _("Compensation")
    EDUCATION = "education", _("Education and vocational training")
    SOCIAL_PROTECTION = "social_protection", _("Social protection")


class ServiceLanguage(models.TextChoices):
    """Languages a service works in: the three of the system, the pilot areas' minority languages, signing."""

    VI = "vi", _("Vietnamese")
    KM = "km", _("Khmer")
    EN = "en", _("English")
    # ISO 639-3 codes of languages spoken in the pilot provinces (Quảng Bình, Kon Tum).
    BRU = "bru", _("Bru (Vân Kiều)")
    SEDANG = "sed", _("Xơ Đăng (Sedang)")
    BAHNAR = "bdq", _("Ba Na (Bahnar)")
    JARAI = "jra", _("Gia Rai (Jarai)")
    HMONG = "hmn", _("Hmong")
    SIGN = "sgn", _("Sign language")


class Weekday(models.IntegerChoices):
    # datetime.weekday() numbering, so a moment's day needs no translation.
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class Resource(models.Model):
    """A service children and families can be sent to: a clinic, a legal aid office, a shelter, a helpline."""

    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2, e.g. VN, KH."))
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200, blank=True)
    name_km = models.CharField(_("name (Khmer)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    areas = models.ManyToManyField(
        "places.Area",
        verbose_name=_("areas served"),
        related_name="+",
        help_text=_("Choose the country itself for a service that helps everyone in it."),
    )
    # Open all day, every day: no opening hours rows are needed then.
    always_open = models.BooleanField(_("open 24 hours, 7 days"), default=False)
    phone = models.CharField(_("phone"), max_length=60, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.TextField(_("address"), blank=True)
    website = models.URLField(_("website"), blank=True)
    agency = models.ForeignKey(
        "accounts.Agency",
        verbose_name=_("agency in childshield"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="directory_resources",
        help_text=_("The agency that runs this service here, so a referral can be sent to it."),
    )
    accepts_self_referral = models.BooleanField(_("children and families can go directly"), default=False)
    free_of_charge = models.BooleanField(_("free of charge"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    last_verified = models.DateField(_("last checked"), null=True, blank=True)
    # Names, address and notes folded as blind_index.normalise folds them, so "tam ly" finds "Tâm lý".
    search_text = models.TextField(editable=False, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["country", "name_en", "name_vi", "id"]
        indexes = [models.Index(fields=["country", "is_active"], name="directory_resource_country")]

    def __str__(self) -> str:
        return self.name

    def display_name(self, language: str | None = None) -> str:
        values = {lang: getattr(self, f"name_{lang}") for lang in NAME_LANGUAGES}
        return localised(values=values, language=language or get_language()) or f"#{self.pk}"

    @property
    def name(self) -> str:
        return self.display_name()

    def clean(self) -> None:
        if not any(getattr(self, f"name_{lang}").strip() for lang in NAME_LANGUAGES):
            raise ValidationError({"name_en": _("Give the service a name in at least one language.")})

    # These read prefetched rows (see selectors), so a list of services costs no query per row.
    @property
    def kind_values(self) -> list[str]:
        return sorted((row.kind for row in self.kinds.all()), key=ServiceKind.values.index)

    @property
    def kind_labels(self) -> list[str]:
        labels = dict(ServiceKind.choices)
        return [str(labels[kind]) for kind in self.kind_values]

    @property
    def language_values(self) -> list[str]:
        return sorted(
            (row.language for row in self.languages.all()),
            key=lambda code: ServiceLanguage.values.index(code) if code in ServiceLanguage.values else 99,
        )

    @property
    def language_labels(self) -> list[str]:
        labels = dict(ServiceLanguage.choices)
        return [str(labels.get(code, code)) for code in self.language_values]

    def is_open_at(self, moment: datetime) -> bool:
        """Whether the service is open at `moment`, read in the server's time zone."""
        if self.always_open:
            return True
        local = timezone.localtime(moment)
        return any(hours.covers(local.weekday(), local.time()) for hours in self.hours.all())

    def hours_by_day(self) -> list[tuple[str, list[OpeningHours]]]:
        """Each weekday's label with its ranges, Monday first; a day without ranges is closed."""
        rows = sorted(self.hours.all(), key=lambda row: (row.weekday, row.opens))
        return [(str(label), [row for row in rows if row.weekday == day]) for day, label in Weekday.choices]


class ResourceKind(models.Model):
    """One kind of service from the ASEAN package that a resource offers."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="kinds")
    kind = models.CharField(_("kind of service"), max_length=30, choices=ServiceKind.choices)

    class Meta:
        verbose_name = _("kind of service offered")
        verbose_name_plural = _("kinds of service offered")
        constraints = [models.UniqueConstraint(fields=["resource", "kind"], name="directory_kind_once")]
        indexes = [models.Index(fields=["kind", "resource"], name="directory_kind_lookup")]

    def __str__(self) -> str:
        return self.kind


class ResourceLanguage(models.Model):
    """A language the service's staff can work in with a child or family."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="languages")
    language = models.CharField(_("language"), max_length=10, choices=ServiceLanguage.choices)

    class Meta:
        verbose_name = _("language spoken")
        verbose_name_plural = _("languages spoken")
        constraints = [
            models.UniqueConstraint(fields=["resource", "language"], name="directory_language_once")
        ]
        indexes = [models.Index(fields=["language", "resource"], name="directory_language_lookup")]

    def __str__(self) -> str:
        return self.language


class OpeningHours(models.Model):
    """One opening range on one weekday. A range that closes at or before it opens runs past midnight."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="directory_hours_weekday"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"

    @property
    def overnight(self) -> bool:
        return self.closes <= self.opens

    def covers(self, weekday: int, at: time) -> bool:
        if self.overnight:
            return (weekday == self.weekday and at >= self.opens) or (
                weekday == (self.weekday + 1) % 7 and at < self.closes
            )
        return weekday == self.weekday and self.opens <= at < self.closes
