"""`manage.py legal_hold add|lift|list`: stop retention for one record, and let it go again."""

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from childshield.operations.holds import HoldRefused, legal_hold_add, legal_hold_lift, legal_holds_standing


class Command(BaseCommand):
    help = "Place, lift or list legal holds: a held record is kept by retention (docs/retention.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("add", help="Hold one record.")
        add.add_argument("record", help="The kind of record, app_label.Model (intake.Report, cases.Case).")
        add.add_argument("record_id", type=int)
        add.add_argument(
            "--reason", required=True, help="Why (a court order, a police request); kept encrypted."
        )
        add.add_argument("--by", required=True, help="Who places the hold.")
        add.add_argument("--until", help="When the hold ends by itself (ISO 8601); none: until lifted.")
        lift = actions.add_parser("lift", help="Lift a hold.")
        lift.add_argument("hold_id", type=int)
        lift.add_argument("--by", required=True, help="Who lifts it.")
        actions.add_parser("list", help="The standing holds.")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            if action == "add":
                until = options["until"]
                moment = datetime.fromisoformat(until) if until else None
                if moment is not None and timezone.is_naive(moment):
                    moment = timezone.make_aware(moment)
                hold = legal_hold_add(
                    record=options["record"],
                    record_id=options["record_id"],
                    reason=options["reason"],
                    by=options["by"],
                    until=moment,
                )
                self.stdout.write(f"Hold {hold.pk} placed on {options['record']} {options['record_id']}.")
            elif action == "lift":
                hold = legal_hold_lift(hold_id=options["hold_id"], by=options["by"])
                self.stdout.write(f"Hold {hold.pk} lifted.")
            else:
                for hold in legal_holds_standing():
                    until = f"{hold.until:%Y-%m-%d %H:%M}" if hold.until else "until lifted"
                    self.stdout.write(
                        f"{hold.pk}\t{hold.content_type.app_label}.{hold.content_type.model} {hold.object_id}"
                        f"\tsince {hold.since:%Y-%m-%d %H:%M}\t{until}\tby {hold.placed_by}"
                    )
        except HoldRefused as error:
            raise CommandError(str(error)) from None
        except ValueError as error:
            raise CommandError(f"--until must be a date and time (ISO 8601): {error}") from None
