"""Triage signals: words in what someone wrote that should make a counsellor look first.

This module is the matcher only. The phrases are data: shipped in data/triage_rules.json, loaded
into `TriageRule` rows that helpline supervisors edit (versioned), and compiled here. Matching
folds case and Latin diacritics with the blind index's `normalise`, so "muon chet" matches
"muốn chết"; Khmer is matched as written, without its invisible word separators. The age patterns
are regular expressions and stay in the shipped file: they are code, not words staff type.
"""

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from childshield.core.blind_index import normalise

RULES_FILE = Path(__file__).resolve().parent / "data" / "triage_rules.json"
RULE_LANGUAGES = ("vi", "km", "en")

# Khmer digits ០-៩ read as 0-9, so an age typed either way is recognised.
_KHMER_DIGITS = str.maketrans("០១២៣៤៥៦៧៨៩", "0123456789")


class Signal(StrEnum):
    DANGER_NOW = "danger_now"
    SELF_HARM = "self_harm"
    SEXTORTION = "sextortion"
    VERY_YOUNG_CHILD = "very_young_child"


SIGNAL_LABELS: dict[Signal, Promise] = {
    Signal.DANGER_NOW: _("In danger now"),
    Signal.SELF_HARM: _("Self-harm or suicide"),
    Signal.SEXTORTION: _("Sextortion threat"),
    Signal.VERY_YOUNG_CHILD: _("Very young child"),
}

# Signals that put an item at the top of the queue, whatever the reporter answered about safety.
URGENT_SIGNALS = frozenset({Signal.DANGER_NOW, Signal.SELF_HARM})


@dataclass(frozen=True)
class Flag:
    signal: Signal
    words: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return str(SIGNAL_LABELS[self.signal])

    @property
    def is_urgent(self) -> bool:
        return self.signal in URGENT_SIGNALS


@dataclass(frozen=True)
class RuleSpec:
    """The phrases of one rule: one signal, one language."""

    signal: Signal
    language: str
    phrases: tuple[str, ...]


@dataclass(frozen=True)
class _Phrase:
    signal: Signal
    folded: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class CompiledRules:
    phrases: tuple[_Phrase, ...]
    age_signal: Signal
    age_under: int
    age_patterns: tuple[re.Pattern[str], ...]


def fold(text: str) -> str:
    """`text` as the rules see it: case and Latin diacritics folded, Khmer digits read as digits."""
    return normalise(text.translate(_KHMER_DIGITS))


def _phrase_pattern(folded: str) -> re.Pattern[str]:
    # Latin words must stand alone ("nudes" is not inside "includes"); Khmer has no spaces between
    # words, so it is matched anywhere.
    if folded.isascii():
        return re.compile(rf"(?<!\w){re.escape(folded)}(?!\w)")
    return re.compile(re.escape(folded.replace(" ", "")))


@cache
def _shipped() -> dict[str, object]:
    data: dict[str, object] = json.loads(RULES_FILE.read_text(encoding="utf-8"))
    return data


def shipped_rule_specs() -> list[RuleSpec]:
    """The rules as shipped in data/triage_rules.json, one per signal and language."""
    signals = _shipped()["signals"]
    assert isinstance(signals, dict)
    return [
        RuleSpec(signal=Signal(signal), language=language, phrases=tuple(words))
        for signal, by_language in signals.items()
        for language, words in by_language.items()
    ]


def compile_rules(specs: Iterable[RuleSpec]) -> CompiledRules:
    phrases = []
    seen: set[tuple[Signal, str]] = set()
    for spec in specs:
        for phrase in spec.phrases:
            folded = fold(phrase)
            if not folded or (spec.signal, folded) in seen:
                continue
            seen.add((spec.signal, folded))
            phrases.append(_Phrase(signal=spec.signal, folded=folded, pattern=_phrase_pattern(folded)))
    ages = _shipped()["ages"]
    assert isinstance(ages, dict)
    return CompiledRules(
        phrases=tuple(phrases),
        age_signal=Signal(ages["signal"]),
        age_under=int(ages["under"]),
        age_patterns=tuple(re.compile(pattern) for pattern in ages["patterns"]),
    )


@cache
def shipped_rules() -> CompiledRules:
    return compile_rules(shipped_rule_specs())


def signals_in(text: str, rules: CompiledRules | None = None) -> list[Flag]:
    """The signals `text` raises under `rules` (the shipped ones by default), each with its words."""
    if not text.strip():
        return []
    rules = rules if rules is not None else shipped_rules()
    folded = fold(text)
    unspaced = folded.replace(" ", "")
    found: dict[Signal, list[str]] = {}
    for phrase in rules.phrases:
        haystack = folded if phrase.folded.isascii() else unspaced
        if phrase.pattern.search(haystack):
            found.setdefault(phrase.signal, []).append(phrase.folded)
    for pattern in rules.age_patterns:
        for match in pattern.finditer(folded):
            groups = match.groupdict()
            # A school grade in the rule stands for a child of primary-school age.
            young = groups.get("grade") is not None or (
                groups.get("age") is not None and int(groups["age"]) < rules.age_under
            )
            if young:
                found.setdefault(rules.age_signal, []).append(match.group(0))
    return [
        Flag(signal=signal, words=tuple(dict.fromkeys(found[signal]))) for signal in Signal if signal in found
    ]
