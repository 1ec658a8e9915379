"""A backup brings back the database and the stored files: every record decrypts, every file reads
back byte for byte, the counts match, and on PostgreSQL the audit log is still append-only."""

import io

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from childshield.audit import services as audit
from childshield.audit.models import AuditAction, AuditEvent
from childshield.cases.models import Case, Child
from childshield.cases.services.attachments import attachment_content
from childshield.core.management.commands.rotate_keys import encrypted_models, rotate_model
from childshield.hotline.evidence_files import evidence_content
from childshield.hotline.models import Evidence
from childshield.intake.models import Report
from childshield.operations.backups import backup_check

from .conftest import wipe

pytestmark = pytest.mark.django_db(transaction=True)


def counts() -> dict[str, int]:
    return {model._meta.label: model._base_manager.count() for model, _fields in encrypted_models()}


def test_a_backup_restores_every_record_and_file_into_an_empty_database(world, tmp_path):
    before = counts()
    path = tmp_path / "childshield.backup"
    call_command("backup", str(path), stdout=io.StringIO())
    manifest = backup_check(source=path)
    checked = io.StringIO()
    call_command("restore", str(path), "--check-only", stdout=checked)
    assert "is whole" in checked.getvalue() and "Nothing was restored" in checked.getvalue()
    assert {entry["name"] for entry in manifest["files"]} == {
        world.evidence.storage_name,
        world.attachment.storage_name,
    }
    assert manifest["tables"]["cases_child"] == 1 and "cases" in manifest["migrations"]
    # Sealed whole: not even the dump's header or a stored file's name can be read from it.
    sealed = path.read_bytes()
    assert b"PGDMP" not in sealed and b"SQLite format" not in sealed
    assert world.evidence.storage_name.encode() not in sealed

    wipe()
    out = io.StringIO()
    call_command("restore", str(path), stdout=out)

    assert "Every encrypted value decrypts" in out.getvalue()
    assert counts() == before
    child = Child.objects.get()
    assert child.full_name == "Nguyễn Thị Hoa"
    assert child.caregivers[0]["phone"] == "0912 345 678"
    assert Case.objects.get().summary == "A man met in a game asks for more photos."
    report = Report.objects.get()
    assert report.description == "Someone keeps messaging me at night." and report.contact == "0900 000 111"
    for model, fields in encrypted_models():
        rotate_model(model, fields, dry_run=True, batch_size=500)  # raises on a value that does not decrypt
    assert evidence_content(evidence=Evidence.objects.get()) == world.picture
    assert attachment_content(attachment=world.case.attachments.get()) == world.scan
    restored = AuditEvent.objects.filter(reason__startswith="restored from the backup").get()
    assert restored.reason == f"restored from the backup taken at {manifest['created_at']}"


@pytest.mark.postgres_only
def test_the_audit_log_is_append_only_after_a_restore(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL")
    event = audit.record(action=AuditAction.VIEW, object_type="x.Before", reason="original")
    path = tmp_path / "childshield.backup"
    call_command("backup", str(path), stdout=io.StringIO())
    wipe()
    call_command("restore", str(path), stdout=io.StringIO())

    table = AuditEvent._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET reason = 'rewritten' WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).reason == "original"
