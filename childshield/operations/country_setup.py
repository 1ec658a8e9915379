"""Setting up a country on a new server: its reference data, its core agencies and its first system
administrator, who sets a password through a one-time link (`manage.py setup_country`)."""

import json
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import override

from childshield.accounts.models import Agency, AgencyKind, Membership, Role, User, normalise_email
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.core.errors import ApplicationError
from childshield.core.ethnic_groups import ethnic_group_lists
from childshield.helpline.models import Category
from childshield.helpline.services.categories import categories_load
from childshield.places.services.reference_data import reference_data_load

COUNTRIES_FILE = Path(__file__).resolve().parent / "data" / "countries.json"


class CountrySetupError(ApplicationError):
    """A set-up refused before anything was written; read by operators in a terminal, in English."""


@dataclass(frozen=True)
class CountryDefaults:
    code: str
    name: str
    helpline_agency: str
    hotline_agency: str


@dataclass
class CountrySetup:
    """What a set-up did, one line per step, and the administrator's one-time link if one was made."""

    country: str
    admin: User
    lines: list[str] = field(default_factory=list)
    changed: bool = False
    password_link: str = ""
    link_expires_in: timedelta = timedelta(0)


def country_defaults() -> dict[str, CountryDefaults]:
    """The countries childshield can set up, with their core agencies' names, by ISO code."""
    data = json.loads(COUNTRIES_FILE.read_text(encoding="utf-8"))
    return {
        code: CountryDefaults(
            code=code,
            name=entry["name"],
            helpline_agency=entry["helpline_agency"],
            hotline_agency=entry["hotline_agency"],
        )
        for code, entry in data["countries"].items()
    }


def _refusal(*, country: str, email: str) -> str:
    """Why this set-up must not run, or "" when it may."""
    known = country_defaults()
    if country not in known:
        return f"unknown country code {country!r}: childshield can set up {', '.join(sorted(known))}"
    try:
        validate_email(email)
    except ValidationError:
        return f"{email!r} is not an e-mail address"
    elsewhere = (
        Membership.objects.filter(user__email=email, role=Role.SYSTEM_ADMIN, is_active=True)
        .exclude(agency__country=country)
        .select_related("agency")
        .first()
    )
    if elsewhere is not None:
        return (
            f"{email} is already a system administrator in {elsewhere.agency.country} "
            f"({elsewhere.agency.name}); give {country} an administrator of its own"
        )
    other_admin = (
        Membership.objects.filter(agency__country=country, role=Role.SYSTEM_ADMIN, is_active=True)
        .exclude(user__email=email)
        .select_related("user")
        .first()
    )
    if other_admin is not None:
        return (
            f"{country} already has a system administrator ({other_admin.user.email}); "
            "they add the others in the staff pages"
        )
    return ""


def _agency_ensure(*, country: str, kind: AgencyKind, name: str, named: bool) -> tuple[Agency, str, bool]:
    """The country's agency of this kind, made if missing; with no name given, any one there is."""
    agency = Agency.objects.filter(country=country, name=name).first()
    if agency is not None and agency.kind != kind:
        raise CountrySetupError(
            f"an agency named {name!r} already exists in {country} as a {agency.kind}, not a {kind}; "
            f"give the {kind} another name"
        )
    if agency is None and not named:
        agency = Agency.objects.filter(country=country, kind=kind, is_active=True).order_by("pk").first()
    if agency is not None:
        return agency, f"{kind}: {agency.name!r} already exists.", False
    agency = Agency.objects.create(country=country, kind=kind, name=name)
    audit.record(
        action=AuditAction.CREATE, agency=agency, obj=agency, reason=f"set up {country}: {kind} created"
    )
    return agency, f"{kind}: {agency.name!r} created (short code {agency.short_code}).", True


