"""`manage.py retention_run [--dry-run]`: what the nightly task does, now."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from childshield.operations.retention import retention_run


class Command(BaseCommand):
    help = (
        "Anonymise or delete the records past their retention period (docs/retention.md), legal holds "
        "and cases a duty keeps excepted; with --dry-run, only count them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Count what is due; change nothing.")

    def handle(self, *args: Any, dry_run: bool, **options: Any) -> None:
        result = retention_run(dry_run=dry_run)
        self.stdout.write(
            json.dumps(
                {"dry_run": dry_run, "due": result.due, "held": result.held, "erased": result.erased},
                sort_keys=True,
            )
        )
