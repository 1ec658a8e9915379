"""Loading place and helpline data from files: validate every row first, then write all or nothing."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from childshield.accounts.models import Agency
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.core.errors import ApplicationError
from childshield.places.models import AgencyArea, Area, HelplineNumber

DATA_DIR = Path(__file__).resolve().parent / "data"

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

# Order matters: the pilot communes hang under provinces of the first file.
SHIPPED_AREA_FILES: tuple[str, ...] = ("vn_provinces.csv", "kh_provinces.csv", "vn_pilot_communes.csv")
SHIPPED_HELPLINE_FILES: tuple[str, ...] = ("helplines.json",)

# Keeps each IN (...) well under SQLite's limit on query parameters.
_CHUNK = 500
_TRUE = {"1", "true", "yes", "y"}
_FALSE = {"0", "false", "no", "n", ""}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _error_position(error: str) -> int:
    match = re.match(r"(?:line|entry) (\d+):", error)
    return int(match.group(1)) if match else 0


class ReferenceDataError(ApplicationError):
    """A data file that cannot be loaded; `errors` lists every problem, each with its line."""

    def __init__(self, *, source: str, errors: list[str]) -> None:
        self.source = source
        # Checks run in passes; the reader wants the problems in file order.
        self.errors = sorted(errors, key=_error_position)
        # Operators read these in a terminal, in English, like the column names they refer to.
        super().__init__(
            f"{source}: " + "; ".join(self.errors), code="invalid_data", extra={"errors": self.errors}
        )

    def report(self) -> str:
        if len(self.errors) == 1:
            return f"{self.source}: {self.errors[0]} (nothing was written)"
        lines = [f"{self.source}: {len(self.errors)} problems, nothing was written:"]
        lines.extend(f"  {error}" for error in self.errors)
        return "\n".join(lines)


@dataclass(frozen=True)
class LoadResult:
    source: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def summary(self) -> str:
        return f"{self.source}: {self.created} created, {self.updated} updated, {self.unchanged} unchanged."


def _record_load(*, result: LoadResult, object_type: str) -> None:
    # One event per file that changed something: who changed the reference data is on record,
    # and a run that changes nothing leaves no trace.
    if result.changed:
        audit.record(
            action=AuditAction.UPDATE,
            object_type=object_type,
            object_id=result.source[:64],
            reason=result.summary(),
        )


# --- reading files ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Record:
    where: str  # "line 3" or "entry 2", as shown in error messages
    values: dict[str, str]


def _read_csv(*, path: Path, columns: tuple[str, ...], errors: list[str]) -> list[_Record]:
    """Rows of a CSV file with exactly `columns` in its header, any order; line numbers as in an editor."""
    try:
        # utf-8-sig: spreadsheets often save a byte-order mark before the header.
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                raise ReferenceDataError(
                    source=path.name,
                    errors=[f"the file is empty; expected a header row: {','.join(columns)}"],
                )
            header = [name.strip() for name in header]
            missing = [name for name in columns if name not in header]
            unknown = [name for name in header if name not in columns]
            if missing:
                problem = f"line 1: missing header column(s): {', '.join(missing)}"
                # Most names missing: the first line is data, not a header with a typo or two.
                if len(missing) > len(columns) / 2:
                    problem = (
                        f"line 1: no header row; the first line must name the columns: {','.join(columns)}"
                    )
                raise ReferenceDataError(source=path.name, errors=[problem])
            if unknown:
                raise ReferenceDataError(
                    source=path.name,
                    errors=[
                        f"line 1: unknown column(s): {', '.join(unknown)}; expected: {','.join(columns)}"
                    ],
                )
            duplicated = sorted({name for name in header if header.count(name) > 1})
            if duplicated:
                raise ReferenceDataError(
                    source=path.name, errors=[f"line 1: column(s) named twice: {', '.join(duplicated)}"]
                )

            records: list[_Record] = []
            line = reader.line_num + 1
            for raw in reader:
                where = f"line {line}"
                line = reader.line_num + 1
                if not any(cell.strip() for cell in raw):
                    continue
                if len(raw) != len(header):
                    errors.append(f"{where}: expected {len(header)} fields, found {len(raw)}")
                    continue
                records.append(
                    _Record(where=where, values={k: v.strip() for k, v in zip(header, raw, strict=True)})
                )
            return records
    except FileNotFoundError:
        raise ReferenceDataError(source=str(path), errors=["file not found"]) from None
    except OSError as exc:
        raise ReferenceDataError(source=str(path), errors=[f"cannot read the file: {exc.strerror}"]) from None
    except UnicodeDecodeError as exc:
        raise ReferenceDataError(source=path.name, errors=[f"not UTF-8 text: {exc.reason}"]) from None
    except csv.Error as exc:
        raise ReferenceDataError(source=path.name, errors=[f"not a valid CSV file: {exc}"]) from None


def _read_json(*, path: Path, columns: tuple[str, ...], errors: list[str]) -> list[_Record]:
    """Entries of a JSON file holding a list of objects; values are turned into text like CSV cells."""
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise ReferenceDataError(source=str(path), errors=["file not found"]) from None
    except OSError as exc:
        raise ReferenceDataError(source=str(path), errors=[f"cannot read the file: {exc.strerror}"]) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReferenceDataError(source=path.name, errors=[f"not a valid JSON file: {exc}"]) from None
    if not isinstance(document, list):
        raise ReferenceDataError(source=path.name, errors=["expected a JSON list of objects"])

    records: list[_Record] = []
    for index, entry in enumerate(document, start=1):
        where = f"entry {index}"
        if not isinstance(entry, dict):
            errors.append(f"{where}: expected an object")
            continue
        unknown = sorted(set(entry) - set(columns))
        if unknown:
            errors.append(f"{where}: unknown field(s): {', '.join(unknown)}")
            continue
        records.append(_Record(where=where, values={name: _as_text(entry.get(name)) for name in columns}))
    return records


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


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


def _validation_messages(*, error: ValidationError, where: str, column_of: dict[str, str]) -> list[str]:
    if not hasattr(error, "error_dict"):
        return [f"{where}: {message}" for message in error.messages]
    return [
        f"{where}: {column_of.get(field, field)}: {message}"
        for field, field_errors in error.error_dict.items()
        for message in ValidationError(field_errors).messages
    ]


def _chunks(values: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


# --- areas --------------------------------------------------------------------------------------


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


def _parse_area_rows(*, records: list[_Record], errors: list[str]) -> tuple[list[_AreaRow], set[str]]:
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
            errors.extend(_validation_messages(error=exc, where=row.where, column_of=_AREA_FIELD_TO_COLUMN))

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


@transaction.atomic
def areas_load_csv(*, path: Path, dry_run: bool = False) -> LoadResult:
    """Create or update areas from a CSV file (see AREA_COLUMNS), keyed by code; all rows or none.

    Every row is checked before anything is written, and every problem is reported with its
    line. Rows may refer to codes defined further down the same file.
    """
    errors: list[str] = []
    records = _read_csv(path=path, columns=AREA_COLUMNS, errors=errors)
    rows, rejected = _parse_area_rows(records=records, errors=errors)
    referenced = {row.parent_code for row in rows} | {row.replaced_by_code for row in rows}
    existing = _existing_areas({row.code for row in rows} | (referenced - {""}))
    file_existing = {code: area for code, area in existing.items() if code in {row.code for row in rows}}
    _check_area_rows(rows=rows, rejected=rejected, existing=existing, errors=errors)
    if errors:
        raise ReferenceDataError(source=path.name, errors=errors)

    if dry_run:
        created = sum(row.code not in file_existing for row in rows)
        updated = sum(
            row.code in file_existing and _area_state(file_existing[row.code]) != row.state() for row in rows
        )
    else:
        created, updated = _write_areas(rows=rows, existing=file_existing)
    result = LoadResult(
        source=path.name, created=created, updated=updated, unchanged=len(rows) - created - updated
    )
    if not dry_run:
        _record_load(result=result, object_type=Area._meta.label)
    return result


# --- helplines ----------------------------------------------------------------------------------


_HELPLINE_TEXT = ("name_vi", "name_km", "name_en", "hours_vi", "hours_km", "hours_en", "channels")


def _parse_helplines(*, records: list[_Record], errors: list[str]) -> list[tuple[str, HelplineNumber]]:
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
            errors.extend(_validation_messages(error=exc, where=where, column_of={}))
            continue
        parsed.append((where, helpline))
    return parsed


def _helpline_state(helpline: HelplineNumber) -> tuple[Any, ...]:
    return tuple(getattr(helpline, name) for name in (*_HELPLINE_TEXT, "is_free", "order"))


@transaction.atomic
def helplines_load(*, path: Path, dry_run: bool = False) -> LoadResult:
    """Create or update helpline numbers from a JSON list or a CSV file, keyed by country and number.

    Numbers missing from the file are left alone: a file for one country must not erase another's.
    """
    errors: list[str] = []
    reader = _read_json if path.suffix.lower() == ".json" else _read_csv
    records = reader(path=path, columns=HELPLINE_COLUMNS, errors=errors)
    parsed = _parse_helplines(records=records, errors=errors)
    if errors:
        raise ReferenceDataError(source=path.name, errors=errors)

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
    if not dry_run:
        _record_load(result=result, object_type=HelplineNumber._meta.label)
    return result


# --- everything shipped -------------------------------------------------------------------------


@transaction.atomic
def reference_data_load(*, data_dir: Path = DATA_DIR) -> list[LoadResult]:
    """Load every shipped place and helpline file, in one transaction; running it again changes nothing."""
    results = [areas_load_csv(path=data_dir / name) for name in SHIPPED_AREA_FILES]
    results += [helplines_load(path=data_dir / name) for name in SHIPPED_HELPLINE_FILES]
    return results


@transaction.atomic
def agency_areas_add(*, agency: Agency, area_codes: Iterable[str]) -> int:
    """Record that an agency covers these areas; returns how many were new. Unknown codes are an error."""
    codes = list(dict.fromkeys(area_codes))
    areas = {area.code: area for area in Area.objects.filter(code__in=codes)}
    unknown = [code for code in codes if code not in areas]
    if unknown:
        raise ReferenceDataError(
            source="agency areas", errors=[f"unknown area code {code!r}" for code in unknown]
        )
    existing = set(
        AgencyArea.objects.filter(agency=agency, area__code__in=codes).values_list("area__code", flat=True)
    )
    new = [AgencyArea(agency=agency, area=areas[code]) for code in codes if code not in existing]
    AgencyArea.objects.bulk_create(new)
    return len(new)
