"""Encrypted model fields: what reaches the database, keys and their rotation, refused lookups."""

import pytest
from cryptography.fernet import Fernet
from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models
from django.test import override_settings
from django.test.utils import isolate_apps

from childshield.core import crypto
from childshield.core.fields import EncryptedJSONField, EncryptedLookupError, EncryptedTextField
from tests.sampleapp.models import SampleRecord

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()
STRANGER_KEY = Fernet.generate_key().decode()

VIETNAMESE_NAME = "Nguyễn Thị Hoa"
KHMER_NAME = "សុខ ចាន់ធី"


def raw_columns(record: SampleRecord) -> tuple[str | None, str | None, str | None]:
    table = connection.ops.quote_name(SampleRecord._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT name, notes, contacts FROM {table} WHERE id = %s", [record.pk])
        return cursor.fetchone()


def write_raw(record: SampleRecord, column: str, value: str) -> None:
    table = connection.ops.quote_name(SampleRecord._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, record.pk])


@pytest.mark.django_db
def test_raw_database_holds_no_plaintext():
    record = SampleRecord.objects.create(
        name=VIETNAMESE_NAME,
        notes=f"Đã gặp {KHMER_NAME} ở trường",
        contacts={"phone": "0912345678", "guardian": KHMER_NAME},
    )

    raw = " ".join(raw_columns(record))
    for plaintext in (VIETNAMESE_NAME, "Nguy", KHMER_NAME, "ចាន់ធី", "Đã gặp", "0912345678", "guardian"):
        assert plaintext not in raw
    fresh = SampleRecord.objects.get(pk=record.pk)
    assert fresh.name == VIETNAMESE_NAME
    assert fresh.notes == f"Đã gặp {KHMER_NAME} ở trường"
    assert fresh.contacts == {"phone": "0912345678", "guardian": KHMER_NAME}


@pytest.mark.django_db
def test_equal_values_are_stored_as_different_tokens():
    first = SampleRecord.objects.create(name=VIETNAMESE_NAME)
    second = SampleRecord.objects.create(name=VIETNAMESE_NAME)

    assert raw_columns(first)[0] != raw_columns(second)[0]


@pytest.mark.django_db
def test_none_stays_null_and_the_empty_string_round_trips_encrypted():
    record = SampleRecord.objects.create(name="", notes=None, contacts=[])

    name, notes, contacts = raw_columns(record)
    assert notes is None
    assert name != ""
    assert contacts != "[]"
    fresh = SampleRecord.objects.get(pk=record.pk)
    assert (fresh.name, fresh.notes, fresh.contacts) == ("", None, [])


@pytest.mark.django_db
def test_json_field_round_trips_nested_unicode_data():
    contacts = {"people": [{"name": KHMER_NAME, "age": 14, "in_school": True}], "note": VIETNAMESE_NAME}
    record = SampleRecord.objects.create(name="x", contacts=contacts)

    assert SampleRecord.objects.get(pk=record.pk).contacts == contacts


@pytest.mark.django_db
def test_queryset_update_and_bulk_create_encrypt_too():
    record = SampleRecord.objects.create(name="before")
    SampleRecord.objects.filter(pk=record.pk).update(name=VIETNAMESE_NAME, notes=KHMER_NAME)
    [bulk] = SampleRecord.objects.bulk_create([SampleRecord(name=KHMER_NAME, notes=VIETNAMESE_NAME)])
    if bulk.pk is None:  # backends that cannot return ids from bulk inserts
        bulk = SampleRecord.objects.order_by("-pk").first()

    for stored in (record, bulk):
        raw = " ".join(value for value in raw_columns(stored) if value)
        assert VIETNAMESE_NAME not in raw
        assert KHMER_NAME not in raw
    assert SampleRecord.objects.get(pk=record.pk).notes == KHMER_NAME
    assert SampleRecord.objects.get(pk=bulk.pk).name == KHMER_NAME


@pytest.mark.django_db
def test_a_value_written_with_an_old_key_is_read_after_rotation_setting():
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
        record = SampleRecord.objects.create(name=VIETNAMESE_NAME)

    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
        assert SampleRecord.objects.get(pk=record.pk).name == VIETNAMESE_NAME
        newer = SampleRecord.objects.create(name=KHMER_NAME)

    # The primary (first) key wrote the newer record: it no longer needs the old one.
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
        assert SampleRecord.objects.get(pk=newer.pk).name == KHMER_NAME


