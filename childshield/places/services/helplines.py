"""Helpline numbers: loaded from a JSON list or a CSV file (keyed by country and number), or added,
changed, ordered and taken out of use one at a time in the staff pages."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from childshield.accounts.models import Membership
from childshield.accounts.permissions import require
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.core.errors import ApplicationError
from childshield.places.models import HelplineNumber
from childshield.places.permissions import PlacesPerm
from childshield.places.reference_files import (
    FileRecord,
    LoadResult,
    ReferenceDataError,
    read_csv,
    read_json,
    validation_messages,
)

HELPLINE_COLUMNS: tuple[str, ...] = (
    "country",
    "number",
    "name_vi",
    "name_km",
    "name_en",
    "hours_vi",
    "hours_km",
    "hours_en",
    "is_free",
    "channels",
    "order",
)
HELPLINE_REQUIRED_VALUES: tuple[str, ...] = ("country", "number", "name_en")

_TRUE = {"1", "true", "yes", "y"}
_FALSE = {"0", "false", "no", "n", ""}


_HELPLINE_TEXT = ("name_vi", "name_km", "name_en", "hours_vi", "hours_km", "hours_en", "channels")


def _parse_helplines(*, records: list[FileRecord], errors: list[str]) -> list[tuple[str, HelplineNumber]]:
    parsed: list[tuple[str, HelplineNumber]] = []
    first_seen: dict[tuple[str, str], str] = {}
    for record in records:
        values, where = record.values, record.where
        row_errors = [
            f"{where}: {column} is required" for column in HELPLINE_REQUIRED_VALUES if not values[column]
        ]
        key = (values["country"], values["number"])
        if key in first_seen:
            row_errors.append(
                f"{where}: {values['country']} {values['number']!r} is already on {first_seen[key]}"
            )
        else:
            first_seen[key] = where
        is_free = values["is_free"].lower()
        if is_free not in _TRUE | _FALSE:
            row_errors.append(f"{where}: is_free {values['is_free']!r} is not true or false")
        order = values["order"] or "0"
        if not order.isdigit():
            row_errors.append(f"{where}: order {values['order']!r} is not a whole number")
        if row_errors:
            errors.extend(row_errors)
            continue
        helpline = HelplineNumber(
            country=values["country"],
            number=values["number"],
            is_free=is_free in _TRUE,
            order=int(order),
            **{name: values[name] for name in _HELPLINE_TEXT},
        )
        if not helpline.channels:
            helpline.channels = "phone"
        try:
            helpline.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            errors.extend(validation_messages(error=exc, where=where, column_of={}))
            continue
        parsed.append((where, helpline))
    return parsed


def _helpline_state(helpline: HelplineNumber) -> tuple[Any, ...]:
    return tuple(getattr(helpline, name) for name in (*_HELPLINE_TEXT, "is_free", "order"))


@transaction.atomic
def helplines_load(*, path: Path, dry_run: bool = False, country: str = "") -> LoadResult:
    """Create or update helpline numbers from a JSON list or a CSV file, keyed by country and number.

    Numbers missing from the file are left alone: a file for one country must not erase another's.
    With `country`, the whole file is checked but only that country's numbers are loaded.
    """
    errors: list[str] = []
    reader = read_json if path.suffix.lower() == ".json" else read_csv
    records = reader(path=path, columns=HELPLINE_COLUMNS, errors=errors)
    parsed = _parse_helplines(records=records, errors=errors)
    if errors:
        raise ReferenceDataError(source=path.name, errors=errors)
    if country:
        parsed = [(where, helpline) for where, helpline in parsed if helpline.country == country]

    stored = {(h.country, h.number): h for h in HelplineNumber.objects.all()}
    created = updated = 0
    for _where, helpline in parsed:
        current = stored.get((helpline.country, helpline.number))
        if current is None:
            created += 1
            if not dry_run:
                helpline.save()
        elif _helpline_state(current) != _helpline_state(helpline):
            updated += 1
            if not dry_run:
                helpline.pk = current.pk
                # Whether a number is in use is the staff pages' to say, not the file's.
                helpline.is_active = current.is_active
                helpline.save()
    result = LoadResult(
        source=path.name, created=created, updated=updated, unchanged=len(parsed) - created - updated
    )
    # One event per file that changed something: who changed the reference data is on record,
    # and a run that changes nothing leaves no trace.
    if result.changed and not dry_run:
        audit.record(
            action=AuditAction.UPDATE,
            object_type=HelplineNumber._meta.label,
            object_id=result.source[:64],
            reason=result.summary(),
        )
    return result


@dataclass(frozen=True)
class HelplineNumberData:
    """A helpline number's fields as a person gives them in the staff pages."""

    country: str
    number: str
    name_vi: str
    name_km: str
    name_en: str
    hours_vi: str
    hours_km: str
    hours_en: str
    is_free: bool
    channels: str
    order: int
    is_active: bool


