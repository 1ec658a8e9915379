"""Report codes as people type them and as they are stored: one reading for every door."""

import secrets
import unicodedata

# No 0/O or 1/I: a child copying the code by hand cannot confuse them.
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
REFERENCE_LENGTH = 8


def normalise_reference(value: str) -> str:
    """The code as issued, however it was typed or linked: lower case, spaces, dashes, full-width
    letters ("abcd-efgh" and " ABCDEFGH " are both "ABCDEFGH")."""
    folded = unicodedata.normalize("NFKC", value).upper()
    return "".join(ch for ch in folded if ch.isascii() and ch.isalnum())


def reference_new() -> str:
    """A fresh random code (the caller checks it is not taken)."""
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
