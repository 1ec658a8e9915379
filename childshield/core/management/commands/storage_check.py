"""`manage.py storage_check`: write a test object through the file storage, read it back, delete it."""

import secrets
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Write a small test object (random bytes, nothing personal) through the storage that evidence "
        "and attachments use (object storage when STORAGE_S3_BUCKET is set), read it back and delete "
        "it: run after a deployment or a change of credentials."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--keep",
            action="store_true",
            help="Leave the object in place and print its name alone (to look for it in the store).",
        )

    def handle(self, *args: Any, keep: bool, **options: Any) -> None:
        storage = storages["default"]
        content = secrets.token_bytes(64)
        name = storage.save(f"storage-check/{secrets.token_hex(8)}.bin", ContentFile(content))
        with storage.open(name, "rb") as stored:
            if stored.read() != content:
                raise CommandError(f"{name} was written but reads back different bytes.")
        if keep:
            self.stdout.write(name)
            return
        storage.delete(name)
        if storage.exists(name):
            raise CommandError(f"{name} was written and read back but could not be deleted.")
        backend = f"{type(storage).__module__}.{type(storage).__name__}"
        self.stdout.write(f"{backend}: wrote {name}, read it back, deleted it")
