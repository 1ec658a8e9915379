"""Place and helpline data files as read for loading: rows of a CSV or entries of a JSON list, each
with its line for error messages, and the error that lists every problem of a file."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError

from childshield.core.errors import ApplicationError

# The files shipped with childshield (provinces, pilot communes, helpline numbers).
DATA_DIR = Path(__file__).resolve().parent / "data"


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


@dataclass(frozen=True)
class FileRecord:
    where: str  # "line 3" or "entry 2", as shown in error messages
    values: dict[str, str]


def read_csv(*, path: Path, columns: tuple[str, ...], errors: list[str]) -> list[FileRecord]:
    """Rows of a CSV file with exactly `columns` in its header, any order; line numbers as in an editor."""
    try:
        # utf-8-sig: spreadsheets often save a byte-order mark before the header.
        with path.open(newline="", encoding="utf-8-sig") as handle:
            return _read_csv_rows(lines=handle, source=path.name, columns=columns, errors=errors)
    except FileNotFoundError:
        raise ReferenceDataError(source=str(path), errors=["file not found"]) from None
    except OSError as exc:
        raise ReferenceDataError(source=str(path), errors=[f"cannot read the file: {exc.strerror}"]) from None
    except UnicodeDecodeError as exc:
        raise ReferenceDataError(source=path.name, errors=[f"not UTF-8 text: {exc.reason}"]) from None


def read_csv_content(
    *, content: bytes, source: str, columns: tuple[str, ...], errors: list[str]
) -> list[FileRecord]:
    """As read_csv, for a file's content already in memory (an upload), named `source` in errors."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReferenceDataError(source=source, errors=[f"not UTF-8 text: {exc.reason}"]) from None
    return _read_csv_rows(lines=io.StringIO(text, newline=""), source=source, columns=columns, errors=errors)


def _read_csv_rows(
    *, lines: Iterable[str], source: str, columns: tuple[str, ...], errors: list[str]
) -> list[FileRecord]:
    try:
        reader = csv.reader(lines)
        header = next(reader, None)
        if header is None:
            raise ReferenceDataError(
                source=source, errors=[f"the file is empty; expected a header row: {','.join(columns)}"]
            )
        header = [name.strip() for name in header]
        missing = [name for name in columns if name not in header]
        unknown = [name for name in header if name not in columns]
        if missing:
            problem = f"line 1: missing header column(s): {', '.join(missing)}"
            # Most names missing: the first line is data, not a header with a typo or two.
            if len(missing) > len(columns) / 2:
                problem = f"line 1: no header row; the first line must name the columns: {','.join(columns)}"
            raise ReferenceDataError(source=source, errors=[problem])
        if unknown:
            raise ReferenceDataError(
                source=source,
                errors=[f"line 1: unknown column(s): {', '.join(unknown)}; expected: {','.join(columns)}"],
            )
        duplicated = sorted({name for name in header if header.count(name) > 1})
        if duplicated:
            raise ReferenceDataError(
                source=source, errors=[f"line 1: column(s) named twice: {', '.join(duplicated)}"]
            )

        records: list[FileRecord] = []
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
                FileRecord(where=where, values={k: v.strip() for k, v in zip(header, raw, strict=True)})
            )
        return records
    except csv.Error as exc:
        raise ReferenceDataError(source=source, errors=[f"not a valid CSV file: {exc}"]) from None


def read_json(*, path: Path, columns: tuple[str, ...], errors: list[str]) -> list[FileRecord]:
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

    records: list[FileRecord] = []
    for index, entry in enumerate(document, start=1):
        where = f"entry {index}"
        if not isinstance(entry, dict):
            errors.append(f"{where}: expected an object")
            continue
        unknown = sorted(set(entry) - set(columns))
        if unknown:
            errors.append(f"{where}: unknown field(s): {', '.join(unknown)}")
            continue
        records.append(FileRecord(where=where, values={name: _as_text(entry.get(name)) for name in columns}))
    return records


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def validation_messages(*, error: ValidationError, where: str, column_of: dict[str, str]) -> list[str]:
    if not hasattr(error, "error_dict"):
        return [f"{where}: {message}" for message in error.messages]
    return [
        f"{where}: {column_of.get(field, field)}: {message}"
        for field, field_errors in error.error_dict.items()
        for message in ValidationError(field_errors).messages
    ]
