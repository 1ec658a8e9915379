"""`manage.py outbox_replay`: put dead letters of the outbox back to be delivered again (audited)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from childshield.outbox.services import outbox_items_replay


class Command(BaseCommand):
    help = (
        "Put dead outbox items back to pending with their attempts reset, so a worker delivers them "
        "again. Fix what made them fail first (see their last error in the admin's Outbox page)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--id", dest="ids", type=int, action="append", default=[], help="An item to replay (repeatable)."
        )
        parser.add_argument("--all-dead", action="store_true", help="Replay every dead item.")

    def handle(self, *args: Any, ids: list[int], all_dead: bool, **options: Any) -> None:
        if bool(ids) == all_dead:
            raise CommandError("Give either --id N (one or more) or --all-dead.")
        replayed = outbox_items_replay(item_ids=None if all_dead else ids, via="manage.py outbox_replay")
        skipped = sorted(set(ids) - set(replayed))
        self.stdout.write(f"{len(replayed)} dead item(s) put back to pending: {replayed}")
        if skipped:
            self.stdout.write(f"Not dead, so left alone (or unknown): {skipped}")
