"""What a restore refuses, with nothing restored: an altered or cut-short backup, another key, a
database that holds rows (unless told), a backup taken by a newer version; and no backup without a key."""

import io

import pytest
from django.core.management import CommandError, call_command

from childshield.accounts.models import Agency
from childshield.operations.backups import migration_gaps

from .conftest import OTHER_BACKUP_KEY

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def backup(social_agency, tmp_path):
    path = tmp_path / "childshield.backup"
    call_command("backup", str(path), stdout=io.StringIO())
    # Made after the backup: still here after a refused restore, gone after a restore.
    Agency.objects.create(country="VN", name="Made after the backup", kind="police")
    return path


def refused(path, *args):
    with pytest.raises(CommandError) as error:
        call_command("restore", str(path), *args, stdout=io.StringIO())
    assert Agency.objects.filter(name="Made after the backup").exists()
    return str(error.value)


def test_an_altered_backup_is_refused_and_nothing_restored(backup):
    data = bytearray(backup.read_bytes())
    data[len(data) // 2] ^= 0x01
    backup.write_bytes(bytes(data))
    message = refused(backup, "--into-non-empty")
    assert "damaged or was altered" in message and "Nothing was restored" in message


def test_a_cut_short_backup_is_refused_and_nothing_restored(backup):
    backup.write_bytes(backup.read_bytes()[:-200])
    message = refused(backup, "--into-non-empty")
    assert "cut short" in message and "Nothing was restored" in message


def test_a_backup_sealed_with_another_key_is_refused(backup, settings):
    settings.BACKUP_KEYS = [OTHER_BACKUP_KEY]
    assert "not in BACKUP_KEYS" in refused(backup, "--into-non-empty")


def test_a_database_that_holds_rows_is_refused_unless_told(backup):
    message = refused(backup)
    assert "The database is not empty" in message and "accounts_agency" in message
    assert "--into-non-empty" in message

    out = io.StringIO()
    call_command("restore", str(backup), "--into-non-empty", stdout=out)
    assert "--into-non-empty: the database holds rows in" in out.getvalue()
    assert not Agency.objects.filter(name="Made after the backup").exists()
    assert Agency.objects.filter(name="Commune Social Work Office").exists()


def test_a_backup_with_migrations_this_code_lacks_is_refused(backup, monkeypatch):
    real = migration_gaps
    monkeypatch.setattr(
        "childshield.operations.backups.migration_gaps",
        lambda applied: real({**applied, "cases": [*applied["cases"], "9999_from_the_future"]}),
    )
    message = refused(backup, "--into-non-empty")
    assert "newer version of childshield" in message and "cases.9999_from_the_future" in message


def test_no_backup_is_taken_without_a_backup_key(settings, tmp_path):
    settings.BACKUP_KEYS = []
    with pytest.raises(CommandError, match="BACKUP_KEYS is not set"):
        call_command("backup", str(tmp_path / "b"), stdout=io.StringIO())
    settings.BACKUP_KEYS = list(settings.FIELD_ENCRYPTION_KEYS)
    with pytest.raises(CommandError, match="key of their own"):
        call_command("backup", str(tmp_path / "b"), stdout=io.StringIO())
    assert list(tmp_path.iterdir()) == []
