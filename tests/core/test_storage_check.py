"""`manage.py storage_check` writes, reads back and deletes a test object through the file storage."""

from io import StringIO

from django.core.files.storage import default_storage
from django.core.management import call_command


def run(*args: str) -> str:
    out = StringIO()
    call_command("storage_check", *args, stdout=out)
    return out.getvalue().strip()


def test_it_writes_reads_back_and_deletes_the_object():
    said = run()
    name = said.split("wrote ")[1].split(",")[0]
    assert name.startswith("storage-check/") and said.endswith("deleted it")
    assert not default_storage.exists(name)


def test_it_keeps_the_object_when_asked_and_names_it():
    name = run("--keep")
    assert name.startswith("storage-check/")
    with default_storage.open(name, "rb") as stored:
        assert len(stored.read()) == 64
    default_storage.delete(name)
