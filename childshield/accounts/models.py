"""People who sign in, the agencies they work for, and the role each membership gives them."""

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from childshield.accounts.agency_codes import short_code_for


class AgencyKind(models.TextChoices):
    HELPLINE = "helpline", _("Helpline")
    HOTLINE = "hotline", _("Hotline")
    SOCIAL_SERVICES = "social_services", _("Social services")
    SCHOOL = "school", _("School")
    HEALTH = "health", _("Health")
    POLICE = "police", _("Police")
    JUSTICE = "justice", _("Justice")
    NGO = "ngo", _("NGO")
    PLATFORM = "platform", _("Platform")
    REGULATOR = "regulator", _("Regulator")


class Role(models.TextChoices):
    COUNSELLOR = "counsellor", _("Counsellor")
    HELPLINE_SUPERVISOR = "helpline_supervisor", _("Helpline supervisor")
    CASE_WORKER = "case_worker", _("Case worker")
    CASE_SUPERVISOR = "case_supervisor", _("Case supervisor")
    FOCAL_POINT = "focal_point", _("Focal point (teacher or community)")
    HOTLINE_ANALYST = "hotline_analyst", _("Hotline analyst")
    HOTLINE_LEAD = "hotline_lead", _("Hotline lead")
    PROGRAMME_MANAGER = "programme_manager", _("Programme manager")
    PLATFORM_STAFF = "platform_staff", _("Platform staff")
    REGULATOR = "regulator", _("Regulator (read only)")
    AGENCY_ADMIN = "agency_admin", _("Agency administrator")
    SYSTEM_ADMIN = "system_admin", _("System administrator")


_SESSION_HASH_SALT = "childshield.accounts.User.get_session_auth_hash"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = False

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=normalise_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


def normalise_email(email: str) -> str:
    # Sign-in by e-mail must not depend on how someone capitalised it.
    return email.strip().lower()


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("can use the Django admin site"), default=False, help_text=_("For system administrators only.")
    )
    date_joined = models.DateTimeField(default=timezone.now)
    # The languages the person writes to children in (`core.choices.WritingLanguage` codes): a
    # person's, whichever agency they act for. The queue offers them reports in these first.
    languages = models.JSONField(_("languages I write in"), default=list, blank=True)
    # Raised to end every session of the person at once (their two-factor reset by an administrator):
    # each session carries a hash of the password and this number, and one that no longer matches
    # is signed out at its next request. Zero keeps the hash Django gives, so no session ends by it.
    sessions_generation = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[-1] if self.full_name else self.email

    def get_session_auth_hash(self) -> str:
        if not self.sessions_generation:
            return super().get_session_auth_hash()
        return self._generation_hash(secret=None)

    def get_session_auth_fallback_hash(self) -> Iterator[str]:
        if not self.sessions_generation:
            yield from super().get_session_auth_fallback_hash()
            return
        for secret in settings.SECRET_KEY_FALLBACKS:
            yield self._generation_hash(secret=secret)

    def _generation_hash(self, *, secret: str | bytes | None) -> str:
        value = f"{self.password}:{self.sessions_generation}"
        return salted_hmac(_SESSION_HASH_SALT, value, secret=secret, algorithm="sha256").hexdigest()


class Agency(models.Model):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=AgencyKind.choices)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2 code, e.g. VN"))
    is_active = models.BooleanField(_("active"), default=True)
    # A number a person answers at any hour: shown to whoever sent the agency a referral that is
    # past its deadline, so that an emergency at night reaches someone (not the public line).
    on_call_phone = models.CharField(
        _("on-call phone"),
        max_length=60,
        blank=True,
        default="",
        help_text=_("Answered at any hour. Shown to agencies whose referral to this one is overdue."),
    )
    # In front of every case number the agency gives (accounts/agency_codes.py); made from the name
    # when the agency is first saved without one, unique in its country.
    short_code = models.CharField(
        _("short code"),
        max_length=6,
        blank=True,
        default="",
        help_text=_("A few capital letters in front of the agency's case numbers, e.g. LTSW-2026-0001."),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["country", "name"], name="agency_unique_name_per_country"),
            models.UniqueConstraint(
                fields=["country", "short_code"],
                condition=~models.Q(short_code=""),
                name="agency_unique_short_code_per_country",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.short_code:
            taken = (
                Agency.objects.filter(country=self.country)
                .exclude(pk=self.pk)
                .values_list("short_code", flat=True)
            )
            self.short_code = short_code_for(self.name, set(taken))
        super().save(*args, **kwargs)


class Membership(models.Model):
    """A user acts through a membership: the agency they act for and the role they hold there."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["agency__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "role"], name="membership_unique_role_per_agency"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency} · {self.get_role_display()}"
