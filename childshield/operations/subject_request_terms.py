"""The terms of data-subject requests in the country's file (`data/subject_requests/<country>.json`):
how long each kind may take, and how long a case's child-protection duty keeps it against erasure;
each with its legal basis, marked "check" until a lawyer confirms it."""

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DATA_DIR = Path(__file__).resolve().parent / "data" / "subject_requests"


@dataclass(frozen=True)
class Term:
    legal_basis: str
    status: str  # "check" until a lawyer confirms the legal basis


@dataclass(frozen=True)
class Terms:
    period_hours: dict[str, int]  # per kind of request
    period_basis: dict[str, Term]
    # Days a closed case is still kept against erasure; None: every closed case is.
    case_kept_days: int | None
    case_duty: Term


@cache
def country_terms(country: str) -> Terms:
    path = DATA_DIR / f"{country.upper()}.json"
    if not path.is_file():
        raise ImproperlyConfigured(f"No data-subject request file for country {country!r} ({path.name}).")
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    kinds = document["kinds"]
    duty = document["case_duty"]
    kept = duty["kept_days_after_closing"]
    return Terms(
        period_hours={kind: int(entry["period_hours"]) for kind, entry in kinds.items()},
        period_basis={kind: Term(entry["legal_basis"], entry["status"]) for kind, entry in kinds.items()},
        case_kept_days=None if kept is None else int(kept),
        case_duty=Term(duty["legal_basis"], duty["status"]),
    )


def terms() -> Terms:
    return country_terms(settings.CHILDSHIELD_COUNTRY)


def due_at(*, kind: str, received_at: datetime) -> datetime:
    """When a request of `kind` received at `received_at` must be answered."""
    return received_at + timedelta(hours=terms().period_hours[kind])
