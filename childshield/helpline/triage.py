"""Triage signals: what in a report should make a counsellor look first, from its words and its answers.

This module is the matcher only. The phrases are data: shipped in data/triage_rules.json, loaded
into `TriageRule` rows that helpline supervisors edit (versioned), and compiled here. Matching
folds case and Latin diacritics with the blind index's `normalise`, so "muon chet" matches
"muốn chết"; Khmer is matched as written, whatever spaces or invisible separators sit between its
letters. The age patterns are regular expressions and stay in the shipped file: they are code,
not words staff type.

A rule's line is one of:
- a word or phrase: `nudes`, `tung ảnh`; a word ending in `*` also matches longer words
  (`threat*`: threaten, threatening, threats);
- alternatives separated by `|`: `pic*|photo*|clip`;
- two sets of alternatives joined by `~`, found within a few words of each other, in either order:
  `post*|share*|leak* ~ pic*|photo*|nudes` (at most `PROXIMITY_WORDS` words apart; `~3` says
  three). Khmer has no spaces between words, so there the distance counts letters, about
  `KHMER_LETTERS_PER_WORD` to a word;
- words the signal's other words do not count inside, after a `-`: `-chán muốn chết|chết cười`
  (an idiom, not a wish to die);
- words without which the signal's other words do not count, after a `+`: `+hit*|bruise*|alone`.
  A signal with such lines is raised only when one of them is found too, or when the report
  raises another signal (by its words or its answers): a young child's age is a reason to look
  first when something is wrong, not whenever a little brother is mentioned.

The report's answers count as much as its words (`signals_from_answers`): a child who ticks
"someone threatens to share my pictures" has said as much as one who writes it.
"""

import bisect
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from childshield.core.blind_index import normalise
from childshield.core.choices import ReporterAgeBand
from childshield.intake.models import Harm, SafeNow

RULES_FILE = Path(__file__).resolve().parent / "data" / "triage_rules.json"
RULE_LANGUAGES = ("vi", "km", "en")

# How far apart the two sides of a `~` line may be, in words, unless the line says otherwise.
PROXIMITY_WORDS = 5
PROXIMITY_WORDS_MAX = 12
# Khmer is written without spaces between words: a distance in words is counted as letters.
KHMER_LETTERS_PER_WORD = 5
# A line starting with this lists words inside which the signal's other words do not count.
EXCLUSION = "-"
# A line starting with this lists words without which the signal's other words do not count.
CONTEXT = "+"
# A `*` needs this many letters before it, or it would match nearly every word.
WILDCARD_PREFIX_MIN = 3

# Khmer digits ០-៩ read as 0-9, so an age typed either way is recognised.
_KHMER_DIGITS = str.maketrans("០១២៣៤៥៦៧៨៩", "0123456789")
_KHMER = re.compile(r"[\u1780-\u17ff\u19e0-\u19ff]")
_LATIN_WORD = re.compile(r"[a-z0-9]+")
_PROXIMITY = re.compile(r"\s*~(\d*)\s*")
_KHMER_SPACE = re.compile(r"(?<=[\u1780-\u17ff\u19e0-\u19ff])\s+(?=[\u1780-\u17ff\u19e0-\u19ff])")


class Signal(StrEnum):
    DANGER_NOW = "danger_now"
    SELF_HARM = "self_harm"
    SEXTORTION = "sextortion"
    LIVE_STREAMING = "live_streaming"
    GROOMING = "grooming"
    MEETING_SOON = "meeting_soon"
    VERY_YOUNG_CHILD = "very_young_child"


SIGNAL_LABELS: dict[Signal, Promise] = {
    Signal.DANGER_NOW: _("In danger now"),
    Signal.SELF_HARM: _("Self-harm or suicide"),
    Signal.SEXTORTION: _("Sextortion threat"),
    Signal.LIVE_STREAMING: _("Live streaming"),
    Signal.GROOMING: _("Grooming"),
    Signal.MEETING_SOON: _("Wants to meet in person"),
    Signal.VERY_YOUNG_CHILD: _("Very young child"),
}

