"""Administrative areas as data, with their history, and each country's helpline numbers."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from childshield.accounts.models import Role

# Names are stored per language; these are the columns, in the order a missing name falls back.
NAME_LANGUAGES: tuple[str, ...] = ("vi", "km", "en")
NAME_FALLBACK: tuple[str, ...] = ("en", "vi", "km")

country_code_validator = RegexValidator(
    r"^[A-Z]{2}\Z", _("Two capital letters (ISO 3166-1 alpha-2), e.g. VN.")
)
area_code_validator = RegexValidator(
    r"^[A-Z]{2}[A-Z0-9-]*\Z", _("Capital letters, digits and hyphens, starting with the country, e.g. VN44.")
)


def _language_prefix(language: str | None) -> str:
    # "en-us" and "vi_VN" both mean the same stored column as "en" and "vi".
    return (language or "").replace("_", "-").split("-")[0].lower()


def localised(*, values: dict[str, str], language: str | None) -> str:
    """The value for `language`, else the English, Vietnamese, then Khmer one; "" if all are blank."""
    preferred = _language_prefix(language)
    for candidate in (preferred, *NAME_FALLBACK):
        value = values.get(candidate, "")
        if value:
            return value
    return ""


class Area(models.Model):
    """A province, district, commune or village (or a whole country), valid for a period of time.

    Areas are never deleted: one that is merged away keeps its row, gets `valid_to`, and points
    at its successor through `replaced_by`, so records made before the change still name it.
    """

    class Level(models.TextChoices):
        # Declared from the top down: a parent always sits on an earlier level than its child.
        COUNTRY = "country", _("country")
        PROVINCE = "province", _("province")
        DISTRICT = "district", _("district")
        COMMUNE = "commune", _("commune")
        VILLAGE = "village", _("village")

    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        validators=[area_code_validator],
        help_text=_("Country prefix and national statistical code, e.g. VN44 or KH12."),
    )
    country = models.CharField(
        _("country"),
        max_length=2,
        validators=[country_code_validator],
        help_text=_("ISO 3166-1 alpha-2, e.g. VN, KH."),
    )
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    # Indexed together with code below, which serves "children of this area, in order".
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        db_index=False,
    )
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200, blank=True)
    name_km = models.CharField(_("name (Khmer)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    valid_from = models.DateField(
        _("valid from"), null=True, blank=True, help_text=_("Empty: since before the data begins.")
    )
    valid_to = models.DateField(
        _("valid to"), null=True, blank=True, help_text=_("Last day the area existed; empty: still valid.")
    )
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("replaced by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaces",
        help_text=_("The area this one was merged into."),
    )

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["country", "code"]
        indexes = [
            models.Index(fields=["country", "level"], name="places_area_country_level"),
            models.Index(fields=["parent", "code"], name="places_area_parent_code"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_to__gte=F("valid_from")),
                name="places_area_valid_period",
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | ~Q(parent=F("id")), name="places_area_not_own_parent"
            ),
            models.CheckConstraint(
                condition=Q(replaced_by__isnull=True) | ~Q(replaced_by=F("id")),
                name="places_area_not_own_replacement",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @staticmethod
    def level_rank(level: str) -> int:
        """0 for country, 1 for province, ...; a parent's rank is always lower than its child's."""
        return Area.Level.values.index(level)

    def display_name(self, language: str | None = None) -> str:
        """The name in `language` (the active one by default), else English, Vietnamese, the code."""
        values = {lang: getattr(self, f"name_{lang}") for lang in NAME_LANGUAGES}
        return localised(values=values, language=language or get_language()) or self.code

    @property
    def name(self) -> str:
        return self.display_name()

    def is_valid_on(self, on: date) -> bool:
        """Whether the area existed on that day (both ends of the period included)."""
        started = self.valid_from is None or self.valid_from <= on
        not_ended = self.valid_to is None or self.valid_to >= on
        return started and not_ended

    def _ranks_below(self, other: Area) -> bool | None:
        """Whether this area's level is below `other`'s; None if either level is unknown."""
        if self.level not in Area.Level.values or other.level not in Area.Level.values:
            return None
        return Area.level_rank(other.level) < Area.level_rank(self.level)

    def clean(self) -> None:
        # Related areas are read through the attributes, not the ids, so the loader can check a
        # whole file of unsaved areas that refer to each other before anything is written.
        errors: dict[str, list[str]] = {}

        def add(field: str, message: str) -> None:
            errors.setdefault(field, []).append(message)

        if self.code and self.country and not self.code.startswith(self.country):
            add(
                "code",
                str(_("The code must start with the country code %(country)s.") % {"country": self.country}),
            )
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            add("valid_to", str(_("An area cannot end before it begins.")))

        parent = self.parent
        if self.level == Area.Level.COUNTRY and parent is not None:
            add("parent", str(_("A country has no parent area.")))
        if self.level and self.level != Area.Level.COUNTRY and parent is None:
            add("parent", str(_("Every area below country level needs a parent.")))
        if parent is not None:
            if parent is self or (self.pk is not None and parent.pk == self.pk):
                add("parent", str(_("An area cannot be its own parent.")))
            elif parent.country != self.country:
                add("parent", str(_("The parent must be in the same country.")))
            elif self._ranks_below(parent) is False:
                add(
                    "parent",
                    str(
                        _("A %(level)s cannot sit under a %(parent_level)s.")
                        % {"level": self.get_level_display(), "parent_level": parent.get_level_display()}
                    ),
                )

        successor = self.replaced_by
        if successor is not None:
            if successor is self or (self.pk is not None and successor.pk == self.pk):
                add("replaced_by", str(_("An area cannot replace itself.")))
            else:
                if successor.country != self.country:
                    add("replaced_by", str(_("The replacing area must be in the same country.")))
                if successor.level != self.level:
                    add("replaced_by", str(_("The replacing area must be on the same level.")))
            if self.valid_to is None:
                add("valid_to", str(_("An area that was replaced needs the last day it existed.")))

        if errors:
            raise ValidationError(errors)


class HelplineNumber(models.Model):
    """A number that children and adults can call or message for help, shown on every public page."""

    country = models.CharField(
        _("country"),
        max_length=2,
        validators=[country_code_validator],
        help_text=_("ISO 3166-1 alpha-2, e.g. VN, KH."),
    )
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200, blank=True)
    name_km = models.CharField(_("name (Khmer)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    number = models.CharField(
        _("number"), max_length=40, help_text=_("As dialled and shown, e.g. 111 or +855 92 311 511.")
    )
    hours_vi = models.CharField(_("hours (Vietnamese)"), max_length=100, blank=True)
    hours_km = models.CharField(_("hours (Khmer)"), max_length=100, blank=True)
    hours_en = models.CharField(_("hours (English)"), max_length=100, blank=True)
    is_free = models.BooleanField(_("free to call"), default=False)
    channels = models.CharField(
        _("channels"), max_length=100, default="phone", help_text=_('Comma-separated, e.g. "phone, chat".')
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # A number that went out of service keeps its row (and its history in the audit log), hidden.
    is_active = models.BooleanField(
        _("in use"), default=True, help_text=_("Only numbers in use are shown on the public pages.")
    )

    class Meta:
        verbose_name = _("helpline number")
        verbose_name_plural = _("helpline numbers")
        ordering = ["country", "order", "number"]
        constraints = [
            models.UniqueConstraint(fields=["country", "number"], name="places_helpline_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.number}"

    # Templates call these without an argument, which means the active language.
    def display_name(self, language: str | None = None) -> str:
        values = {lang: getattr(self, f"name_{lang}") for lang in NAME_LANGUAGES}
        return localised(values=values, language=language or get_language()) or self.number

    def display_hours(self, language: str | None = None) -> str:
        values = {lang: getattr(self, f"hours_{lang}") for lang in NAME_LANGUAGES}
        return localised(values=values, language=language or get_language())

    @property
    def name(self) -> str:
        return self.display_name()

    @property
    def hours(self) -> str:
        return self.display_hours()

    @property
    def channel_list(self) -> list[str]:
        return [channel.strip() for channel in self.channels.split(",") if channel.strip()]

    @property
    def dial_uri(self) -> str:
        """A tel: link target: the number without spaces, so phones dial it as written."""
        return "tel:" + "".join(ch for ch in self.number if ch.isdigit() or ch == "+")


class AgencyArea(models.Model):
    """An area an agency covers. It lives here, not on Agency, because places sits above accounts."""

    agency = models.ForeignKey("accounts.Agency", on_delete=models.CASCADE, related_name="covered_areas")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="agencies")

    class Meta:
        verbose_name = _("area an agency covers")
        verbose_name_plural = _("areas agencies cover")
        constraints = [models.UniqueConstraint(fields=["agency", "area"], name="agency_area_unique")]

    def __str__(self) -> str:
        return f"{self.agency_id} · {self.area.code}"


class MembershipProvince(models.Model):
    """The one province a programme manager's figures are limited to; without a row, the whole country.
    It lives here, not on Membership, because places sits above accounts (as AgencyArea does)."""

    membership = models.OneToOneField(
        "accounts.Membership", on_delete=models.CASCADE, related_name="province_limit"
    )
    province = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("province"))

    class Meta:
        verbose_name = _("province a programme manager is limited to")
        verbose_name_plural = _("provinces programme managers are limited to")

    def __str__(self) -> str:
        return f"{self.membership_id} · {self.province.code}"

    def clean(self) -> None:
        if self.membership_id is None or self.province_id is None:
            return  # the form has already said the field is required
        membership, province = self.membership, self.province
        if membership.role != Role.PROGRAMME_MANAGER:
            raise ValidationError(
                {"membership": _("Only a programme manager's figures can be limited to a province.")}
            )
        code = membership.agency.country
        country = Area.objects.filter(code=code, level=Area.Level.COUNTRY).first()
        names = {"area": province.name, "country": country.name if country else code}
        if province.level != Area.Level.PROVINCE:
            message = _("%(area)s is not a province. Choose a province.")
        elif province.country != membership.agency.country:
            message = _(
                "%(area)s is not in %(country)s, the agency's country. Choose a province of %(country)s."
            )
        elif not province.is_valid_on(timezone.localdate()):
            message = _("%(area)s does not exist today. Choose a current province.")
        else:
            return
        raise ValidationError({"province": message % names})
