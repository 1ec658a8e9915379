"""A backup's encryption: a byte stream sealed in chunks with AES-256-GCM under a BACKUP_KEYS key.

The file is a header, then chunks; each chunk is its length and its ciphertext. A chunk's nonce is
the file's random prefix, the chunk's number and a last-chunk flag, and the header is authenticated
with every chunk, so a chunk changed, swapped, dropped or cut off, a header altered, or anything
after the last chunk is refused. The key that seals is derived (HKDF) from the backup key and the
file's random salt, so no two files share a data key. A large database never has to fit in memory:
one chunk is held at a time.
"""

import base64
import hashlib
import hmac
import os
import struct
from collections.abc import Iterator
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

MAGIC = b"CHILDSHIELD-BACKUP"
VERSION = 1
CHUNK_BYTES = 1024 * 1024
MAX_CHUNK_BYTES = 16 * 1024 * 1024
TAG_BYTES = 16
# magic, version, key id (8), salt (16), nonce prefix (7), chunk size (4)
HEADER = struct.Struct(f">{len(MAGIC)}sB8s16s7sI")
LENGTH = struct.Struct(">I")

MAKE_A_KEY = (
    "make one with: python -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())'"
)


class SealError(Exception):
    """A backup that cannot be opened: not a backup, another key, altered or cut short."""


def key_bytes(key: str, *, position: int) -> bytes:
    """A BACKUP_KEYS entry as its 32 bytes; the message names the entry's place, never the key."""
    try:
        raw = base64.urlsafe_b64decode(key.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raw = b""
    if len(raw) != 32:
        raise SealError(f"BACKUP_KEYS[{position}] is not the url-safe base64 of 32 bytes ({MAKE_A_KEY}).")
    return raw


def key_id(key: bytes) -> bytes:
    """Eight bytes that name a key in a file's header without revealing it."""
    return hmac.new(key, b"childshield backup key id", hashlib.sha256).digest()[:8]


def backup_keys() -> list[bytes]:
    """The configured keys, the sealing one first; refused when missing, malformed or a field key."""
    keys = settings.BACKUP_KEYS
    if not keys:
        raise SealError(
            "BACKUP_KEYS is not set: backups are encrypted with a key of their own, never the "
            f"field-encryption key ({MAKE_A_KEY}). See docs/deploy.md, Backups."
        )
    if set(keys) & set(settings.FIELD_ENCRYPTION_KEYS):
        raise SealError(
            "A BACKUP_KEYS entry is also a FIELD_ENCRYPTION_KEYS entry: give backups a key of their own."
        )
    return [key_bytes(key, position=position) for position, key in enumerate(keys)]


def _data_key(key: bytes, salt: bytes) -> AESGCM:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"childshield backup v1").derive(key)
    return AESGCM(derived)


def _nonce(prefix: bytes, number: int, last: bool) -> bytes:
    return prefix + struct.pack(">IB", number, 1 if last else 0)


class SealedWriter:
    """Writes bytes sealed to `out`; `close()` seals the last chunk (without it the file is truncated)."""

    def __init__(self, out: BinaryIO, key: bytes, *, chunk_bytes: int = CHUNK_BYTES) -> None:
        salt, prefix = os.urandom(16), os.urandom(7)
        self._header = HEADER.pack(MAGIC, VERSION, key_id(key), salt, prefix, chunk_bytes)
        self._aead = _data_key(key, salt)
        self._prefix = prefix
        self._chunk_bytes = chunk_bytes
        self._out = out
        self._buffer = bytearray()
        self._number = 0
        out.write(self._header)

    def write(self, data: bytes) -> None:
        self._buffer += data
        while len(self._buffer) > self._chunk_bytes:
            self._seal(bytes(self._buffer[: self._chunk_bytes]), last=False)
            del self._buffer[: self._chunk_bytes]

    def close(self) -> None:
        self._seal(bytes(self._buffer), last=True)
        self._buffer.clear()

    def _seal(self, plain: bytes, *, last: bool) -> None:
        sealed = self._aead.encrypt(_nonce(self._prefix, self._number, last), plain, self._header)
        self._out.write(LENGTH.pack(len(sealed)) + sealed)
        self._number += 1


def _read_exactly(source: BinaryIO, size: int) -> bytes:
    data = source.read(size)
    if len(data) != size:
        raise SealError("The backup is cut short (truncated): it ends before its last chunk.")
    return data


def unsealed_chunks(source: BinaryIO, keys: list[bytes]) -> Iterator[bytes]:
    """The plaintext, a chunk at a time, each checked before it is given; raises SealError at the
    first fault, so a caller that acts only after the last chunk acts on nothing altered."""
    header = source.read(HEADER.size)
    if len(header) != HEADER.size or not header.startswith(MAGIC):
        raise SealError("This is not a childshield backup (its first bytes are not a backup's header).")
    _magic, version, named_key, salt, prefix, chunk_bytes = HEADER.unpack(header)
    if version != VERSION:
        raise SealError(
            f"This backup has format {version}; this version of childshield reads format {VERSION}."
        )
    if not 0 < chunk_bytes <= MAX_CHUNK_BYTES:
        raise SealError("The backup's header is damaged (its chunk size is impossible).")
    key = next((key for key in keys if hmac.compare_digest(key_id(key), named_key)), None)
    if key is None:
        raise SealError(
            "This backup was sealed with a key that is not in BACKUP_KEYS (or its header was altered): "
            "set BACKUP_KEYS to include the key it was made with."
        )
    aead = _data_key(key, salt)
    number = 0
    while True:
        (length,) = LENGTH.unpack(_read_exactly(source, LENGTH.size))
        if not TAG_BYTES <= length <= chunk_bytes + TAG_BYTES:
            raise SealError(
                f"The backup is damaged or was altered (chunk {number} has an impossible length)."
            )
        sealed = _read_exactly(source, length)
        plain, last = _open(aead, prefix, number, sealed, header)
        yield plain
        if last:
            if source.read(1):
                raise SealError("The backup was altered: something follows its last chunk.")
            return
        number += 1


def _open(aead: AESGCM, prefix: bytes, number: int, sealed: bytes, header: bytes) -> tuple[bytes, bool]:
    for last in (False, True):
        try:
            return aead.decrypt(_nonce(prefix, number, last), sealed, header), last
        except InvalidTag:
            continue
    raise SealError(f"The backup is damaged or was altered (chunk {number} does not authenticate).")
