"""`manage.py run_exchange NAME`: run one exchange connection now, in this process, and say how it went."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from childshield.exchanges.models import ExchangeConnection
from childshield.exchanges.runs import exchange_run


class Command(BaseCommand):
    help = "Run an exchange connection (import and/or export) now."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="the connection's name (or its id)")

    def handle(self, *args: Any, **options: Any) -> None:
        name = str(options["name"])
        found = list(ExchangeConnection.objects.filter(name=name).values_list("pk", flat=True))
        if not found and name.isdigit():
            found = list(ExchangeConnection.objects.filter(pk=int(name)).values_list("pk", flat=True))
        if len(found) != 1:
            raise CommandError(
                f"No connection is named {name!r}."
                if not found
                else f"{len(found)} agencies name a connection {name!r}: give its id."
            )
        outcome = exchange_run(connection_id=found[0])
        if outcome is None:
            raise CommandError("The connection is switched off, or running already.")
        self.stdout.write(
            f"imported {outcome.imported}, withdrawn {outcome.removed}, sent {outcome.exported}"
            + (f", skipped {outcome.skipped} invalid" if outcome.skipped else "")
        )
        if outcome.error:
            raise CommandError(outcome.error)
