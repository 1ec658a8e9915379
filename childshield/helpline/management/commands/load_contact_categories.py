"""Command door onto categories_load: the helpline's contact categories, from the shipped file or another."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from childshield.helpline.services.categories import CATEGORIES_FILE, categories_load


class Command(BaseCommand):
    help = (
        "Load the contact categories from childshield/helpline/data/contact_categories.json (or the file "
        "given): new ones are added, names and order updated. A category missing from the file is kept "
        "for the contacts that have it, marked not in use."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "file", type=Path, nargs="?", default=CATEGORIES_FILE, help="the JSON file to load"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count = categories_load(path=options["file"])
        self.stdout.write(self.style.SUCCESS(f"{count} contact categories loaded."))
