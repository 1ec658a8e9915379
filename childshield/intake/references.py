"""Report codes as people type them and as they are stored: one reading for every door."""

import unicodedata


def normalise_reference(value: str) -> str:
    """The code as issued, however it was typed or linked: lower case, spaces, dashes, full-width
    letters ("abcd-efgh" and " ABCDEFGH " are both "ABCDEFGH")."""
    folded = unicodedata.normalize("NFKC", value).upper()
    return "".join(ch for ch in folded if ch.isascii() and ch.isalnum())
