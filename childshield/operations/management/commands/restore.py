"""`manage.py restore INPUT`: a backup checked whole, then restored into an empty database."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from childshield.operations.backups import BackupRefused, backup_check, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup written by `manage.py backup`: every chunk is authenticated with BACKUP_KEYS "
        "and every entry checked against the manifest before anything changes; then the database, "
        "then the stored files under their names. Refuses a database that holds any rows unless "
        "--into-non-empty is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("input", type=Path, help="The backup file.")
        parser.add_argument(
            "--into-non-empty",
            action="store_true",
            help="Replace what the database and the storage hold with the backup (says what it replaces).",
        )
        parser.add_argument(
            "--check-only", action="store_true", help="Check the backup whole and restore nothing."
        )
        parser.add_argument("--database", default="default", help="The database alias (default: default).")

    def handle(
        self, *args: Any, input: Path, into_non_empty: bool, check_only: bool, database: str, **options: Any
    ) -> None:
        try:
            if check_only:
                manifest = backup_check(source=input)
                self.stdout.write(
                    f"The backup taken at {manifest['created_at']} is whole: {len(manifest['tables'])} "
                    f"tables, {len(manifest['files'])} stored files. Nothing was restored."
                )
                return
            restored = backup_restore(
                source=input, using=database, into_non_empty=into_non_empty, say=self.stdout.write
            )
        except BackupRefused as error:
            raise CommandError(str(error)) from None
        for note in restored.notes:
            self.stdout.write(note)
        self.stdout.write(f"Restored the backup taken at {restored.manifest['created_at']}.")
