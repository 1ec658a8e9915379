"""Ethnic groups as data: each country's coded list, read from `core/data/ethnic_groups/<country>.json`.

Codes are stable and stored on records (a case's child); labels are shown, as the list names the
group. Cases offer and show them; the child's report and the figures may use the same lists. A
changed list is a changed file, never changed code; a code once stored is never renumbered.
"""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

DATA_DIR = Path(__file__).resolve().parent / "data" / "ethnic_groups"

# Not a group: the answer when the child or caregiver does not say, or nobody knows.
ETHNICITY_NOT_SAID = "not_said"


@dataclass(frozen=True)
class EthnicGroup:
    code: str
    label: str


@dataclass(frozen=True)
class EthnicGroupList:
    """One country's groups in the order its source lists them, and where the list comes from."""

    country: str
    source: str
    groups: tuple[EthnicGroup, ...]


@cache
def ethnic_group_lists() -> dict[str, EthnicGroupList]:
    """Every country's list, by country code; read once per process."""
    lists = {}
    for path in sorted(DATA_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        groups = tuple(EthnicGroup(code=str(g["code"]), label=str(g["label"])) for g in data["groups"])
        listed = EthnicGroupList(country=str(data["country"]), source=str(data["source"]), groups=groups)
        lists[listed.country] = listed
    return lists


@cache
def _labels() -> dict[str, str]:
    return {group.code: group.label for listed in ethnic_group_lists().values() for group in listed.groups}


def ethnicity_choices(country: str) -> list[tuple[str, StrOrPromise]]:
    """What a form offers for a child of `country`: its groups in their order, then "not said"."""
    listed = ethnic_group_lists().get(country)
    return [
        ("", _("Choose")),
        *((group.code, group.label) for group in (listed.groups if listed else ())),
        (ETHNICITY_NOT_SAID, _("Not known or prefers not to say")),
    ]


def ethnicity_label(code: str) -> StrOrPromise:
    """The label of a stored code, from any country's list; an unknown code shows as itself."""
    if code == ETHNICITY_NOT_SAID:
        return _("Not known or prefers not to say")
    return _labels().get(code, code)
