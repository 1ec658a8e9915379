"""`manage.py retention_reapply --since TIME`: after a restore, erase again what retention erased
after the backup was taken."""

import json
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from childshield.operations.retention import retention_reapply


def _moment(raw: str) -> datetime:
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError as error:
        raise CommandError(
            f"--since must be a date and time (2026-03-01T02:00:00+07:00), not {raw!r}."
        ) from error
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


class Command(BaseCommand):
    help = (
        "After a restore, erase again the records retention erased from --since (the backup's time, "
        "as its manifest says) on, from the database's erasure log and the storage's journal."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", required=True, help="When the restored backup was taken (ISO 8601).")

    def handle(self, *args: Any, since: str, **options: Any) -> None:
        counts = retention_reapply(since=_moment(since))
        self.stdout.write(json.dumps({"reapplied": counts}, sort_keys=True))
