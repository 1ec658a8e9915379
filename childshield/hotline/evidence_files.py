"""Evidence files: what a capture is, told by its first bytes, its hashes, and its encrypted copy in
storage (re-encrypted on key rotation); for an item's evidence and a picture passed from a chat alike."""

import hashlib
import secrets
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models

from childshield.core import crypto
from childshield.core.errors import ApplicationError
from childshield.hashing.imaging import ImageRejected, pdq_from_bytes
from childshield.hotline.models import Evidence, ReceivedImage

# Recognised by their first bytes, never by the name or the browser's word for the type.
EVIDENCE_SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"GIF8", 0, "image/gif"),
    (b"WEBP", 8, "image/webp"),
    (b"ftyp", 4, "video/mp4"),
)


def evidence_kind(content: bytes) -> str | None:
    """The content type of a capture we keep, or None for anything else."""
    for magic, offset, kind in EVIDENCE_SIGNATURES:
        if content[offset : offset + len(magic)] == magic:
            return kind
    return None


def evidence_file_name() -> str:
    """A fresh storage name that says nothing about the item or the capture."""
    return f"hotline/evidence/{secrets.token_hex(16)}.bin"


def evidence_content(*, evidence: Evidence | ReceivedImage) -> bytes:
    """The capture (or the picture passed from a chat) itself, decrypted in memory."""
    with default_storage.open(evidence.storage_name, "rb") as stored:
        return crypto.field_cipher().decrypt(stored.read())


@dataclass(frozen=True)
class KeptFile:
    """A file stored encrypted, and what is known of it without opening it again."""

    storage_name: str
    content_type: str
    size: int
    md5: str
    sha256: str
    pdq: str = ""
    pdq_quality: int | None = None


def file_keep(content: bytes, content_type: str) -> KeptFile:
    """Hash the file in memory (PDQ too for an image) and store it encrypted under a fresh name.

    An image PDQ cannot read is kept with its exact hashes only; while every hashing slot of the host
    is taken, nothing is kept ("busy": send it again), since kept without its PDQ hash it would never
    match its altered copies. The caller deletes the stored file if what records it is not saved."""
    pdq, quality = "", None
    if content_type.startswith("image/"):
        try:
            hashed = pdq_from_bytes(content)
        except ImageRejected as rejected:
            if rejected.code == "busy":
                raise ApplicationError(rejected.message, code="busy") from None
        else:
            pdq, quality = hashed.value, hashed.quality
    storage_name = evidence_file_name()
    default_storage.save(storage_name, ContentFile(crypto.field_cipher().encrypt(content)))
    return KeptFile(
        storage_name=storage_name,
        content_type=content_type,
        size=len(content),
        md5=hashlib.md5(content, usedforsecurity=False).hexdigest(),
        sha256=hashlib.sha256(content).hexdigest(),
        pdq=pdq,
        pdq_quality=quality,
    )


def files_rotate(model: type[models.Model], *, dry_run: bool) -> int:
    """Re-encrypt every file `model` records (in `storage_name`) with the primary key, under new names."""
    count = 0
    for row in model._default_manager.only("pk", "storage_name").order_by("pk").iterator():
        old_name = str(row.storage_name)  # type: ignore[attr-defined]
        with default_storage.open(old_name, "rb") as stored:
            rotated = crypto.field_cipher().rotate(stored.read())
        count += 1
        if dry_run:
            continue
        new_name = default_storage.save(evidence_file_name(), ContentFile(rotated))
        model._default_manager.filter(pk=row.pk).update(storage_name=new_name)
        default_storage.delete(old_name)
    return count