@pytest.mark.django_db
def test_a_value_no_key_can_decrypt_raises_an_error_naming_the_field_not_the_value():
    with override_settings(FIELD_ENCRYPTION_KEYS=[STRANGER_KEY]):
        record = SampleRecord.objects.create(name=VIETNAMESE_NAME)

    with (
        override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]),
        pytest.raises(crypto.DecryptionError) as raised,
    ):
        SampleRecord.objects.get(pk=record.pk)

    assert "sampleapp.SampleRecord.name" in str(raised.value)
    assert VIETNAMESE_NAME not in str(raised.value)
    assert raw_columns(record)[0] not in str(raised.value)


@pytest.mark.django_db
@pytest.mark.parametrize("stored", [VIETNAMESE_NAME, "plain ascii text", ""])
def test_plaintext_found_in_an_encrypted_column_is_refused_not_returned(stored):
    record = SampleRecord.objects.create(name="x")
    write_raw(record, "name", stored)

    with pytest.raises(crypto.DecryptionError, match=r"sampleapp\.SampleRecord\.name"):
        SampleRecord.objects.get(pk=record.pk)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "lookup",
    [
        {"name": VIETNAMESE_NAME},
        {"name__iexact": VIETNAMESE_NAME},
        {"name__icontains": "Hoa"},
        {"name__startswith": "N"},
        {"name__in": [VIETNAMESE_NAME]},
        {"name__lower": "x"},
        {"notes": None},
        {"contacts__phone": "0912345678"},
        {"contacts__has_key": "phone"},
    ],
)
def test_lookups_on_encrypted_fields_are_refused(lookup):
    SampleRecord.objects.create(name=VIETNAMESE_NAME, contacts={"phone": "0912345678"})

    with pytest.raises(EncryptedLookupError, match="blind index"):
        list(SampleRecord.objects.filter(**lookup))
    with pytest.raises(EncryptedLookupError):
        list(SampleRecord.objects.exclude(**lookup))


@pytest.mark.django_db
def test_isnull_is_the_one_lookup_allowed():
    with_notes = SampleRecord.objects.create(name="a", notes="n")
    without = SampleRecord.objects.create(name="b", notes=None)

    assert list(SampleRecord.objects.filter(notes__isnull=True)) == [without]
    assert list(SampleRecord.objects.filter(notes__isnull=False)) == [with_notes]


def test_fields_deconstruct_for_migrations():
    for field in (
        EncryptedTextField(null=True, blank=True),
        EncryptedJSONField(default=dict, blank=True),
    ):
        _name, path, args, kwargs = field.deconstruct()
        assert path == f"childshield.core.fields.{type(field).__name__}"
        assert args == []
        rebuilt = type(field)(*args, **kwargs)
        assert rebuilt.deconstruct()[1:] == (path, args, kwargs)
    assert EncryptedJSONField(default=dict).deconstruct()[3] == {"default": dict}


def test_an_encrypted_field_cannot_be_unique_or_indexed():
    with isolate_apps("tests.sampleapp"):

        class Unsearchable(models.Model):
            email = EncryptedTextField(unique=True)
            phone = EncryptedTextField(db_index=True)

            class Meta:
                app_label = "sampleapp"

            def __str__(self) -> str:
                return "unsearchable"

        ids = [error.id for error in Unsearchable.check()]
    assert ids.count("core.E001") == 2


@pytest.mark.parametrize("keys", [[], ["not-a-fernet-key"]])
def test_misconfigured_keys_fail_loudly_without_showing_a_key(keys):
    with override_settings(FIELD_ENCRYPTION_KEYS=keys), pytest.raises(ImproperlyConfigured) as raised:
        crypto.encrypt("x")

    assert "not-a-fernet-key" not in str(raised.value)


def test_the_cipher_follows_changes_of_the_key_setting():
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
        token = crypto.encrypt(KHMER_NAME)
        assert crypto.decrypt(token) == KHMER_NAME
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]), pytest.raises(crypto.InvalidToken):
        crypto.decrypt(token)


@pytest.mark.django_db
def test_model_validation_and_forms_see_the_plain_values():
    record = SampleRecord(name=KHMER_NAME, contacts={"phone": "0912345678"})
    record.full_clean()

    assert isinstance(SampleRecord._meta.get_field("contacts").formfield(), forms.JSONField)
    assert isinstance(SampleRecord._meta.get_field("notes").formfield().widget, forms.Textarea)
