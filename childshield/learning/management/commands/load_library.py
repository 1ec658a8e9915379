"""`manage.py load_library`: the shipped library articles (`learning/data/library/`) published again
after their files changed. `migrate` does the same after every run; this is for a deployment that
updates the texts without a migration."""

from typing import Any

from django.core.management.base import BaseCommand

from childshield.learning.services.library import library_install_shipped


class Command(BaseCommand):
    help = "Publish the shipped library articles that are new or changed (never over a person's version)."

    def handle(self, *args: Any, **options: Any) -> None:
        published = library_install_shipped()
        self.stdout.write(f"{published} version(s) published.")
