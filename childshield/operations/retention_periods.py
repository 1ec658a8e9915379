"""How long each kind of record is kept: the country's file (`data/retention/<country>.json`), each
period lengthened by `RETENTION_DAYS`, and never shorter than the law's minimum the file names."""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DATA_DIR = Path(__file__).resolve().parent / "data" / "retention"
ACTIONS = ("anonymise", "delete")


@dataclass(frozen=True)
class KindRule:
    kind: str
    period_days: int  # the file's
    minimum_days: int | None  # the law's floor, where known
    action: str
    fields: tuple[str, ...]  # what "anonymise" empties
    status: str  # "check" until a lawyer confirms the legal basis
    keep_until_age: int | None = None  # closed cases: kept at least until the child is this old


@cache
def country_rules(country: str) -> dict[str, KindRule]:
    """The kinds of one country's file, as written there."""
    path = DATA_DIR / f"{country.upper()}.json"
    if not path.is_file():
        raise ImproperlyConfigured(f"No retention file for country {country!r} (expected {path.name}).")
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    rules = {}
    for kind, entry in document["kinds"].items():
        if entry["action"] not in ACTIONS:
            raise ImproperlyConfigured(f"{path.name}: {kind}'s action must be one of {ACTIONS}.")
        rules[kind] = KindRule(
            kind=kind,
            period_days=int(entry["period_days"]),
            minimum_days=None if entry["minimum_days"] is None else int(entry["minimum_days"]),
            action=entry["action"],
            fields=tuple(entry.get("fields", ())),
            status=entry["status"],
            keep_until_age=entry.get("keep_until_age"),
        )
    return rules


def rules() -> dict[str, KindRule]:
    return country_rules(settings.CHILDSHIELD_COUNTRY)


def period_problems() -> list[str]:
    """What is wrong with the periods in force: a setting for an unknown kind, or a period shorter
    than the law's minimum (the file's own, or one a setting asks for). Empty when all is well."""
    try:
        known = rules()
    except ImproperlyConfigured as error:
        return [str(error)]
    problems = []
    for kind in sorted(settings.RETENTION_DAYS):
        if kind not in known:
            problems.append(
                f"RETENTION_DAYS_{kind.upper()} names no kind of record ({', '.join(sorted(known))})."
            )
    for kind, rule in known.items():
        days = period_days(kind, checked=False)
        if days < 1:
            problems.append(f"The retention period of {kind} must be at least one day, not {days}.")
        if rule.minimum_days is not None and days < rule.minimum_days:
            problems.append(
                f"The retention period of {kind} ({days} days) is shorter than the law's minimum "
                f"({rule.minimum_days} days)."
            )
    return problems


def period_days(kind: str, *, checked: bool = True) -> int:
    """The period in force for `kind`: the setting's when one is given, else the file's. Refuses a
    period below the minimum even if the start-up check was skipped."""
    rule = rules()[kind]
    days = settings.RETENTION_DAYS.get(kind, rule.period_days)
    if checked and (days < 1 or (rule.minimum_days is not None and days < rule.minimum_days)):
        raise ImproperlyConfigured(
            f"The retention period of {kind} ({days} days) is below the minimum: see manage.py check."
        )
    return days