# Signals that put an item at the top of the queue, whatever the reporter answered about safety.
URGENT_SIGNALS = frozenset({Signal.DANGER_NOW, Signal.SELF_HARM, Signal.SEXTORTION, Signal.LIVE_STREAMING})
# Grooming waits its turn, unless a meeting in person is planned: then both are urgent.
URGENT_TOGETHER = frozenset({Signal.GROOMING, Signal.MEETING_SOON})


def urgent_signals(signals: Iterable[str]) -> frozenset[Signal]:
    """Which of `signals` make a report urgent, taken together."""
    present = {Signal(code) for code in signals}
    urgent = present & URGENT_SIGNALS
    if present >= URGENT_TOGETHER:
        urgent |= URGENT_TOGETHER
    return frozenset(urgent)


# The answers of the report form that raise a signal by themselves. Every harm but "something
# else" is sexual, so with the youngest age band any of them raises "very young child".
HARM_SIGNALS: dict[str, Signal] = {
    Harm.THREATENED: Signal.SEXTORTION,
    Harm.ASKED_FOR_PICTURES: Signal.GROOMING,
    Harm.GROOMING: Signal.GROOMING,
}
SAFE_NOW_SIGNALS: dict[str, Signal] = {SafeNow.NO: Signal.DANGER_NOW}
YOUNGEST_AGE_BAND = ReporterAgeBand.UNDER_10
_NOT_SEXUAL_HARMS = frozenset({Harm.OTHER})


@dataclass(frozen=True)
class Flag:
    signal: Signal
    # The words that raised it, as read (folded); the answers, as `question:answer` codes.
    words: tuple[str, ...] = ()
    answers: tuple[str, ...] = ()
    is_urgent: bool = False

    @property
    def label(self) -> str:
        return str(SIGNAL_LABELS[self.signal])

    @property
    def answer_labels(self) -> list[str]:
        return [_answer_label(code) for code in self.answers]


def _answer_label(code: str) -> str:
    question, _sep, value = code.partition(":")
    choices = {"harm": Harm.choices, "safe_now": SafeNow.choices, "age_band": ReporterAgeBand.choices}
    return str(dict(choices.get(question, [])).get(value, value))


def flags_of(
    signals: Sequence[str],
    words: dict[str, list[str]] | None = None,
    answers: dict[str, list[str]] | None = None,
) -> list[Flag]:
    """The flags of stored signals (in the signals' one order), each marked urgent as its set decides."""
    urgent = urgent_signals(signals)
    words, answers = words or {}, answers or {}
    return [
        Flag(
            signal=signal,
            words=tuple(words.get(signal, [])),
            answers=tuple(answers.get(signal, [])),
            is_urgent=signal in urgent,
        )
        for signal in Signal
        if signal in signals
    ]


@dataclass(frozen=True)
class RuleSpec:
    """The phrases of one rule: one signal, one language."""

    signal: Signal
    language: str
    phrases: tuple[str, ...]


class PhraseError(ValueError):
    """A rule's line that cannot be read; the message says why, in words a supervisor understands."""


@dataclass(frozen=True)
class _Side:
    """Alternatives of a line, as two patterns (Latin words, Khmer letters) built as tries."""

    latin: re.Pattern[str] | None
    khmer: re.Pattern[str] | None

    def matches(self, haystack: str) -> list[re.Match[str]]:
        """Every match in `haystack`, in order, none overlapping another of its script."""
        found: list[re.Match[str]] = []
        if self.latin is not None:
            # A Latin word stands alone ("nudes" is not inside "includes"). The check before the
            # word is made here, not in the pattern: a pattern that opens with an assertion loses
            # the regular-expression engine's quick skip to the letters the words can start with.
            position = 0
            while (match := self.latin.search(haystack, position)) is not None:
                if match.start() and _is_latin_letter(haystack[match.start() - 1]):
                    position = match.start() + 1
                    continue
                found.append(match)
                position = max(match.end(), match.start() + 1)
        if self.khmer is not None:
            found.extend(self.khmer.finditer(haystack))
            found.sort(key=lambda match: match.start())
        return found


