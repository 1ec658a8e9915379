"""`manage.py backup OUTPUT`: the database and its stored files, in one file sealed with BACKUP_KEYS."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from childshield.operations.backups import BackupRefused, backup_take


class Command(BaseCommand):
    help = (
        "Write a consistent copy of the database and of every stored file it names (evidence, "
        "attachments) to OUTPUT, encrypted with the first key of BACKUP_KEYS. Keep the keys elsewhere: "
        "docs/deploy.md, Backups."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("output", type=Path, help="The backup file to write (it must not exist).")
        parser.add_argument("--database", default="default", help="The database alias (default: default).")

    def handle(self, *args: Any, output: Path, database: str, **options: Any) -> None:
        try:
            taken = backup_take(output=output, using=database)
        except BackupRefused as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Backup written to {taken.path}: {taken.tables} tables, {taken.rows} rows, "
            f"{taken.files} stored files, {taken.size} bytes."
        )
