"""Command door onto reference_data_load: the shipped provinces, pilot communes and helplines."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from childshield.places.reference_files import ReferenceDataError
from childshield.places.services.reference_data import reference_data_load


class Command(BaseCommand):
    help = (
        "Load every data file shipped in childshield/places/data (provinces of Viet Nam and Cambodia, "
        "the pilot communes, helpline numbers) in one transaction. Safe to run again: it only writes "
        "what differs and says when nothing did."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            results = reference_data_load()
        except ReferenceDataError as exc:
            raise CommandError(exc.report()) from exc
        for result in results:
            self.stdout.write(result.summary())
        if any(result.changed for result in results):
            self.stdout.write(self.style.SUCCESS("Reference data loaded."))
        else:
            self.stdout.write(self.style.SUCCESS("Reference data already up to date: nothing changed."))