def _is_latin_letter(char: str) -> bool:
    return char.isascii() and char.isalnum()


@dataclass(frozen=True)
class _Phrase:
    signal: Signal
    sides: tuple[_Side, ...]  # one side: the words alone; two: near each other
    window: int = PROXIMITY_WORDS


@dataclass(frozen=True)
class CompiledRules:
    phrases: tuple[_Phrase, ...]
    # By signal: words inside which that signal's words do not count ("chán muốn chết").
    exclusions: dict[Signal, _Side]
    # By signal: words without which its words count only beside another signal (see CONTEXT).
    contexts: dict[Signal, _Side]
    age_signal: Signal
    age_under: int
    age_patterns: tuple[re.Pattern[str], ...]


def _unspaced_khmer(text: str) -> str:
    return _KHMER_SPACE.sub("", text)


def fold(text: str) -> str:
    """`text` as the rules see it: case and Latin diacritics folded, Khmer digits read as digits."""
    return normalise(text.translate(_KHMER_DIGITS))


# A term as the tokens of its trie: a letter, a space between words (any spacing), or `*`.
_BETWEEN_WORDS = " "
_LONGER = "*"


def _term_tokens(term: str) -> tuple[bool, tuple[str, ...]]:
    """Whether the term is Khmer, and its tokens."""
    folded = fold(term)
    if _KHMER.search(folded):
        # Khmer is matched against the text with its spaces between Khmer letters removed
        # (`_unspaced_khmer`), so any spacing the writer used still matches.
        letters = _unspaced_khmer(folded).replace("*", "")
        if len(letters) < 2:
            raise PhraseError(_("“%(term)s” is too short to be a signal.") % {"term": term})
        return True, tuple(letters)
    words = folded.split(" ")
    tokens: list[str] = []
    for word in words:
        if tokens:
            tokens.append(_BETWEEN_WORDS)
        if word.endswith("*"):
            stem = word.rstrip("*")
            if len(stem) < WILDCARD_PREFIX_MIN or "*" in stem:
                raise PhraseError(
                    _("“%(term)s”: a * needs at least %(count)s letters before it, and only at a word's end.")
                    % {"term": term, "count": WILDCARD_PREFIX_MIN}
                )
            tokens.extend([*stem, _LONGER])
        elif "*" in word:
            raise PhraseError(_("“%(term)s”: a * goes only at the end of a word.") % {"term": term})
        else:
            tokens.extend(word)
    if len(folded.replace(" ", "").replace("*", "")) < 2:
        raise PhraseError(_("“%(term)s” is too short to be a signal.") % {"term": term})
    return False, tuple(tokens)


def _token_pattern(token: str, *, khmer: bool) -> str:
    if not khmer and token == _BETWEEN_WORDS:
        return r"\s+"
    if not khmer and token == _LONGER:
        return r"[a-z0-9]*"
    return re.escape(token)


_Trie = dict[str, "_Trie"]


def _trie_pattern(terms: list[tuple[str, ...]], *, khmer: bool) -> str:
    """One pattern for many terms, shared beginnings written once ("post|posted|poster" as
    "post(?:ed|er)?"): Python's engine tries alternatives one by one, a trie one letter at a time."""
    trie: _Trie = {}
    for tokens in terms:
        node = trie
        for token in tokens:
            node = node.setdefault(token, {})
        node[""] = {}  # a term ends here

    def written(node: _Trie) -> str:
        branches = [
            _token_pattern(token, khmer=khmer) + written(child) for token, child in node.items() if token
        ]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return body + "?" if len(branches) == 1 and len(body) == 1 else f"(?:{body})?"
        return body

    return written(trie)


