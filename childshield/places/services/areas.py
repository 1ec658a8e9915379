"""Loading areas from a CSV file: each row checked against the tree as it will be, all written or none."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import astuple, dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from childshield.accounts.models import Membership
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.core.errors import ApplicationError
from childshield.places.models import Area
from childshield.places.reference_files import (
    FileRecord,
    LoadResult,
    ReferenceDataError,
    read_csv,
    read_csv_content,
    validation_messages,
)

AREA_COLUMNS: tuple[str, ...] = (
    "code",
    "country",
    "level",
    "parent_code",
    "name_vi",
    "name_km",
    "name_en",
    "valid_from",
    "valid_to",
    "replaced_by_code",
)
AREA_REQUIRED_VALUES: tuple[str, ...] = ("code", "country", "level", "name_en")

# Keeps each IN (...) well under SQLite's limit on query parameters.
_CHUNK = 500
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _parse_date(*, value: str, column: str, where: str, errors: list[str]) -> date | None:
    if not value:
        return None
    try:
        # fromisoformat alone would also take 20250630 or 2025-W27-2; the files use one form.
        if not _ISO_DATE.fullmatch(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        errors.append(f"{where}: {column} {value!r} is not a date (expected YYYY-MM-DD)")
        return None


def _chunks(values: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


@dataclass
class _AreaRow:
    where: str
    code: str
    country: str
    level: str
    parent_code: str
    name_vi: str
    name_km: str
    name_en: str
    valid_from: date | None
    valid_to: date | None
    replaced_by_code: str

    def scalar_values(self) -> dict[str, Any]:
        return {
            "country": self.country,
            "level": self.level,
            "name_vi": self.name_vi,
            "name_km": self.name_km,
            "name_en": self.name_en,
            "valid_from": self.valid_from,
            "valid_to": self.valid_to,
        }

    def state(self) -> tuple[Any, ...]:
        return (*self.scalar_values().values(), self.parent_code or None, self.replaced_by_code or None)


_AREA_FIELD_TO_COLUMN = {"parent": "parent_code", "replaced_by": "replaced_by_code"}
_AREA_SCALARS = ("country", "level", "name_vi", "name_km", "name_en", "valid_from", "valid_to")


def _area_state(area: Area) -> tuple[Any, ...]:
    return (
        *(getattr(area, name) for name in _AREA_SCALARS),
        area.parent.code if area.parent else None,
        area.replaced_by.code if area.replaced_by else None,
    )


def _parse_area_rows(*, records: list[FileRecord], errors: list[str]) -> tuple[list[_AreaRow], set[str]]:
    """The rows that parsed, and the codes of those that did not (already reported)."""
    rows: list[_AreaRow] = []
    rejected: set[str] = set()
    first_line: dict[str, str] = {}
    for record in records:
        values, where = record.values, record.where
        row_errors: list[str] = []
        for column in AREA_REQUIRED_VALUES:
            if not values[column]:
                row_errors.append(f"{where}: {column} is required")
        code = values["code"]
        if code in first_line:
            row_errors.append(f"{where}: code {code!r} is already on {first_line[code]}")
        elif code:
            first_line[code] = where
        level = values["level"]
        if level and level not in Area.Level.values:
            row_errors.append(f"{where}: level {level!r} is not one of {', '.join(Area.Level.values)}")
        valid_from = _parse_date(
            value=values["valid_from"], column="valid_from", where=where, errors=row_errors
        )
        valid_to = _parse_date(value=values["valid_to"], column="valid_to", where=where, errors=row_errors)
        if row_errors:
            errors.extend(row_errors)
            rejected.add(code)
            continue
        rows.append(
            _AreaRow(
                where=where,
                code=code,
                country=values["country"],
                level=level,
                parent_code=values["parent_code"],
                name_vi=values["name_vi"],
                name_km=values["name_km"],
                name_en=values["name_en"],
                valid_from=valid_from,
                valid_to=valid_to,
                replaced_by_code=values["replaced_by_code"],
            )
        )
    return rows, rejected - {row.code for row in rows}


def _existing_areas(codes: Iterable[str]) -> dict[str, Area]:
    wanted = sorted(set(codes))
    found: dict[str, Area] = {}
    for chunk in _chunks(wanted):
        for area in Area.objects.filter(code__in=chunk).select_related("parent", "replaced_by"):
            found[area.code] = area
    return found


def _check_area_rows(
    *, rows: list[_AreaRow], rejected: set[str], existing: dict[str, Area], errors: list[str]
) -> None:
    """Check each row against the model's invariants, resolving codes to the file or the database."""
    # Unsaved stand-ins for the file's rows, linked to each other and to stored areas, so that
    # Area.clean() sees the tree as it will be after the load, forward references included.
    candidates: dict[str, Area] = dict(existing)
    for row in rows:
        stand_in = Area(code=row.code, **row.scalar_values())
        if row.code in existing:
            stand_in.pk = existing[row.code].pk
        candidates[row.code] = stand_in

    for row in rows:
        stand_in = candidates[row.code]
        unresolved = False
        for column, code in (("parent_code", row.parent_code), ("replaced_by_code", row.replaced_by_code)):
            if code and code not in candidates:
                unresolved = True
                # A row that failed to parse has its own error; naming it again here would mislead.
                if code not in rejected:
                    errors.append(
                        f"{row.where}: {column} {code!r} is not a known area "
                        "(not in the database or this file)"
                    )
        if unresolved:
            continue
        stand_in.parent = candidates[row.parent_code] if row.parent_code else None
        stand_in.replaced_by = candidates[row.replaced_by_code] if row.replaced_by_code else None
        try:
            # Related fields are resolved above; uniqueness of code is the upsert's key.
            stand_in.full_clean(
                exclude=["parent", "replaced_by"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as exc:
            errors.extend(validation_messages(error=exc, where=row.where, column_of=_AREA_FIELD_TO_COLUMN))

    _check_replacement_cycles(rows=rows, errors=errors)
    _check_stored_dependents(rows=rows, existing=existing, errors=errors)


def _check_replacement_cycles(*, rows: list[_AreaRow], errors: list[str]) -> None:
    # Parents cannot form a cycle (a parent is always on a higher level), but areas of one level
    # could replace each other in a ring, which would leave nothing valid to roll up to.
    successor_in_file = {row.code: row.replaced_by_code for row in rows}
    stored_successor: dict[str, str | None] = {}

    def successor_of(code: str) -> str | None:
        if code in successor_in_file:
            return successor_in_file[code] or None
        if code not in stored_successor:
            stored = Area.objects.filter(code=code).values_list("replaced_by__code", flat=True).first()
            stored_successor[code] = stored
        return stored_successor[code]

    for row in rows:
        if not row.replaced_by_code:
            continue
        chain = [row.code]
        code: str | None = row.replaced_by_code
        while code is not None:
            chain.append(code)
            if code in chain[:-1]:
                errors.append(
                    f"{row.where}: replaced_by_code {row.replaced_by_code!r} leads into a ring of "
                    f"replacements: {' -> '.join(chain)}"
                )
                break
            code = successor_of(code)


def _check_stored_dependents(*, rows: list[_AreaRow], existing: dict[str, Area], errors: list[str]) -> None:
    # Changing the country or level of a stored area would silently break the stored areas that
    # hang under it or were merged into it, unless the same file updates those too.
    in_file = {row.code for row in rows}
    for row in rows:
        stored = existing.get(row.code)
        if stored is None or (stored.country == row.country and stored.level == row.level):
            continue
        dependents = (
            Area.objects.filter(Q(parent=stored) | Q(replaced_by=stored))
            .exclude(code__in=in_file)
            .values_list("code", flat=True)[:5]
        )
        if dependents:
            errors.append(
                f"{row.where}: cannot change the country or level of {row.code!r}: "
                f"stored areas refer to it ({', '.join(dependents)}); include them in the file"
            )


def _write_areas(*, rows: list[_AreaRow], existing: dict[str, Area]) -> tuple[int, int]:
    created_rows = [row for row in rows if row.code not in existing]
    changed_rows = [
        row for row in rows if row.code in existing and _area_state(existing[row.code]) != row.state()
    ]

    # Two steps, because a row may refer to one further down the file: insert the new areas
    # without links, then set every link once all the codes have an id.
    Area.objects.bulk_create(
        [Area(code=row.code, **row.scalar_values()) for row in created_rows], batch_size=_CHUNK
    )
    linked = {row.code for row in created_rows + changed_rows}
    needed = linked | {row.parent_code for row in rows if row.code in linked and row.parent_code}
    needed |= {row.replaced_by_code for row in rows if row.code in linked and row.replaced_by_code}
    ids: dict[str, int] = {}
    for chunk in _chunks(sorted(needed)):
        ids.update(Area.objects.filter(code__in=chunk).values_list("code", "id"))

    to_update: list[Area] = []
    for row in created_rows + changed_rows:
        area = Area(pk=ids[row.code], code=row.code, **row.scalar_values())
        area.parent_id = ids[row.parent_code] if row.parent_code else None
        area.replaced_by_id = ids[row.replaced_by_code] if row.replaced_by_code else None
        to_update.append(area)
    Area.objects.bulk_update(to_update, fields=[*_AREA_SCALARS, "parent", "replaced_by"], batch_size=_CHUNK)
    return len(created_rows), len(changed_rows)


@dataclass(frozen=True)
class AreaValueChange:
    """One column of a row: its stored value and the file's ("" for none; dates as YYYY-MM-DD)."""

    column: str
    old: str
    new: str


@dataclass(frozen=True)
class AreaRowChange:
    """What loading one row does: creates the area, updates it (the columns that change), or nothing."""

    where: str  # "line 3"
    code: str
    outcome: str  # one of ROW_OUTCOMES
    values: tuple[AreaValueChange, ...] = ()  # created: the columns with a value; updated: those that change

    @property
    def line(self) -> int:
        return int(self.where.removeprefix("line "))


ROW_CREATED, ROW_UPDATED, ROW_UNCHANGED = "created", "updated", "unchanged"
ROW_OUTCOMES = (ROW_CREATED, ROW_UPDATED, ROW_UNCHANGED)
_STATE_COLUMNS = (*_AREA_SCALARS, "parent_code", "replaced_by_code")


@dataclass(frozen=True)
class AreaLoadResult(LoadResult):
    """The counts, and what each row of the file does (or did), in file order."""

    rows: tuple[AreaRowChange, ...] = ()

    def fingerprint(self) -> str:
        """A digest of every row's change: two runs with the same fingerprint change the same things."""
        document = [
            [row.where, row.code, row.outcome, [list(astuple(v)) for v in row.values]] for row in self.rows
        ]
        return hashlib.sha256(json.dumps(document, ensure_ascii=False).encode()).hexdigest()


def _shown(value: Any) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


def _row_change(row: _AreaRow, stored: Area | None) -> AreaRowChange:
    new = dict(zip(_STATE_COLUMNS, (_shown(value) for value in row.state()), strict=True))
    if stored is None:
        values = tuple(AreaValueChange(column, "", value) for column, value in new.items() if value)
        return AreaRowChange(row.where, row.code, ROW_CREATED, values)
    old = dict(zip(_STATE_COLUMNS, (_shown(value) for value in _area_state(stored)), strict=True))
    changed = tuple(AreaValueChange(c, old[c], new[c]) for c in _STATE_COLUMNS if old[c] != new[c])
    return AreaRowChange(row.where, row.code, ROW_UPDATED if changed else ROW_UNCHANGED, changed)


class AreaChangesMoved(ApplicationError):
    """The areas stored changed after the preview: loading the same file now would do something else."""

    def __init__(self, *, preview: AreaLoadResult) -> None:
        self.preview = preview
        super().__init__(
            _(
                "The areas changed since the preview was made, so the file was not applied. "
                "Check the new preview below, then apply it."
            ),
            code="changed_since_preview",
        )


@transaction.atomic
def areas_load_csv(*, path: Path, dry_run: bool = False) -> AreaLoadResult:
    """Create or update areas from a CSV file (see AREA_COLUMNS), keyed by code; all rows or none.

    Every row is checked before anything is written, and every problem is reported with its
    line. Rows may refer to codes defined further down the same file.
    """
    errors: list[str] = []
    records = read_csv(path=path, columns=AREA_COLUMNS, errors=errors)
    return _areas_load(records=records, source=path.name, errors=errors, dry_run=dry_run)


@transaction.atomic
def areas_load_content(
    *, content: bytes, source: str, dry_run: bool, actor: Membership | None = None, expect: str = ""
) -> AreaLoadResult:
    """As areas_load_csv, for an uploaded file. With `expect` (a preview's fingerprint) nothing is
    written unless the file changes exactly what the preview showed: AreaChangesMoved otherwise."""
    errors: list[str] = []
    records = read_csv_content(content=content, source=source, columns=AREA_COLUMNS, errors=errors)
    return _areas_load(
        records=records, source=source, errors=errors, dry_run=dry_run, actor=actor, expect=expect
    )


def _areas_load(
    *,
    records: list[FileRecord],
    source: str,
    errors: list[str],
    dry_run: bool,
    actor: Membership | None = None,
    expect: str = "",
) -> AreaLoadResult:
    rows, rejected = _parse_area_rows(records=records, errors=errors)
    referenced = {row.parent_code for row in rows} | {row.replaced_by_code for row in rows}
    existing = _existing_areas({row.code for row in rows} | (referenced - {""}))
    file_existing = {code: area for code, area in existing.items() if code in {row.code for row in rows}}
    _check_area_rows(rows=rows, rejected=rejected, existing=existing, errors=errors)
    if errors:
        raise ReferenceDataError(source=source, errors=errors)

    changes = tuple(_row_change(row, file_existing.get(row.code)) for row in rows)
    count = {outcome: sum(change.outcome == outcome for change in changes) for outcome in ROW_OUTCOMES}
    result = AreaLoadResult(
        source=source,
        created=count[ROW_CREATED],
        updated=count[ROW_UPDATED],
        unchanged=count[ROW_UNCHANGED],
        rows=changes,
    )
    if expect and result.fingerprint() != expect:
        raise AreaChangesMoved(preview=result)
    if dry_run:
        return result
    _write_areas(rows=rows, existing=file_existing)
    # One event per file that changed something: who changed the reference data is on record,
    # and a run that changes nothing leaves no trace.
    if result.changed:
        audit.record(
            action=AuditAction.UPDATE,
            actor=actor.user if actor else None,
            agency=actor.agency if actor else None,
            object_type=Area._meta.label,
            object_id=result.source[:64],
            reason=result.summary(),
        )
    return result
