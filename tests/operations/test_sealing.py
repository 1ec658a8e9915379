"""The seal and the migration check, without a database: chunks that authenticate in their place
only, and the migrations a backup lacks named for `migrate`."""

import io

import pytest

from childshield.operations import sealing
from childshield.operations.backups import migration_gaps

KEY = bytes(range(32))


def sealed(data: bytes, *, chunk_bytes: int = 64) -> bytes:
    out = io.BytesIO()
    writer = sealing.SealedWriter(out, KEY, chunk_bytes=chunk_bytes)
    writer.write(data)
    writer.close()
    return out.getvalue()


def unsealed(data: bytes, keys: list[bytes] | None = None) -> bytes:
    return b"".join(sealing.unsealed_chunks(io.BytesIO(data), keys or [KEY]))


def test_what_is_sealed_in_many_chunks_unseals_whole():
    data = bytes(range(256)) * 10
    box = sealed(data)
    assert data[:64] not in box
    assert unsealed(box) == data
    assert unsealed(sealed(b"")) == b""


def test_two_sealings_of_the_same_bytes_differ():
    assert sealed(b"same") != sealed(b"same")


HEAD = sealing.HEADER.size
CHUNK = 4 + 64 + 16  # a full chunk: its length, its 64 bytes and their tag


def flipped(box: bytes, at: int) -> bytes:
    return box[:at] + bytes([box[at] ^ 1]) + box[at + 1 :]


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (lambda box: box[: HEAD + CHUNK] + box[HEAD + 2 * CHUNK :], "altered"),
        (lambda box: box[:HEAD] + box[HEAD + CHUNK : HEAD + 2 * CHUNK] + box[HEAD + CHUNK :], "altered"),
        (lambda box: flipped(box, HEAD + CHUNK + 10), "altered"),
        (lambda box: box[:-10], "cut short"),
        (lambda box: box[: HEAD + 2 * CHUNK], "cut short"),
        (lambda box: box + b"x", "follows its last chunk"),
        (lambda box: b"NOT-A-BACKUP" + box[12:], "not a childshield backup"),
        (lambda box: flipped(box, 20), "not in BACKUP_KEYS"),
        (lambda box: flipped(box, 30), "altered"),
    ],
    ids=[
        "a chunk dropped",
        "chunks swapped",
        "a byte changed",
        "the end cut",
        "the last chunk missing",
        "bytes added",
        "not a backup",
        "the key named changed",
        "the salt changed",
    ],
)
def test_a_changed_seal_is_refused(change, said):
    box = sealed(bytes(range(200)))
    with pytest.raises(sealing.SealError, match=said):
        unsealed(change(box))


def test_a_seal_opens_only_with_its_key():
    with pytest.raises(sealing.SealError, match="not in BACKUP_KEYS"):
        unsealed(sealed(b"data"), [bytes(32)])
    assert unsealed(sealed(b"data"), [bytes(32), KEY]) == b"data"


def test_a_malformed_backup_key_is_named_by_its_place_never_shown():
    with pytest.raises(sealing.SealError, match=r"BACKUP_KEYS\[1\] is not") as error:
        sealing.key_bytes("short", position=1)
    assert "short" not in str(error.value)


def test_the_migrations_a_backup_lacks_are_listed_for_migrate():
    first = "0001_child_case_consent_referral_service_followup"
    unknown, pending = migration_gaps({"cases": [first], "cases_old": ["0001_initial"]})
    assert unknown == ["cases_old.0001_initial"]
    assert "accounts.0001_user_agency_membership" in pending and f"cases.{first}" not in pending
    assert "cases.0002_referral_section_flags" in pending