def _field_error(error: ValidationError) -> ApplicationError:
    """The first problem the model finds, naming its field so the form shows it there."""
    field, messages = next(iter(error.message_dict.items()))
    return ApplicationError(" ".join(messages), code="invalid", extra={"field": field})


@transaction.atomic
def helpline_number_save(
    *, actor: Membership, helpline: HelplineNumber | None, data: HelplineNumberData
) -> HelplineNumber:
    """Add a helpline number (`helpline` None) or change one; refused, nothing written, with the reason
    and its field when the country already has that number or a value does not fit."""
    require(actor, PlacesPerm.HELPLINES_MANAGE)
    creating = helpline is None
    target = HelplineNumber() if helpline is None else helpline
    before = {} if creating else {name: getattr(target, name) for name in asdict(data)}
    for name, value in asdict(data).items():
        setattr(target, name, value)
    target.channels = ", ".join(part.strip() for part in data.channels.split(",") if part.strip()) or "phone"
    taken = HelplineNumber.objects.filter(country=target.country, number=target.number).exclude(pk=target.pk)
    if taken.exists():
        raise ApplicationError(
            _("%(country)s already has the number %(number)s.")
            % {"country": target.country, "number": target.number},
            code="duplicate",
            extra={"field": "number"},
        )
    try:
        target.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise _field_error(error) from error
    changed = [name for name in asdict(data) if before.get(name) != getattr(target, name)]
    if not creating and not changed:
        return target
    target.save()
    audit.record(
        action=AuditAction.CREATE if creating else AuditAction.UPDATE,
        actor=actor.user,
        agency=actor.agency,
        obj=target,
        reason="helpline number added" if creating else f"helpline number changed: {', '.join(changed)}",
    )
    return target


@transaction.atomic
def helpline_number_move(*, actor: Membership, helpline: HelplineNumber, up: bool) -> bool:
    """Swap the number with the one before it (`up`) or after it in its country's order; False when
    it is already first or last. Orders are renumbered 10, 20, 30... so that every place is distinct."""
    require(actor, PlacesPerm.HELPLINES_MANAGE)
    numbers = list(
        HelplineNumber.objects.select_for_update()
        .filter(country=helpline.country)
        .order_by("order", "number")
    )
    at = next(index for index, one in enumerate(numbers) if one.pk == helpline.pk)
    other = at - 1 if up else at + 1
    if not 0 <= other < len(numbers):
        return False
    numbers[at], numbers[other] = numbers[other], numbers[at]
    for position, one in enumerate(numbers, start=1):
        one.order = position * 10
    HelplineNumber.objects.bulk_update(numbers, fields=["order"])
    audit.record(
        action=AuditAction.UPDATE,
        actor=actor.user,
        agency=actor.agency,
        obj=helpline,
        reason=f"helpline number moved {'up' if up else 'down'} in {helpline.country}'s order",
    )
    return True
