"""The database's side of a backup: a consistent snapshot to read and dump, and the dump's restore.

PostgreSQL: one REPEATABLE READ transaction exports its snapshot, the backup reads the counts and the
stored files' names in it, and `pg_dump --snapshot` dumps that same state (custom format). The
restore streams the dump into `pg_restore` in one transaction. SQLite (the demo): the backup API
copies the database into a file that is then read and dumped, and copies a restored file back.
"""

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Protocol

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.postgresql.client import DatabaseClient

READ_BYTES = 1024 * 1024
DUMP_NAMES = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}


class DatabaseError(Exception):
    """The database could not be dumped or restored; the message says why and what to do."""


class Snapshot(Protocol):
    """One consistent state of the database: queried and dumped as it was when it was taken."""

    def rows(self, sql: str) -> list[tuple[object, ...]]: ...

    def tables(self) -> list[str]: ...

    def dump(self) -> Iterator[bytes]: ...


def quote(name: str) -> str:
    """A table or column name, quoted for SQL: the names come from the database's own catalogue or
    the models, never from a request (hence the `noqa: S608`s on the queries built with them)."""
    return '"' + name.replace('"', '""') + '"'


def vendor_supported(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor not in DUMP_NAMES:
        raise DatabaseError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.")
    return connection.vendor


@contextmanager
def database_snapshot(connection: BaseDatabaseWrapper) -> Iterator[Snapshot]:
    if vendor_supported(connection) == "postgresql":
        with _postgres_snapshot(connection) as snapshot:
            yield snapshot
    else:
        with _sqlite_snapshot(connection) as sqlite_snapshot:
            yield sqlite_snapshot


# PostgreSQL ----------------------------------------------------------------------------------------------


def _client(
    connection: BaseDatabaseWrapper, program: str, parameters: list[str]
) -> tuple[list[str], dict[str, str]]:
    """The command line and environment of a PostgreSQL client program for this connection (the
    password goes in the environment, never the arguments)."""
    if shutil.which(program) is None:
        raise DatabaseError(
            f"{program} is missing: install Debian's postgresql-client (make system-packages)."
        )
    _check_client_version(connection, program)
    args, env = DatabaseClient.settings_to_cmd_args_env(connection.settings_dict, parameters)
    return [program, *args[1:]], {**os.environ, **(env or {})}


def _check_client_version(connection: BaseDatabaseWrapper, program: str) -> None:
    # The programs run are pg_dump and pg_restore, found on PATH; their arguments are ours.
    output = subprocess.run([program, "--version"], capture_output=True, text=True, check=False).stdout  # noqa: S603
    found = re.search(r"(\d+)(?:\.\d+)?", output)
    client_major = int(found.group(1)) if found else 0
    connection.ensure_connection()
    server_major = int(getattr(connection, "pg_version", 0)) // 10000
    if client_major < server_major:
        raise DatabaseError(
            f"{program} {client_major} cannot be used with a PostgreSQL {server_major} server: install "
            f"the client of the server's version (postgresql-client-{server_major})."
        )


class _PostgresSnapshot:
    def __init__(self, connection: BaseDatabaseWrapper, snapshot_id: str) -> None:
        self.connection = connection
        self.snapshot_id = snapshot_id

    def rows(self, sql: str) -> list[tuple[object, ...]]:
        with self.connection.cursor() as cursor:
            cursor.execute(sql)
            return list(cursor.fetchall())

    def tables(self) -> list[str]:
        with self.connection.cursor() as cursor:
            return sorted(self.connection.introspection.table_names(cursor))

    def dump(self) -> Iterator[bytes]:
        args, env = _client(
            self.connection, "pg_dump", ["--format=custom", f"--snapshot={self.snapshot_id}", "--no-password"]
        )
        with tempfile.TemporaryFile() as errors:
            process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=errors, env=env)  # noqa: S603
            assert process.stdout is not None
            try:
                while chunk := process.stdout.read(READ_BYTES):
                    yield chunk
            finally:
                process.stdout.close()
                code = process.wait()
            if code != 0:
                raise DatabaseError(f"pg_dump failed ({code}): {_said(errors)}")


def _said(errors: IO[bytes]) -> str:
    errors.seek(0)
    return errors.read().decode("utf-8", "replace").strip()[-2000:]


