"""Agencies' short codes: a few capital letters that go in front of every case number an agency gives
("LTSW-2026-0001"), so that the same number at three agencies can no longer be taken for one case."""

from __future__ import annotations

from collections.abc import Collection

from childshield.core.blind_index import normalise

MOST_LETTERS = 4


def short_code_for(name: str, taken: Collection[str]) -> str:
    """Initials of the name's words (diacritics folded, words in brackets left out), at most four;
    a name of one word gives its first three letters. A digit is added until the code is free."""
    words = [
        word for word in normalise(name.split("(")[0]).split() if word[:1].isascii() and word[0].isalpha()
    ]
    letters = "".join(word[0] for word in words)[:MOST_LETTERS].upper()
    if len(letters) < 2:
        letters = "".join(c for c in (words[0] if words else "") if c.isascii() and c.isalpha())[:3].upper()
    base = letters if len(letters) >= 2 else "AG"
    code, number = base, 1
    while code in taken:
        number += 1
        code = f"{base}{number}"
    return code
