"""Blind indexes: keyed hashes of normalised values, so encrypted values can be searched for equality."""

import hashlib
import hmac
import unicodedata

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Letters with a stroke have no decomposition, so NFD cannot separate the stroke from the letter.
_STROKED_LATIN = str.maketrans({"đ": "d", "ł": "l", "ø": "o"})

# Invisible characters people cannot see they typed: Khmer text puts zero-width spaces between
# words inconsistently, and a pasted value may start with a byte order mark.
_INVISIBLE = str.maketrans({"\u200b": None, "\ufeff": None})

_PURPOSE_SEPARATOR = "\x00"


def normalise(value: str) -> str:
    """`value` as searched: NFC, case-folded, Latin diacritics removed, whitespace collapsed.

    Only marks on Latin letters are removed ("Nguyễn" → "nguyen"): in Khmer and other scripts the
    combining signs are vowels and other letters, and removing them would merge different words.
    """
    folded = unicodedata.normalize("NFC", value).casefold().translate(_INVISIBLE).translate(_STROKED_LATIN)
    kept: list[str] = []
    on_latin_letter = False
    for char in unicodedata.normalize("NFD", folded):
        if unicodedata.category(char).startswith("M"):
            if on_latin_letter:
                continue
        else:
            on_latin_letter = unicodedata.name(char, "").startswith("LATIN ")
        kept.append(char)
    return " ".join(unicodedata.normalize("NFC", "".join(kept)).split())


def blind_index(value: str, *, purpose: str) -> str:
    """The hex HMAC-SHA256 of the normalised `value`, keyed with settings.BLIND_INDEX_KEY.

    `purpose` (say "child.name" or "reporter.phone") is hashed in, so indexes of different kinds of
    values cannot be compared with each other even when the values are equal.
    """
    if not purpose or _PURPOSE_SEPARATOR in purpose:
        raise ValueError("A blind index purpose must be a non-empty string without NUL characters.")
    key = settings.BLIND_INDEX_KEY
    if not key:
        raise ImproperlyConfigured("BLIND_INDEX_KEY is empty.")
    message = f"{purpose}{_PURPOSE_SEPARATOR}{normalise(value)}"
    return hmac.new(key.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()
