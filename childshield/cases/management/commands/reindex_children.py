"""Recompute every child's blind indexes: after BLIND_INDEX_KEY changes, or once after upgrading to
search by part of a name (children recorded before have no name parts yet)."""

from typing import Any

from django.core.management.base import BaseCommand

from childshield.cases.services.children import children_reindex


class Command(BaseCommand):
    help = "Recompute children's blind indexes (full name, duplicate check, parts of names)."

    def handle(self, *args: Any, **options: Any) -> None:
        done = children_reindex()
        self.stdout.write(f"{done} children reindexed.")
