"""Case numbers: the agency's short code, the year and the agency's sequence that year
("LTSW-2026-0001"). Numbers given before agencies had codes read "2026-0001"; a search by either
form finds a case."""

from __future__ import annotations

import re

from django.db.models import Q

_WITHOUT_CODE = re.compile(r"^\d{4}-\d{4,}$")


def case_number(short_code: str, year: int, sequence: int) -> str:
    plain = f"{year}-{sequence:04d}"
    return f"{short_code}-{plain}" if short_code else plain


def number_matches(term: str) -> Q:
    """Cases numbered `term` (any case of letters), or, for a number typed without its agency's
    code ("2026-0001"), the number of every agency that ends so: the caller narrows the agencies."""
    term = term.strip().upper()
    found = Q(number=term)
    if _WITHOUT_CODE.match(term):
        found |= Q(number__endswith=f"-{term}")
    return found
