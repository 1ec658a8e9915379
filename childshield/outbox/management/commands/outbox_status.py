"""`manage.py outbox_status`: the outbox's lag and dead letters as one line of JSON, for monitoring."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from childshield.outbox.selectors import outbox_health


class Command(BaseCommand):
    help = (
        "Print the outbox's pending and due items, how long the oldest due one has waited (seconds) "
        "and its dead letters, as one line of JSON. Exits 1 when an item has been due longer than "
        "--alert-after-minutes or a dead letter waits (a monitoring check's alert), else 0."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--alert-after-minutes",
            type=int,
            default=10,
            help="Lag past which to alert (default 10: the sweep runs every minute).",
        )

    def handle(self, *args: Any, alert_after_minutes: int, **options: Any) -> None:
        health = outbox_health()
        self.stdout.write(json.dumps(health.as_dict()))
        if health.dead or health.oldest_due_seconds > alert_after_minutes * 60:
            raise SystemExit(1)
