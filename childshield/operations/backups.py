"""A backup: one consistent state of the database and every stored file it names, sealed into one file
with a manifest; and its restore, which checks the whole file before it changes anything.

Inside the seal, the backup is a run of entries, each its name and its bytes in frames: the
database's dump, then `files/<storage name>` for each stored file, then `manifest.json` (format,
when, the migrations applied per app, the rows per table, each entry's SHA-256 and size).
"""

import hashlib
import json
import os
import struct
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from django.apps import apps
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.core.management.base import CommandError
from django.db import connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.core.management.commands.rotate_keys import encrypted_models, rotate_model
from childshield.operations import database, sealing
from childshield.operations.database import DUMP_NAMES, Snapshot

FORMAT = 1
MANIFEST = "manifest.json"
FILE_PREFIX = "files/"
# A model keeps the name of a file in the default storage in a FileField, or in a text field of
# this name (hotline evidence, received images and case attachments keep encrypted files so).
STORED_FILE_FIELD = "storage_name"
NAME = struct.Struct(">H")
FRAME = struct.Struct(">I")
FRAME_BYTES = 1024 * 1024
MAX_FRAME_BYTES = 16 * 1024 * 1024


class BackupRefused(Exception):
    """A backup not taken, or not restored; the message says why and what to do."""


@dataclass(frozen=True)
class BackupTaken:
    path: Path
    tables: int
    rows: int
    files: int
    size: int


@dataclass
class Restored:
    manifest: dict[str, Any]
    # What the operator should know or do next, in the order it happened.
    notes: list[str] = field(default_factory=list)


# What the database names --------------------------------------------------------------------------------


def stored_file_columns() -> list[tuple[str, str]]:
    """(table, column) of every field that names a file in the default storage."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for model_field in model._meta.local_concrete_fields:
            if isinstance(model_field, models.FileField) or model_field.name == STORED_FILE_FIELD:
                found.append((model._meta.db_table, model_field.column))
    return found


def _stored_names(snapshot: Snapshot, tables: list[str]) -> list[str]:
    names: set[str] = set()
    for table, column in stored_file_columns():
        if table in tables:
            quoted = database.quote(column)
            rows = snapshot.rows(
                f"SELECT DISTINCT {quoted} FROM {database.quote(table)} "  # noqa: S608
                f"WHERE {quoted} IS NOT NULL AND {quoted} <> ''"
            )
            names.update(str(name) for (name,) in rows)
    return sorted(names)


def _migrations(rows: database.RowReader, tables: Iterable[str]) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    if "django_migrations" in tables:
        for app, name in rows("SELECT app, name FROM django_migrations ORDER BY app, name"):
            applied.setdefault(str(app), []).append(str(name))
    return applied


def migration_gaps(applied: dict[str, list[str]]) -> tuple[list[str], list[str]]:
    """(migrations the backup applied that this code lacks, migrations of this code it did not apply)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    recorded = {(app, name) for app, names in applied.items() for name in names}
    unknown = sorted(f"{app}.{name}" for app, name in recorded - set(loader.disk_migrations))
    pending = sorted(f"{app}.{name}" for app, name in set(loader.graph.nodes) - recorded)
    return unknown, pending


# The entries inside the seal ------------------------------------------------------------------------------


class _EntryWriter:
    def __init__(self, sealed: sealing.SealedWriter) -> None:
        self.sealed = sealed

    def add(self, name: str, chunks: Iterable[bytes]) -> tuple[str, int]:
        encoded = name.encode("utf-8")
        self.sealed.write(NAME.pack(len(encoded)) + encoded)
        digest, size = hashlib.sha256(), 0
        for chunk in chunks:
            for start in range(0, len(chunk), FRAME_BYTES):
                frame = chunk[start : start + FRAME_BYTES]
                self.sealed.write(FRAME.pack(len(frame)) + frame)
                digest.update(frame)
                size += len(frame)
        self.sealed.write(FRAME.pack(0))
        return digest.hexdigest(), size


