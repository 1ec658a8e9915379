"""Cutting labels to fit a chart or a sheet name without breaking a Khmer or Vietnamese letter.

A letter as a reader sees it may be several code points: a Vietnamese vowel with its tone mark, a
Khmer consonant with a subscript consonant (after the COENG sign) and its vowel signs. Labels are cut
only between such clusters, so that a shortened label never shows a stray mark.
"""

import unicodedata

ELLIPSIS = "…"
_COENG = "\u17d2"  # Khmer: the next consonant is written below this one
_JOINERS = {"\u200c", "\u200d"}  # zero-width non-joiner and joiner stay with their letters
_BREAKS = {" ", "\u200b"}  # a space, or the zero-width space Khmer writers put between words


def clusters(text: str) -> list[str]:
    """The text's letters as a reader sees them (a base with its marks, a Khmer stack)."""
    found: list[str] = []
    for char in unicodedata.normalize("NFC", text):
        joins = bool(found) and (
            unicodedata.category(char).startswith("M")
            or char in _JOINERS
            or found[-1][-1] == _COENG
            or found[-1][-1] in _JOINERS
        )
        if joins:
            found[-1] += char
        else:
            found.append(char)
    return found


def fit(text: str, limit: int) -> str:
    """The text in at most `limit` code points (as Excel counts a sheet name), cut between letters,
    without an ellipsis."""
    kept = ""
    for letter in clusters(text):
        if len(kept) + len(letter) > limit:
            break
        kept += letter
    return kept


def cluster_width(cluster: str) -> float:
    """A cluster's width in ems, roughly: Khmer stacks are wider than Latin letters."""
    base = cluster[0]
    if "\u1780" <= base <= "\u17ff":
        return 0.85
    if unicodedata.east_asian_width(base) in {"W", "F"}:
        return 1.0
    if base.isupper() or base in "mwMW":
        return 0.7
    return 0.56


def text_width(text: str) -> float:
    return sum(cluster_width(cluster) for cluster in clusters(text))


def wrap(text: str, *, width: float, lines: int) -> tuple[list[str], bool]:
    """The text in at most `lines` lines of `width` ems, and whether it had to be shortened.

    Lines break at spaces (and Khmer's zero-width spaces); a word longer than a line, as Khmer
    written without spaces is, breaks between letters."""
    result: list[str] = []
    line: list[str] = []
    used = 0.0
    letters = clusters(" ".join(text.split()))
    for index, letter in enumerate(letters):
        if letter in _BREAKS and not line:
            continue
        if letter in _BREAKS:
            # Does the next word fit on this line? If not, break here.
            word_end = next(
                (i for i in range(index + 1, len(letters)) if letters[i] in _BREAKS), len(letters)
            )
            word = sum(cluster_width(c) for c in letters[index + 1 : word_end])
            if used + cluster_width(" ") + word > width and word <= width:
                result.append("".join(line))
                line, used = [], 0.0
                continue
        size = cluster_width(letter)
        if used + size > width and line:
            result.append("".join(line).rstrip())
            line, used = [], 0.0
            if letter in _BREAKS:
                continue
        line.append(letter)
        used += size
    if line:
        result.append("".join(line).rstrip())
    if len(result) <= lines:
        return result, False
    kept = result[:lines]
    last = clusters(kept[-1])
    while last and text_width("".join(last)) + cluster_width(ELLIPSIS) > width:
        last.pop()
    kept[-1] = "".join(last).rstrip() + ELLIPSIS
    return kept, True
