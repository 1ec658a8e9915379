"""Agencies set up by system administrators in the staff pages: their details and the areas each
serves, written together or not at all. (Agencies live in accounts; the areas they serve live here, and
places may import accounts, so the one use case that writes both is here.)"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from childshield.accounts.models import Agency, Membership
from childshield.accounts.permissions import require
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.core.errors import ApplicationError
from childshield.places.models import AgencyArea, Area
from childshield.places.permissions import PlacesPerm
from childshield.places.services.agency_areas import agency_areas_replace

# Capital letters and digits, a letter first, as case numbers carry it ("LTSW-2026-0001").
SHORT_CODE = re.compile(r"[A-Z][A-Z0-9]{1,5}")


@dataclass(frozen=True)
class AgencyDetails:
    name: str
    kind: str
    country: str
    short_code: str  # "" makes one from the name (accounts/agency_codes.py)
    on_call_phone: str
    is_active: bool


def _refuse(message: object, field: str) -> ApplicationError:
    return ApplicationError(str(message), code="invalid", extra={"field": field})


def agency_areas_resolve(*, country: str, codes: Sequence[str], served: Sequence[str] = ()) -> list[Area]:
    """The areas named by `codes`, or the error that names every code that is unknown, of another country,
    or of an area that no longer exists (unless the agency serves it already: its history stays)."""
    wanted = list(dict.fromkeys(codes))
    found = {area.code: area for area in Area.objects.filter(code__in=wanted).select_related("replaced_by")}
    unknown = [code for code in wanted if code not in found]
    if unknown:
        raise _refuse(
            _("No area has the code %(codes)s. Check the codes on the Places page.")
            % {"codes": ", ".join(unknown)},
            "area_codes",
        )
    foreign = [code for code in wanted if found[code].country != country]
    if foreign:
        raise _refuse(
            _("%(codes)s: not in %(country)s, the agency's country.")
            % {"codes": ", ".join(foreign), "country": country},
            "area_codes",
        )
    today = timezone.localdate()
    ended = [found[code] for code in wanted if not found[code].is_valid_on(today) and code not in served]
    if ended:
        names = ", ".join(
            f"{area.code} ({_('replaced by')} {area.replaced_by.code})" if area.replaced_by else area.code
            for area in ended
        )
        raise _refuse(
            _("%(areas)s: these areas do not exist today. Choose current ones.") % {"areas": names},
            "area_codes",
        )
    return [found[code] for code in wanted]


def _check_details(*, agency: Agency | None, details: AgencyDetails, actor: Membership) -> None:
    others = Agency.objects.filter(country=details.country)
    if agency is not None:
        others = others.exclude(pk=agency.pk)
    if others.filter(name__iexact=details.name).exists():
        raise _refuse(
            _("%(country)s already has an agency named %(name)s.")
            % {"country": details.country, "name": details.name},
            "name",
        )
    if details.short_code:
        if not SHORT_CODE.fullmatch(details.short_code):
            raise _refuse(
                _("2 to 6 capital letters or digits, starting with a letter, e.g. LTSW."), "short_code"
            )
        holder = others.filter(short_code=details.short_code).first()
        if holder is not None:
            raise _refuse(
                _("%(code)s is already the short code of %(agency)s.")
                % {"code": details.short_code, "agency": holder.name},
                "short_code",
            )
    if agency is not None and agency.pk == actor.agency_id and not details.is_active:
        raise _refuse(
            _("You act for this agency: closing it would lock you out. Ask another system administrator."),
            "is_active",
        )


@transaction.atomic
def agency_save(
    *, actor: Membership, agency: Agency | None, details: AgencyDetails, area_codes: Sequence[str]
) -> Agency:
    """Add an agency (`agency` None) or change one, with exactly the areas of `area_codes`; refused,
    nothing written, with the reason and its field when a name, short code or area does not fit."""
    require(actor, PlacesPerm.AGENCIES_MANAGE)
    _check_details(agency=agency, details=details, actor=actor)
    served = (
        []
        if agency is None
        else list(AgencyArea.objects.filter(agency=agency).values_list("area__code", flat=True))
    )
    areas = agency_areas_resolve(country=details.country, codes=area_codes, served=served)

    creating = agency is None
    target = Agency() if agency is None else agency
    before = {} if creating else {name: getattr(target, name) for name in asdict(details)}
    for name, value in asdict(details).items():
        setattr(target, name, value)
    changed = [name for name in asdict(details) if before.get(name) != getattr(target, name)]
    if creating or changed:
        target.save()  # a blank short code is made from the name here (Agency.save)
    added, removed = agency_areas_replace(agency=target, areas=areas)
    if not creating and not changed and not added and not removed:
        return target

    parts = (
        [f"agency added ({target.kind}, {target.country}, short code {target.short_code})"]
        if creating
        else []
    )
    if changed and not creating:
        parts.append(f"changed: {', '.join(changed)}")
    if added:
        parts.append(f"areas added: {', '.join(added)}")
    if removed:
        parts.append(f"areas removed: {', '.join(removed)}")
    audit.record(
        action=AuditAction.CREATE if creating else AuditAction.UPDATE,
        actor=actor.user,
        agency=actor.agency,
        obj=target,
        reason="; ".join(parts),
    )
    return target
