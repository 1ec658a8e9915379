"""`manage.py pdq_hash FILE...`: one line per file: the PDQ hash (64 hex digits), its quality, the path."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from childshield.hashing.imaging import ImageRejected, pdq_from_bytes


class Command(BaseCommand):
    help = "Print the PDQ hash and quality of each image file, one line per file."
    # It reads files and no database: the project's checks (half its start-up) are for the server.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("files", nargs="+", type=Path)

    def handle(self, *args: Any, files: list[Path], **options: Any) -> None:
        failed = 0
        for path in files:
            try:
                hashed = pdq_from_bytes(path.read_bytes())
            except (OSError, ImageRejected) as error:
                failed += 1
                self.stderr.write(f"{path}: {getattr(error, 'message', error)}")
                continue
            self.stdout.write(f"{hashed.value} {hashed.quality} {path}")
        if failed:
            raise CommandError(f"{failed} of {len(files)} files could not be hashed")