def _side_pattern(side: str) -> _Side:
    terms = [term.strip() for term in side.split("|") if term.strip()]
    if not terms:
        raise PhraseError(_("Write words on both sides of ~ and between the |."))
    read = [_term_tokens(term) for term in terms]
    latin = [tokens for is_khmer, tokens in read if not is_khmer]
    khmer = [tokens for is_khmer, tokens in read if is_khmer]
    return _Side(
        # The word must end where the term ends, checked after the trie's longest try.
        latin=re.compile(_trie_pattern(latin, khmer=False) + r"(?![a-z0-9])") if latin else None,
        khmer=re.compile(_trie_pattern(khmer, khmer=True)) if khmer else None,
    )


def phrase_compile(line: str, signal: Signal) -> _Phrase:
    """One rule line compiled; PhraseError if it cannot be read. An exclusion line (`-words`) is
    compiled as its words alone."""
    stripped = line.strip()
    if stripped.startswith(EXCLUSION):
        if "~" in stripped:
            raise PhraseError(
                _("“%(line)s”: a line of words that do not count cannot use ~.") % {"line": line}
            )
        return _Phrase(signal=signal, sides=(_side_pattern(stripped[len(EXCLUSION) :]),))
    if stripped.startswith(CONTEXT):
        if "~" in stripped:
            raise PhraseError(
                _("“%(line)s”: a line of words the signal needs beside it cannot use ~.") % {"line": line}
            )
        return _Phrase(signal=signal, sides=(_side_pattern(stripped[len(CONTEXT) :]),))
    parts = _PROXIMITY.split(stripped)
    if len(parts) == 1:
        return _Phrase(signal=signal, sides=(_side_pattern(parts[0]),))
    if len(parts) != 3:
        raise PhraseError(_("“%(line)s”: use one ~ a line, between two sets of words.") % {"line": line})
    left, window, right = parts
    words = int(window) if window else PROXIMITY_WORDS
    if not 0 <= words <= PROXIMITY_WORDS_MAX:
        raise PhraseError(
            _("“%(line)s”: words may be at most %(count)s apart.")
            % {"line": line, "count": PROXIMITY_WORDS_MAX}
        )
    return _Phrase(signal=signal, sides=(_side_pattern(left), _side_pattern(right)), window=words)


def phrase_problems(lines: Iterable[str], signal: Signal) -> list[str]:
    """Why each line that cannot be read is refused, in the lines' order (empty if all can be)."""
    problems = []
    for line in lines:
        try:
            phrase_compile(line, signal)
        except PhraseError as error:
            problems.append(str(error))
    return problems


def _words_between(gap: str) -> float:
    return len(_LATIN_WORD.findall(gap)) + len(_KHMER.findall(gap)) / KHMER_LETTERS_PER_WORD


def _outside(start: int, end: int, excluded: list[tuple[int, int]]) -> bool:
    return not any(low <= start and end <= high for low, high in excluded)


