"""`manage.py rotate_keys`: re-encrypt every encrypted column with the primary field-encryption key."""

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models, router, transaction
from django.db.models import ExpressionWrapper, F, Value

from childshield.core import crypto
from childshield.core.fields import EncryptedField


class Command(BaseCommand):
    help = (
        "Re-encrypt every value of every encrypted field with the first key in FIELD_ENCRYPTION_KEYS, "
        "so older keys can then be removed. One transaction per model."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check that every value can be decrypted and count the rows, writing nothing.",
        )
        parser.add_argument("--batch-size", type=int, default=500, help="Rows read per query (default 500).")

    def handle(self, *args: Any, dry_run: bool, batch_size: int, **options: Any) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        crypto.field_cipher()  # a misconfigured key list fails here, before any model is touched
        for model, fields in encrypted_models():
            with transaction.atomic(using=router.db_for_write(model)):
                count = rotate_model(model, fields, dry_run=dry_run, batch_size=batch_size)
            verb = "would be re-encrypted" if dry_run else "re-encrypted"
            self.stdout.write(f"{model._meta.label}: {count} rows {verb}")
        for name, handler in crypto.rotations().items():
            count = handler(dry_run)
            verb = "would be re-encrypted" if dry_run else "re-encrypted"
            self.stdout.write(f"{name}: {count} items {verb}")


def encrypted_models() -> list[tuple[type[models.Model], list[EncryptedField]]]:
    """Each concrete model with encrypted columns in its own table, and those fields."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        # Local fields only: a multi-table child's inherited fields live in, and are rotated with,
        # the parent's table.
        fields = [f for f in model._meta.local_concrete_fields if isinstance(f, EncryptedField)]
        if fields:
            found.append((model, fields))
    return found


def rotate_model(
    model: type[models.Model], fields: list[EncryptedField], *, dry_run: bool, batch_size: int
) -> int:
    """Rotate every token of `fields` in `model`'s table; the number of rows holding any token."""
    database = router.db_for_write(model)
    table = model._base_manager.using(database)
    rows = table.order_by("pk")
    # The stored tokens as they are: an output field that is not encrypted skips the decryption.
    raw_columns = [ExpressionWrapper(F(f.attname), output_field=models.TextField()) for f in fields]
    count = 0
    last_pk = None
    while True:
        # Pages by primary key rather than one open cursor: SQLite does not isolate a cursor from
        # the updates made while reading it.
        page = rows if last_pk is None else rows.filter(pk__gt=last_pk)
        batch = list(page.values_list("pk", *raw_columns)[:batch_size])
        if not batch:
            return count
        for pk, *tokens in batch:
            rotated = {}
            for field, token in zip(fields, tokens, strict=True):
                if token is None:
                    continue
                try:
                    rotated[field.attname] = crypto.rotate(token)
                except crypto.InvalidToken:
                    raise CommandError(
                        f"{model._meta.label}.{field.name}, row pk={pk}: the value cannot be decrypted "
                        f"with any key in FIELD_ENCRYPTION_KEYS. Nothing in {model._meta.label} was changed."
                    ) from None
            if not rotated:
                continue
            count += 1
            if not dry_run:
                # Value with a plain TextField: the token is written as is, not encrypted again.
                table.filter(pk=pk).update(
                    **{name: Value(token, output_field=models.TextField()) for name, token in rotated.items()}
                )
        last_pk = batch[-1][0]