class _Plain:
    """The unsealed bytes, read by size across chunk boundaries."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = bytearray()

    def _fill(self, size: int) -> bool:
        while len(self._buffer) < size:
            chunk = next(self._chunks, None)
            if chunk is None:
                return False
            self._buffer += chunk
        return True

    def at_end(self) -> bool:
        return not self._fill(1)

    def take(self, size: int) -> bytes:
        if not self._fill(size):
            raise BackupRefused(
                "The backup's contents are malformed (an entry is cut short). Nothing was restored."
            )
        taken = bytes(self._buffer[:size])
        del self._buffer[:size]
        return taken


def _entries(chunks: Iterator[bytes]) -> Iterator[tuple[str, Iterator[bytes]]]:
    """Each entry's name and its frames; the frames must be read before the next entry is asked for."""
    plain = _Plain(chunks)
    while not plain.at_end():
        (length,) = NAME.unpack(plain.take(NAME.size))
        name = plain.take(length).decode("utf-8")

        def frames() -> Iterator[bytes]:
            while True:
                (size,) = FRAME.unpack(plain.take(FRAME.size))
                if size == 0:
                    return
                if size > MAX_FRAME_BYTES:
                    raise BackupRefused("The backup's contents are malformed (a frame is too large).")
                yield plain.take(size)

        body = frames()
        yield name, body
        for _rest in body:
            pass


def _hashed(frames: Iterable[bytes]) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    for frame in frames:
        digest.update(frame)
        size += len(frame)
    return digest.hexdigest(), size


# Taking a backup -----------------------------------------------------------------------------------------


def _stored_chunks(storage: Storage, name: str) -> Iterator[bytes]:
    if not storage.exists(name):
        raise BackupRefused(
            f"The database names a stored file that is missing from the storage: {name}. "
            "No backup was written; find the file (or the record's history) and take the backup again."
        )
    with storage.open(name, "rb") as stored:
        while chunk := stored.read(FRAME_BYTES):
            yield chunk


def backup_take(*, output: Path, using: str = "default", storage: Storage | None = None) -> BackupTaken:
    """Write the database and its stored files, sealed with the first BACKUP_KEYS key, to `output`.

    The file appears under its name only once complete (it is written beside it as `.partial`)."""
    storage = storage or default_storage
    try:
        key = sealing.backup_keys()[0]
    except sealing.SealError as error:
        raise BackupRefused(str(error)) from None
    if output.exists():
        raise BackupRefused(f"{output} exists already: give each backup a name of its own.")
    connection = connections[using]
    vendor = _vendor(connection)
    with transaction.atomic(using=using):
        audit.record(action=AuditAction.EXPORT, object_type="database", reason="backup (manage.py backup)")
    partial = output.with_name(output.name + ".partial")
    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as error:
        raise BackupRefused(f"{partial} cannot be written: {error.strerror}.") from None
    try:
        with os.fdopen(descriptor, "wb") as out:
            manifest = _write_entries(out, key, connection, vendor, storage)
            os.fsync(out.fileno())
        os.replace(partial, output)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    tables = manifest["tables"]
    return BackupTaken(
        output, len(tables), sum(tables.values()), len(manifest["files"]), output.stat().st_size
    )


def _write_entries(
    out: BinaryIO, key: bytes, connection: BaseDatabaseWrapper, vendor: str, storage: Storage
) -> dict[str, Any]:
    sealed = sealing.SealedWriter(out, key)
    entries = _EntryWriter(sealed)
    with database.database_snapshot(connection) as snapshot:
        created_at = timezone.now().isoformat()
        tables = snapshot.tables()
        counts = database.table_counts(snapshot.rows, tables)
        migrations = _migrations(snapshot.rows, tables)
        names = _stored_names(snapshot, tables)
        digest, size = entries.add(DUMP_NAMES[vendor], snapshot.dump())
    files = []
    for name in names:
        file_digest, file_size = entries.add(FILE_PREFIX + name, _stored_chunks(storage, name))
        files.append({"name": name, "sha256": file_digest, "bytes": file_size})
    manifest = {
        "format": FORMAT,
        "created_at": created_at,
        "database": {"vendor": vendor, "entry": DUMP_NAMES[vendor], "sha256": digest, "bytes": size},
        "migrations": migrations,
        "tables": counts,
        "files": files,
    }
    entries.add(MANIFEST, [json.dumps(manifest, indent=1, sort_keys=True).encode("utf-8")])
    sealed.close()
    return manifest