def _found(phrase: _Phrase, haystack: str, excluded: list[tuple[int, int]]) -> list[str]:
    """What of `haystack` the phrase finds outside the `excluded` spans, as shown to the counsellor
    (empty if nothing)."""
    if len(phrase.sides) == 1:
        matches = phrase.sides[0].matches(haystack)
        return list(
            dict.fromkeys(
                match.group(0) for match in matches if _outside(match.start(), match.end(), excluded)
            )
        )
    lefts = phrase.sides[0].matches(haystack)
    if not lefts:
        return []
    # Matches of one pattern come in order and never overlap: their starts and ends are both sorted.
    # For each match of the right side, only the nearest left match before it and after it can be
    # close enough, so a long report costs a search per match, not a comparison per pair.
    left_starts = [left.start() for left in lefts]
    left_ends = [left.end() for left in lefts]
    for right in phrase.sides[1].matches(haystack):
        before = bisect.bisect_right(left_ends, right.start()) - 1
        if (
            before >= 0
            and _words_between(haystack[left_ends[before] : right.start()]) <= phrase.window
            and _outside(left_starts[before], right.end(), excluded)
        ):
            return [f"{lefts[before].group(0)} … {right.group(0)}"]
        after = bisect.bisect_left(left_starts, right.end())
        if (
            after < len(lefts)
            and _words_between(haystack[right.end() : left_starts[after]]) <= phrase.window
            and _outside(right.start(), left_ends[after], excluded)
        ):
            return [f"{right.group(0)} … {lefts[after].group(0)}"]
    return []


def _spans(side: _Side | None, text: str) -> list[tuple[int, int]]:
    return [(match.start(), match.end()) for match in side.matches(text)] if side is not None else []


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


def _merged_lines(signal: Signal, lines: list[str]) -> list[str]:
    """The lines of one signal, merged where that changes nothing they find: every line of words
    alone into one, and `~` lines that share one side and their distance into one each. Hundreds of
    lines then cost tens of searches a message."""
    alone: list[str] = []
    pairs: dict[tuple[str, str], list[str]] = {}  # (distance, right side) -> left sides
    for line in lines:
        parts = _PROXIMITY.split(line.strip())
        if len(parts) == 1:
            alone.append(parts[0])
        elif len(parts) == 3:
            pairs.setdefault((parts[1] or str(PROXIMITY_WORDS), parts[2]), []).append(parts[0])
    by_left: dict[tuple[str, str], list[str]] = {}  # (distance, merged left side) -> right sides
    for (window, right), lefts in pairs.items():
        by_left.setdefault((window, "|".join(lefts)), []).append(right)
    merged = ["|".join(alone)] if alone else []
    merged += [f"{left} ~{window} {'|'.join(rights)}" for (window, left), rights in by_left.items()]
    return merged


def compile_rules(specs: Iterable[RuleSpec]) -> CompiledRules:
    """The rules ready to match. A line that cannot be read is skipped here (rules are checked
    with `phrase_compile` when saved, so only a file edited by hand can hold one)."""
    by_signal: dict[Signal, list[str]] = {}
    excluding: dict[Signal, list[str]] = {}
    needing: dict[Signal, list[str]] = {}
    seen: set[tuple[Signal, str]] = set()
    for spec in specs:
        for line in spec.phrases:
            key = (spec.signal, fold(line))
            if not key[1] or key in seen:
                continue
            seen.add(key)
            if line.strip().startswith(EXCLUSION):
                excluding.setdefault(spec.signal, []).append(line.strip()[len(EXCLUSION) :])
            elif line.strip().startswith(CONTEXT):
                needing.setdefault(spec.signal, []).append(line.strip()[len(CONTEXT) :])
            else:
                by_signal.setdefault(spec.signal, []).append(line)
    exclusions: dict[Signal, _Side] = {}
    contexts: dict[Signal, _Side] = {}
    for sides, source in ((exclusions, excluding), (contexts, needing)):
        for signal, lines in source.items():
            readable = [line for line in lines if not phrase_problems([EXCLUSION + line], signal)]
            if readable:
                sides[signal] = _side_pattern("|".join(readable))
    phrases = []
    for signal, lines in by_signal.items():
        try:
            phrases += [phrase_compile(line, signal) for line in _merged_lines(signal, lines)]
        except PhraseError:
            # One line that cannot be read: every line on its own, that one left out.
            for line in lines:
                try:
                    phrases.append(phrase_compile(line, signal))
                except PhraseError:
                    continue
    ages = _shipped()["ages"]
    assert isinstance(ages, dict)
    return CompiledRules(
        phrases=tuple(phrases),
        exclusions=exclusions,
        contexts=contexts,
        age_signal=Signal(ages["signal"]),
        age_under=int(ages["under"]),
        age_patterns=tuple(re.compile(pattern) for pattern in ages["patterns"]),
    )


