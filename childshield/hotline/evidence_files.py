"""Evidence files: what a capture is, told by its first bytes, and its encrypted copy in storage."""

import secrets

from django.core.files.storage import default_storage

from childshield.core import crypto
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