def _password_link(*, user: User) -> str:
    # Django's password-reset token: valid for PASSWORD_RESET_TIMEOUT, and no longer once the
    # password is set or the person signs in (both change what the token is made from).
    path_kwargs = {
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }
    with override(settings.LANGUAGE_CODE):
        path = reverse("accounts:password_reset_confirm", kwargs=path_kwargs)
    return f"{settings.SITE_URL or 'https://<your server>'}{path}"


def _admin_ensure(*, done: CountrySetup, helpline: Agency, email: str, name: str, new_link: bool) -> None:
    user = done.admin
    membership, created = Membership.objects.get_or_create(user=user, agency=helpline, role=Role.SYSTEM_ADMIN)
    if created or not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active"])
        audit.record(
            action=AuditAction.CREATE,
            agency=helpline,
            obj=membership,
            reason=f"set up {done.country}: first system administrator",
        )
        done.changed = True
        done.lines.append(f"system administrator: {email} ({name}), in {helpline.name!r}.")
    else:
        done.lines.append(f"system administrator: {email} already is one, in {helpline.name!r}.")
    if user.has_usable_password():
        done.lines.append(f"{email} already has a password and signs in with it.")
        return
    if not (created or new_link):
        done.lines.append(f"{email} has not set a password yet: give --new-link for a new one-time link.")
        return
    done.password_link = _password_link(user=user)
    done.link_expires_in = timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
    audit.record(
        action=AuditAction.UPDATE,
        obj=user,
        reason=f"set up {done.country}: one-time link to set a password issued",
    )


@transaction.atomic
def country_set_up(
    *,
    country: str,
    admin_email: str,
    admin_name: str = "",
    helpline_name: str = "",
    hotline_name: str = "",
    new_link: bool = False,
) -> CountrySetup:
    """Load a country's reference data, make its national helpline and hotline agencies if missing,
    and its first system administrator with a one-time link to set a password (never a password).

    Running it again changes nothing and says so. Refused, with nothing written: an unknown
    country, an address that is not one, an administrator of another country, or a second first
    administrator.
    """
    country = country.strip().upper()
    email = normalise_email(admin_email)
    refusal = _refusal(country=country, email=email)
    if refusal:
        raise CountrySetupError(refusal, code="refused")
    defaults = country_defaults()[country]

    user = User.objects.filter(email=email).first()
    name = admin_name.strip() or (user.full_name if user else "") or email.split("@")[0]
    done = CountrySetup(country=country, admin=user or User(email=email))
    if user is None:
        # No password: an unusable one, until the person sets theirs through the link.
        done.admin = user = User.objects.create_user(email=email, password=None, full_name=name)
        audit.record(action=AuditAction.CREATE, obj=user, reason=f"set up {country}: administrator's account")
        done.changed = True
    if not (user.is_staff and user.is_superuser):
        # The Django admin still holds what the staff pages do not (hosting providers, partner hotlines).
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
        done.changed = True

    results = reference_data_load(country=country)
    done.lines += [result.summary() for result in results]
    done.changed |= any(result.changed for result in results)
    if Category.objects.exists():
        done.lines.append(f"contact categories: {Category.objects.count()} already loaded.")
    else:
        done.lines.append(f"contact categories: {categories_load()} loaded.")
        done.changed = True
    groups = ethnic_group_lists().get(country)
    done.lines.append(
        f"ethnic groups: {len(groups.groups) if groups else 0} in core/data/ethnic_groups/{country}.json "
        "(read from the file, nothing to load)."
    )

    agencies = []
    for kind, given, default in (
        (AgencyKind.HELPLINE, helpline_name.strip(), defaults.helpline_agency),
        (AgencyKind.HOTLINE, hotline_name.strip(), defaults.hotline_agency),
    ):
        agency, line, created = _agency_ensure(
            country=country, kind=kind, name=given or default, named=bool(given)
        )
        done.changed |= created
        done.lines.append(line)
        agencies.append(agency)
    _admin_ensure(done=done, helpline=agencies[0], email=email, name=name, new_link=new_link)
    return done