@cache
def shipped_rules() -> CompiledRules:
    return compile_rules(shipped_rule_specs())


@dataclass(frozen=True)
class Answers:
    """The answers of a report that triage reads (any may be blank: a call has none)."""

    harms: tuple[str, ...] = ()
    safe_now: str = ""
    age_band: str = ""


def signals_from_answers(answers: Answers) -> dict[Signal, list[str]]:
    """The signals the answers raise, each with the answers that raised it (`question:answer`)."""
    found: dict[Signal, list[str]] = {}
    for harm in answers.harms:
        if harm in HARM_SIGNALS:
            found.setdefault(HARM_SIGNALS[harm], []).append(f"harm:{harm}")
    if answers.safe_now in SAFE_NOW_SIGNALS:
        found.setdefault(SAFE_NOW_SIGNALS[answers.safe_now], []).append(f"safe_now:{answers.safe_now}")
    if answers.age_band == YOUNGEST_AGE_BAND and set(answers.harms) - _NOT_SEXUAL_HARMS:
        found.setdefault(Signal.VERY_YOUNG_CHILD, []).append(f"age_band:{answers.age_band}")
    return found


def _signals_in_words(text: str, rules: CompiledRules) -> dict[Signal, list[str]]:
    found: dict[Signal, list[str]] = {}
    if not text.strip():
        return found
    folded = fold(text)
    haystack = _unspaced_khmer(folded)
    excluded = {signal: _spans(side, haystack) for signal, side in rules.exclusions.items()}
    for phrase in rules.phrases:
        words = _found(phrase, haystack, excluded.get(phrase.signal, []))
        if words:
            found.setdefault(phrase.signal, []).extend(words)
    # Ages are read in the text as written (spaces kept): its exclusions are found there too.
    age_excluded = _spans(rules.exclusions.get(rules.age_signal), folded)
    for pattern in rules.age_patterns:
        for match in pattern.finditer(folded):
            if not _outside(match.start(), match.end(), age_excluded):
                continue
            groups = match.groupdict()
            # A primary-school grade, or an age written as a word the pattern only lets under 10.
            young = (
                groups.get("grade") is not None
                or groups.get("young") is not None
                or (groups.get("age") is not None and int(groups["age"]) < rules.age_under)
            )
            if young:
                found.setdefault(rules.age_signal, []).append(match.group(0))
    return found


def _needs_context(
    words: dict[Signal, list[str]], by_answer: dict[Signal, list[str]], text: str, rules: CompiledRules
) -> None:
    """Drops from `words` each signal that needs words beside it (a `+` line) and has neither them
    nor another signal raised; where they are found, they join the words that raised it."""
    for signal, side in rules.contexts.items():
        if signal not in words:
            continue
        if any(other != signal for other in (*words, *by_answer)):
            continue
        found = [match.group(0) for match in side.matches(_unspaced_khmer(fold(text)))]
        if found:
            words[signal].extend(found)
        else:
            del words[signal]


def signals_in(text: str, rules: CompiledRules | None = None, answers: Answers | None = None) -> list[Flag]:
    """The signals `text` and `answers` raise under `rules` (the shipped ones by default), each with
    the words and answers that raised it, in the signals' one order."""
    rules = rules if rules is not None else shipped_rules()
    words = _signals_in_words(text, rules)
    by_answer = signals_from_answers(answers) if answers is not None else {}
    _needs_context(words, by_answer, text, rules)
    raised = [signal for signal in Signal if signal in words or signal in by_answer]
    return flags_of(
        raised,
        {signal: list(dict.fromkeys(found)) for signal, found in words.items()},
        {signal: found for signal, found in by_answer.items()},
    )
