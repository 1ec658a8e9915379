"""manage.py seed_demo: load the synthetic demo data and demo accounts (idempotent)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from childshield.core.errors import ApplicationError
from childshield.demo.services import demo_seed
from childshield.settings.demo_secrets import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Load reference data, synthetic agencies and one demo account per role. Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = demo_seed()
        except ApplicationError as error:
            raise CommandError(str(error.message)) from error
        for line in report.reference:
            self.stdout.write(f"Reference data {line}")
        if report.created:
            self.stdout.write(self.style.SUCCESS(f"Created {len(report.created)} demo records."))
        if report.kept:
            self.stdout.write(
                f"Kept {len(report.kept)} demo records that were already there (nothing changed)."
            )
        self.stdout.write(f"Demo accounts use the password: {DEMO_PASSWORD}")
