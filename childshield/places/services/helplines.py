"""Loading helpline numbers from a JSON list or a CSV file, keyed by country and number."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.places.models import HelplineNumber
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