def _vendor(connection: BaseDatabaseWrapper) -> str:
    try:
        return database.vendor_supported(connection)
    except database.DatabaseError as error:
        raise BackupRefused(str(error)) from None


# Checking a backup ----------------------------------------------------------------------------------------


def _sealed_entries(source: Path, keys: list[bytes]) -> Iterator[tuple[str, Iterator[bytes]]]:
    with source.open("rb") as sealed:
        yield from _entries(sealing.unsealed_chunks(sealed, keys))


def backup_check(*, source: Path) -> dict[str, Any]:
    """Read the whole backup, authenticate every chunk and hash every entry against the manifest;
    its manifest, or BackupRefused. Writes nothing."""
    try:
        keys = sealing.backup_keys()
        if not source.is_file():
            raise BackupRefused(f"{source} is not a file.")
        seen: dict[str, tuple[str, int]] = {}
        manifest_bytes: bytes | None = None
        for name, frames in _sealed_entries(source, keys):
            if manifest_bytes is not None or name in seen:
                raise BackupRefused(
                    "The backup's contents are malformed (entries after the manifest, or twice)."
                )
            if name == MANIFEST:
                manifest_bytes = b"".join(frames)
            else:
                seen[name] = _hashed(frames)
    except sealing.SealError as error:
        raise BackupRefused(f"{error} Nothing was restored.") from None
    if manifest_bytes is None:
        raise BackupRefused("The backup has no manifest. Nothing was restored.")
    manifest: dict[str, Any] = json.loads(manifest_bytes)
    if manifest.get("format") != FORMAT:
        raise BackupRefused(f"The backup's manifest has format {manifest.get('format')}, not {FORMAT}.")
    expected = {
        manifest["database"]["entry"]: (manifest["database"]["sha256"], manifest["database"]["bytes"])
    }
    expected.update({FILE_PREFIX + f["name"]: (f["sha256"], f["bytes"]) for f in manifest["files"]})
    for name in sorted(set(expected) | set(seen)):
        if expected.get(name) != seen.get(name):
            raise BackupRefused(f"The backup does not match its manifest ({name}). Nothing was restored.")
    return manifest


# Restoring a backup ---------------------------------------------------------------------------------------


def backup_restore(
    *,
    source: Path,
    using: str = "default",
    storage: Storage | None = None,
    into_non_empty: bool = False,
    say: Callable[[str], None] = lambda line: None,
) -> Restored:
    """Restore a backup checked whole first: the database, then its stored files under their names.

    Refused, with nothing changed, when the backup is altered or cut short, was taken by a newer
    version, or the database holds rows (or the storage holds files of the backup's names) and
    `into_non_empty` is not given."""
    storage = storage or default_storage
    manifest = backup_check(source=source)
    connection = connections[using]
    if manifest["database"]["vendor"] != _vendor(connection):
        raise BackupRefused(
            f"This is a {manifest['database']['vendor']} backup; the database is {connection.vendor}."
        )
    restored = Restored(manifest)
    unknown, pending = migration_gaps(manifest["migrations"])
    if unknown:
        raise BackupRefused(
            "The backup was taken by a newer version of childshield: its database has migrations this "
            f"code does not have ({_some(unknown)}). Install that version (or a later one) and "
            "restore with it. Nothing was restored."
        )
    _check_empty(connection, storage, manifest, into_non_empty=into_non_empty, say=say)
    keys = sealing.backup_keys()
    try:
        for name, frames in _sealed_entries(source, keys):
            if name == manifest["database"]["entry"]:
                _restore_database(connection, frames, clean=into_non_empty)
                say(f"Database restored ({len(manifest['tables'])} tables).")
            elif name.startswith(FILE_PREFIX):
                _restore_file(storage, name.removeprefix(FILE_PREFIX), frames)
    except sealing.SealError as error:
        raise BackupRefused(f"The backup changed while it was restored: {error}") from None
    say(f"Stored files restored: {len(manifest['files'])}.")
    _check_counts(connection, manifest)
    if pending:
        restored.notes.append(
            f"The backup predates {len(pending)} migration(s) of this code ({_some(pending)}): "
            "run `manage.py migrate` now, then "
            "`manage.py rotate_keys --dry-run` to check that every value decrypts."
        )
        return restored
    restored.notes.append(f"Every encrypted value decrypts: {_decrypt_check()} rows checked.")
    with transaction.atomic(using=using):
        audit.record(
            action=AuditAction.UPDATE,
            object_type="database",
            reason=f"restored from the backup taken at {manifest['created_at']}",
        )
    return restored


