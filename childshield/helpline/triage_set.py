"""The team's message set for triage, and how well a set of rules does on it.

Realistic messages, as children and the adults around them write to the helpline, each marked with
the signals a counsellor would want raised (none for an ordinary message), in data/triage_messages/.
The development part is what rules are written against; the held-aside part is never read while
writing rules, and its figures are the ones reported (docs/triage.md). Vietnamese and Khmer lines
carry `"review": "native speaker"` until a native speaker has checked their wording.
"""

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

from childshield.helpline.triage import RULE_LANGUAGES, CompiledRules, Signal, signals_in

SET_DIR = Path(__file__).resolve().parent / "data" / "triage_messages"

# What the project aims at, on the held-aside part.
RECALL_AIM = 0.9
FALSE_ALARMS_AIM = 0.05


class Part(StrEnum):
    DEV = "dev"
    HELD_ASIDE = "held_aside"


_FILES = {
    # Each held-aside part, once measured (docs/triage.md), is opened to the rule writers and joins
    # the development part; a new part, written by others who saw none of the set, replaces it.
    Part.DEV: (
        *(f"dev_{language}.jsonl" for language in RULE_LANGUAGES),
        "dev_round_one_held_aside.jsonl",
        *(f"dev_round_two_held_aside_{language}.jsonl" for language in RULE_LANGUAGES),
    ),
    Part.HELD_ASIDE: tuple(f"held_aside_{language}.jsonl" for language in RULE_LANGUAGES),
}


@dataclass(frozen=True)
class Message:
    language: str
    text: str
    signals: frozenset[Signal]
    review: str = ""


def _read(path: Path) -> list[Message]:
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            found.append(
                Message(
                    language=entry["language"],
                    text=entry["text"],
                    signals=frozenset(Signal(code) for code in entry["signals"]),
                    review=entry.get("review", ""),
                )
            )
        except (ValueError, KeyError, TypeError) as error:
            raise ValueError(f"{path.name}, line {number}: {error}") from error
    return found


@cache
def messages(part: Part) -> tuple[Message, ...]:
    """The messages of one part of the set, every language (a part with no file yet is empty)."""
    return tuple(
        message for name in _FILES[part] if (SET_DIR / name).exists() for message in _read(SET_DIR / name)
    )


@dataclass(frozen=True)
class Recall:
    signal: Signal
    language: str  # "" for every language together
    marked: int
    caught: int

    @property
    def rate(self) -> float:
        return self.caught / self.marked if self.marked else 1.0


@dataclass(frozen=True)
class FalseAlarms:
    language: str  # "" for every language together
    ordinary: int
    raised: int

    @property
    def rate(self) -> float:
        return self.raised / self.ordinary if self.ordinary else 0.0


@dataclass(frozen=True)
class Miss:
    """A message of the set read wrongly: a marked signal not raised, or a signal raised in excess."""

    message: Message
    missed: frozenset[Signal]
    extra: frozenset[Signal]


@dataclass(frozen=True)
class Figures:
    recall: list[Recall]
    false_alarms: list[FalseAlarms]
    misses: list[Miss]

    def recall_of(self, signal: Signal, language: str = "") -> Recall:
        return next(item for item in self.recall if item.signal == signal and item.language == language)

    def false_alarms_in(self, language: str = "") -> FalseAlarms:
        return next(item for item in self.false_alarms if item.language == language)

    @property
    def meets_aim(self) -> bool:
        return all(item.rate >= RECALL_AIM for item in self.recall if not item.language) and all(
            item.rate <= FALSE_ALARMS_AIM for item in self.false_alarms if not item.language
        )


def measure(rules: CompiledRules, measured: Sequence[Message]) -> Figures:
    """How `rules` read `measured`: recall by signal (and language), false alarms on ordinary
    messages (any signal raised), and every message read wrongly."""
    caught: dict[tuple[Signal, str], list[bool]] = {}
    ordinary: dict[str, list[bool]] = {}
    misses = []
    for message in measured:
        raised = {flag.signal for flag in signals_in(message.text, rules)}
        for signal in message.signals:
            for language in (message.language, ""):
                caught.setdefault((signal, language), []).append(signal in raised)
        if not message.signals:
            for language in (message.language, ""):
                ordinary.setdefault(language, []).append(bool(raised))
        missed, extra = message.signals - raised, raised - message.signals
        if missed or extra:
            misses.append(Miss(message=message, missed=frozenset(missed), extra=frozenset(extra)))
    languages = ("", *RULE_LANGUAGES)
    return Figures(
        recall=[
            Recall(signal=signal, language=language, marked=len(found), caught=sum(found))
            for signal in Signal
            for language in languages
            if (found := caught.get((signal, language))) is not None
        ],
        false_alarms=[
            FalseAlarms(language=language, ordinary=len(found), raised=sum(found))
            for language in languages
            if (found := ordinary.get(language)) is not None
        ],
        misses=misses,
    )


@dataclass(frozen=True)
class Reach:
    """What one rule alone raises on the development part, in its language: for the rule tester."""

    ordinary: int
    ordinary_raised: int
    marked: int
    marked_caught: int
    examples: tuple[str, ...]

    @property
    def false_alarm_rate(self) -> float:
        return self.ordinary_raised / self.ordinary if self.ordinary else 0.0

    @property
    def too_broad(self) -> bool:
        return self.false_alarm_rate > FALSE_ALARMS_AIM


def rule_reach(rules: CompiledRules, *, signal: Signal, language: str, shown: int = 3) -> Reach:
    """How often `rules` (one rule, compiled) raise `signal` on the ordinary and the marked
    messages of the development part in `language`."""
    in_language: Iterable[Message] = (
        message for message in messages(Part.DEV) if message.language == language
    )
    ordinary = marked = raised_ordinary = caught = 0
    examples: list[str] = []
    for message in in_language:
        raised = any(flag.signal == signal for flag in signals_in(message.text, rules))
        if not message.signals:
            ordinary += 1
            if raised:
                raised_ordinary += 1
                if len(examples) < shown:
                    examples.append(message.text)
        elif signal in message.signals:
            marked += 1
            caught += raised
    return Reach(
        ordinary=ordinary,
        ordinary_raised=raised_ordinary,
        marked=marked,
        marked_caught=caught,
        examples=tuple(examples),
    )
