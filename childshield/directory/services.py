"""Every write to the services directory: add a service, change it. Checked, transactional, audited."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from childshield.accounts.models import Agency, Membership
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.core.blind_index import normalise
from childshield.core.errors import ApplicationError
from childshield.directory.models import (
    OpeningHours,
    Resource,
    ResourceKind,
    ResourceLanguage,
    ServiceKind,
    ServiceLanguage,
)
from childshield.directory.permissions import keeps_whole_directory, require_edit
from childshield.places.models import Area


@dataclass(frozen=True)
class HoursRange:
    """Open from `opens` to `closes` on `weekday` (0 is Monday).

    Closing at or before opening runs past midnight; 00:00 to 00:00 is the whole day.
    """

    weekday: int
    opens: time
    closes: time


@dataclass
class ResourceDetails:
    """What a person typed about a service; the same shape for adding one and changing one."""

    country: str
    name_vi: str = ""
    name_km: str = ""
    name_en: str = ""
    kinds: list[str] = field(default_factory=list)
    areas: list[Area] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    always_open: bool = False
    hours: list[HoursRange] = field(default_factory=list)
    phone: str = ""
    email: str = ""
    address: str = ""
    website: str = ""
    agency: Agency | None = None
    accepts_self_referral: bool = False
    free_of_charge: bool = False
    notes: str = ""
    is_active: bool = True
    last_verified: date | None = None


# The resource's own columns that ResourceDetails carries as they are (kinds, languages, hours and
# areas are rows of their own).
PLAIN_FIELDS = (
    "country",
    "name_vi",
    "name_km",
    "name_en",
    "always_open",
    "phone",
    "email",
    "address",
    "website",
    "agency",
    "accepts_self_referral",
    "free_of_charge",
    "notes",
    "is_active",
    "last_verified",
)


def _check(*, acting: Membership, details: ResourceDetails) -> None:
    if not any(name.strip() for name in (details.name_vi, details.name_km, details.name_en)):
        raise ApplicationError(_("Give the service a name in at least one language."))
    if not details.kinds:
        raise ApplicationError(_("Choose at least one kind of service."))
    unknown = set(details.kinds) - set(ServiceKind.values)
    if unknown:
        raise ApplicationError(
            _("Unknown kind of service: %(kinds)s.") % {"kinds": ", ".join(sorted(unknown))}
        )
    unknown = set(details.languages) - set(ServiceLanguage.values)
    if unknown:
        raise ApplicationError(_("Unknown language: %(codes)s.") % {"codes": ", ".join(sorted(unknown))})
    if not details.areas:
        raise ApplicationError(_("Choose the areas the service helps, or the whole country."))
    if any(area.country != details.country for area in details.areas):
        raise ApplicationError(_("Every area must be in the service's country."))
    if any(not 0 <= hours.weekday <= 6 for hours in details.hours):
        raise ApplicationError(_("Each opening time needs a day of the week."))
    if details.agency is not None and details.agency.country != details.country:
        raise ApplicationError(_("The agency must work in the service's country."))
    # An agency's administrator keeps only their own agency's services, so cannot hand one to another.
    if not keeps_whole_directory(acting) and (
        details.agency is None or details.agency.pk != acting.agency_id
    ):
        raise ApplicationError(_("Link the service to your own agency."), code="forbidden")


def _search_text(details: ResourceDetails) -> str:
    parts = (details.name_vi, details.name_km, details.name_en, details.address, details.notes)
    return normalise(" ".join(part for part in parts if part))


def _save(*, resource: Resource, details: ResourceDetails) -> list[str]:
    """Write `details` onto `resource` and its rows; returns the names of what changed."""
    changed = [name for name in PLAIN_FIELDS if getattr(resource, name) != getattr(details, name)]
    for name in PLAIN_FIELDS:
        setattr(resource, name, getattr(details, name))
    # Follows names, address and notes, so it changes only when one of them is in `changed`.
    resource.search_text = _search_text(details)
    try:
        resource.full_clean(exclude=["areas"])
    except ValidationError as error:
        raise ApplicationError(" ".join(error.messages)) from error
    if resource.pk is None or changed:
        resource.save()

    new_kinds = sorted(set(details.kinds))
    if sorted(resource.kinds.values_list("kind", flat=True)) != new_kinds:
        changed.append("kinds")
        resource.kinds.all().delete()
        ResourceKind.objects.bulk_create([ResourceKind(resource=resource, kind=kind) for kind in new_kinds])

    new_languages = sorted(set(details.languages))
    if sorted(resource.languages.values_list("language", flat=True)) != new_languages:
        changed.append("languages")
        resource.languages.all().delete()
        ResourceLanguage.objects.bulk_create(
            [ResourceLanguage(resource=resource, language=code) for code in new_languages]
        )

    new_hours = sorted({(h.weekday, h.opens, h.closes) for h in details.hours})
    if sorted(resource.hours.values_list("weekday", "opens", "closes")) != new_hours:
        changed.append("hours")
        resource.hours.all().delete()
        OpeningHours.objects.bulk_create(
            [OpeningHours(resource=resource, weekday=d, opens=o, closes=c) for d, o, c in new_hours]
        )

    new_areas = {area.pk for area in details.areas}
    if set(resource.areas.values_list("pk", flat=True)) != new_areas:
        changed.append("areas")
        resource.areas.set(details.areas)
    return changed


@transaction.atomic
def resource_create(*, acting: Membership, details: ResourceDetails) -> Resource:
    require_edit(acting)
    _check(acting=acting, details=details)
    resource = Resource()
    _save(resource=resource, details=details)
    audit.record(
        action=AuditAction.CREATE,
        actor=acting.user,
        agency=acting.agency,
        obj=resource,
        reason="directory service added",
    )
    return resource


@transaction.atomic
def resource_update(*, acting: Membership, resource: Resource, details: ResourceDetails) -> list[str]:
    """Change a service; returns what changed (nothing is written or recorded when nothing did)."""
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    require_edit(acting, resource)
    _check(acting=acting, details=details)
    changed = _save(resource=resource, details=details)
    if changed:
        audit.record(
            action=AuditAction.UPDATE,
            actor=acting.user,
            agency=acting.agency,
            obj=resource,
            reason="directory service changed: " + ", ".join(changed),
        )
    return changed
