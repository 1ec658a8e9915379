"""Finding a child by name while the name stays encrypted: keyed hashes (blind indexes) of the full
name, of name, birth year and area together (the duplicate check), and of each word of the child's
names and each word's beginnings of three letters or more.

"Nguyễn Thị Hoà" is kept as the hashes of "nguyen", "ngu", "nguy", "nguye", "thi", "hoa": a worker
who types "hoa", "Nguyen hoa" or "nguy" finds her; "ng" finds nothing (too short to be useful, and
too common to be safe). Folding follows core.blind_index.normalise: Vietnamese diacritics do not
matter, Khmer signs are kept. The hashes say nothing to someone without BLIND_INDEX_KEY; with
the key, a short prefix is as guessable as a short password, which is why prefixes start at three.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from childshield.core.blind_index import blind_index, normalise

CHILD_NAME_PURPOSE = "cases.child.name"
CHILD_DUPLICATE_PURPOSE = "cases.child.duplicate"
NAME_PART_PURPOSE = "cases.child.name_part"
SHORTEST_PREFIX = 3
# More words than a name has would only slow the search down.
MOST_QUERY_WORDS = 6
# 128 bits of the HMAC: collisions stay out of reach and the index is half the size.
PART_INDEX_LENGTH = 32


def child_name_index(name: str) -> str:
    return blind_index(name, purpose=CHILD_NAME_PURPOSE)


def child_duplicate_index(*, name: str, birth_year: int | None, area_id: int) -> str:
    return blind_index(f"{name}|{birth_year or ''}|{area_id}", purpose=CHILD_DUPLICATE_PURPOSE)


def name_words(value: str) -> list[str]:
    """The words of `value` as searched: normalised, without punctuation or symbols around them."""
    words = []
    for raw in normalise(value).split():
        word = "".join(char for char in raw if unicodedata.category(char)[0] not in {"P", "S", "C"})
        if word:
            words.append(word)
    return words


def name_parts(names: Iterable[str]) -> set[str]:
    """Every word of `names` and each of its beginnings of SHORTEST_PREFIX characters or more."""
    parts: set[str] = set()
    for name in names:
        for word in name_words(name):
            parts.add(word)
            parts.update(word[:length] for length in range(SHORTEST_PREFIX, len(word)))
    return parts


def part_index(part: str) -> str:
    return blind_index(part, purpose=NAME_PART_PURPOSE)[:PART_INDEX_LENGTH]


def name_part_indexes(names: Iterable[str]) -> set[str]:
    """What is stored for a child with these names (full name and aliases)."""
    return {part_index(part) for part in name_parts(names)}


def query_part_indexes(term: str) -> list[str]:
    """The indexes a search for `term` must all find; empty when `term` has no word to look for."""
    words = list(dict.fromkeys(name_words(term)))[:MOST_QUERY_WORDS]
    return [part_index(word) for word in words]


DUPLICATE_KEY_PURPOSE = "cases.child.duplicate_key"
# A year either side: an estimated age, or a date of birth remembered differently.
BIRTH_YEAR_SLACK = 1


def duplicate_key(*, name: str, birth_year: int | None, area_id: int) -> str:
    """The keyed hash of the name's words in alphabetical order, the birth year and the area: "Hoà
    Nguyễn Thị" and "nguyen thi hoa" give the same key; the words themselves are not kept."""
    words = " ".join(sorted(name_words(name)))
    return blind_index(f"{words}|{birth_year or ''}|{area_id}", purpose=DUPLICATE_KEY_PURPOSE)[
        :PART_INDEX_LENGTH
    ]


def stored_duplicate_keys(*, names: Iterable[str], birth_year: int | None, area_id: int) -> set[str]:
    """What is kept for a child: one key for the full name and one for each other name."""
    return {
        duplicate_key(name=name, birth_year=birth_year, area_id=area_id) for name in names if name_words(name)
    }


def searched_duplicate_keys(*, name: str, birth_year: int | None, area_ids: Iterable[int]) -> set[str]:
    """The keys a child being recorded is looked up by: its birth year and a year either side (or
    an unknown year), in its area and the areas that area replaced or was replaced by."""
    years: list[int | None] = (
        [None]
        if birth_year is None
        else [birth_year + delta for delta in range(-BIRTH_YEAR_SLACK, BIRTH_YEAR_SLACK + 1)]
    )
    return {
        duplicate_key(name=name, birth_year=year, area_id=area_id) for year in years for area_id in area_ids
    }
