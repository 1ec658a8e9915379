"""`manage.py rotate_keys`: every encrypted value moves to the primary key, or nothing of a model does."""

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from childshield.core.management.commands.rotate_keys import encrypted_models
from tests.sampleapp.models import SampleRecord

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()
STRANGER_KEY = Fernet.generate_key().decode()


def raw_tokens() -> dict[int, tuple[str | None, ...]]:
    table = connection.ops.quote_name(SampleRecord._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, name, notes, contacts FROM {table} ORDER BY id")
        return {row[0]: tuple(row[1:]) for row in cursor.fetchall()}


def rotate_keys(*args: str) -> str:
    out = StringIO()
    call_command("rotate_keys", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def records_under_the_old_key():
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
        return [
            SampleRecord.objects.create(name="Nguyễn Thị Hoa", notes="ghi chú", contacts={"phone": "0912"}),
            SampleRecord.objects.create(name="សុខ ចាន់ធី", notes=None),
            SampleRecord.objects.create(name="", notes="", contacts=[]),
        ]


@pytest.mark.django_db
def test_rotate_keys_reencrypts_with_the_new_primary_key(records_under_the_old_key):
    before = raw_tokens()

    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
        output = rotate_keys("--batch-size", "2")

    assert "sampleapp.SampleRecord: 3 rows re-encrypted" in output
    after = raw_tokens()
    new_key = Fernet(NEW_KEY.encode())
    for pk, tokens in after.items():
        for old, new in zip(before[pk], tokens, strict=True):
            if old is None:
                assert new is None
            else:
                assert new != old
                new_key.decrypt(new.encode())
    # The old key can now be dropped from the settings.
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
        fresh = {r.pk: r for r in SampleRecord.objects.all()}
    first, second, third = records_under_the_old_key
    assert (fresh[first.pk].name, fresh[first.pk].notes, fresh[first.pk].contacts) == (
        "Nguyễn Thị Hoa",
        "ghi chú",
        {"phone": "0912"},
    )
    assert (fresh[second.pk].name, fresh[second.pk].notes) == ("សុខ ចាន់ធី", None)
    assert (fresh[third.pk].name, fresh[third.pk].notes, fresh[third.pk].contacts) == ("", "", [])


@pytest.mark.django_db
def test_dry_run_counts_and_changes_nothing(records_under_the_old_key):
    before = raw_tokens()

    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
        output = rotate_keys("--dry-run")

    assert "sampleapp.SampleRecord: 3 rows would be re-encrypted" in output
    assert raw_tokens() == before


@pytest.mark.django_db
def test_a_token_no_key_can_decrypt_stops_the_command_and_leaves_the_model_unchanged(
    records_under_the_old_key,
):
    with override_settings(FIELD_ENCRYPTION_KEYS=[STRANGER_KEY]):
        stranger = SampleRecord.objects.create(name="x", notes="written with a key now lost")
    before = raw_tokens()

    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]), pytest.raises(CommandError) as raised:
        rotate_keys("--batch-size", "1")

    message = str(raised.value)
    assert "sampleapp.SampleRecord.name" in message
    assert f"pk={stranger.pk}" in message
    assert "written with a key now lost" not in message
    # The rows before it had been rotated when the error came; the transaction undid them.
    assert raw_tokens() == before


@pytest.mark.django_db
def test_a_table_without_rows_reports_zero():
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
        assert "sampleapp.SampleRecord: 0 rows re-encrypted" in rotate_keys()


def test_every_model_with_encrypted_fields_is_found():
    found = {model._meta.label: [f.name for f in fields] for model, fields in encrypted_models()}

    assert found["sampleapp.SampleRecord"] == ["name", "notes", "contacts"]