def _some(names: list[str]) -> str:
    return ", ".join(names[:5]) + (", …" if len(names) > 5 else "")


def _check_empty(
    connection: BaseDatabaseWrapper,
    storage: Storage,
    manifest: dict[str, Any],
    *,
    into_non_empty: bool,
    say: Callable[[str], None],
) -> None:
    occupied = database.tables_with_rows(connection)
    existing = [entry["name"] for entry in manifest["files"] if storage.exists(entry["name"])]
    if not occupied and not existing:
        return
    found = []
    if occupied:
        found.append(f"rows in {len(occupied)} table(s) ({_some(occupied)})")
    if existing:
        found.append(f"{len(existing)} stored file(s) with the backup's names")
    if not into_non_empty:
        raise BackupRefused(
            f"The database is not empty: it holds {' and '.join(found)}. Restore into a new, empty "
            "database (see docs/deploy.md, Backups), or give --into-non-empty to replace what it "
            "holds with the backup. Nothing was restored."
        )
    if connection.vendor == "sqlite":
        replaced = "the whole database file is replaced by the backup's"
    else:
        replaced = (
            "every table, sequence and trigger in the backup is dropped and restored from it "
            "(pg_restore --clean); tables the backup does not have are left as they are"
        )
    say(
        f"--into-non-empty: the database holds {' and '.join(found)}; {replaced}; stored files with the "
        "backup's names are replaced."
    )


def _restore_database(connection: BaseDatabaseWrapper, frames: Iterable[bytes], *, clean: bool) -> None:
    try:
        if connection.vendor == "postgresql":
            database.postgres_restore(connection, frames, clean=clean)
        else:
            database.sqlite_restore(connection, frames)
    except database.DatabaseError as error:
        raise BackupRefused(str(error)) from None


def _restore_file(storage: Storage, name: str, frames: Iterable[bytes]) -> None:
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as spooled:
        digest = hashlib.sha256()
        for frame in frames:
            spooled.write(frame)
            digest.update(frame)
        spooled.seek(0)
        if storage.exists(name):
            storage.delete(name)
        saved = storage.save(name, File(spooled, name=name))
    if saved != name:
        raise BackupRefused(f"The storage saved {name} as {saved}: the record would not find it.")
    with storage.open(name, "rb") as stored:
        if _hashed(iter(lambda: stored.read(FRAME_BYTES), b""))[0] != digest.hexdigest():
            raise BackupRefused(f"The stored file {name} does not read back as it was restored.")


def _check_counts(connection: BaseDatabaseWrapper, manifest: dict[str, Any]) -> None:
    counts = database.table_counts(database.connection_rows(connection), manifest["tables"])
    wrong = [table for table, count in manifest["tables"].items() if counts[table] != count]
    if wrong:
        raise BackupRefused(
            f"The restored database's row counts differ from the manifest's: {', '.join(wrong)}."
        )


def _decrypt_check() -> int:
    """Every value of every encrypted column decrypts with FIELD_ENCRYPTION_KEYS; the rows read."""
    checked = 0
    for model, fields in encrypted_models():
        try:
            checked += rotate_model(model, fields, dry_run=True, batch_size=1000)
        except CommandError as error:
            raise BackupRefused(
                f"The database is restored, but {error} Set FIELD_ENCRYPTION_KEYS to the keys the data "
                "was encrypted with: a backup is read with both its BACKUP_KEYS and the field keys."
            ) from None
    return checked
