"""`manage.py load_library`: the shipped library articles (`learning/data/library/`) published again
after their files changed. `migrate` does the same after every run; this is for a deployment that
updates the texts without a migration."""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.learning.services.library import library_install_shipped


class Command(BaseCommand):
    help = "Publish the shipped library articles that are new or changed (never over a person's version)."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            published = library_install_shipped()
            if published:
                audit.record(
                    action=AuditAction.CREATE,
                    object_type="learning.library",
                    reason=f"shipped library texts published: {published} version(s)",
                )
        self.stdout.write(f"{published} version(s) published.")