@contextmanager
def _postgres_snapshot(connection: BaseDatabaseWrapper) -> Iterator[_PostgresSnapshot]:
    if connection.in_atomic_block:
        raise DatabaseError("A backup takes its own transaction: run it outside one.")
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        row = cursor.fetchone()
        assert row is not None
        # The transaction stays open, holding the snapshot, until pg_dump has dumped it.
        yield _PostgresSnapshot(connection, str(row[0]))


def postgres_restore(connection: BaseDatabaseWrapper, dump: Iterable[bytes], *, clean: bool) -> None:
    """Stream a custom-format dump into pg_restore, in one transaction: all of it or nothing.

    Objects are owned by the connecting role and grants are not restored (--no-owner,
    --no-privileges), so a dump restores into a server that lacks the original roles."""
    options = ["--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error", "--no-password"]
    if clean:
        options += ["--clean", "--if-exists"]
    args, env = _client(connection, "pg_restore", [*options, "--dbname"])
    connection.close()  # no session of ours holds a lock the restore waits for
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(args, stdin=subprocess.PIPE, stderr=errors, env=env)  # noqa: S603
        assert process.stdin is not None
        try:
            for chunk in dump:
                process.stdin.write(chunk)
            process.stdin.close()
        except BrokenPipeError:
            pass  # pg_restore stopped early; its exit code and message say why
        finally:
            code = process.wait()
        if code != 0:
            raise DatabaseError(f"pg_restore failed ({code}), nothing was restored: {_said(errors)}")


# SQLite ---------------------------------------------------------------------------------------------------


class _SqliteSnapshot:
    def __init__(self, copy: sqlite3.Connection, path: Path) -> None:
        self.copy = copy
        self.path = path

    def rows(self, sql: str) -> list[tuple[object, ...]]:
        return list(self.copy.execute(sql).fetchall())

    def tables(self) -> list[str]:
        return sqlite_tables(self.copy)

    def dump(self) -> Iterator[bytes]:
        with self.path.open("rb") as copied:
            while chunk := copied.read(READ_BYTES):
                yield chunk


def sqlite_tables(database: sqlite3.Connection) -> list[str]:
    rows = database.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    )
    return [str(name) for (name,) in rows]


def _sqlite_live(connection: BaseDatabaseWrapper) -> sqlite3.Connection:
    connection.ensure_connection()
    live = connection.connection
    assert isinstance(live, sqlite3.Connection)
    return live


@contextmanager
def _sqlite_snapshot(connection: BaseDatabaseWrapper) -> Iterator[_SqliteSnapshot]:
    with tempfile.TemporaryDirectory(prefix="childshield-backup-") as folder:
        path = Path(folder) / DUMP_NAMES["sqlite"]
        copy = sqlite3.connect(path)
        try:
            _sqlite_live(connection).backup(copy)
            yield _SqliteSnapshot(copy, path)
        finally:
            copy.close()


def sqlite_restore(connection: BaseDatabaseWrapper, dump: Iterable[bytes]) -> None:
    """Write the dump to a private temporary file, then copy it over the whole database."""
    with tempfile.TemporaryDirectory(prefix="childshield-restore-") as folder:
        path = Path(folder) / DUMP_NAMES["sqlite"]
        with path.open("wb") as restored:
            for chunk in dump:
                restored.write(chunk)
        source = sqlite3.connect(path)
        try:
            source.backup(_sqlite_live(connection))
        finally:
            source.close()


# The database now -----------------------------------------------------------------------------------------


def tables_with_rows(connection: BaseDatabaseWrapper) -> list[str]:
    """The tables of the connected database that hold at least one row."""
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))
        found = []
        for table in tables:
            cursor.execute(f"SELECT 1 FROM {quote(table)} LIMIT 1")  # noqa: S608
            if cursor.fetchone() is not None:
                found.append(table)
    return found


def table_counts(rows_of: "RowReader", tables: Iterable[str]) -> dict[str, int]:
    counts = {}
    for table in tables:
        ((count,),) = rows_of(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608
        counts[table] = int(str(count))
    return counts


class RowReader(Protocol):
    def __call__(self, sql: str, /) -> list[tuple[object, ...]]: ...


def connection_rows(connection: BaseDatabaseWrapper) -> RowReader:
    def rows(sql: str) -> list[tuple[object, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return list(cursor.fetchall())

    return rows
