"""Prints how well the triage rules read the team's message set: recall by signal, false alarms."""

from argparse import ArgumentParser
from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from childshield.helpline import selectors
from childshield.helpline.triage import RULE_LANGUAGES, SIGNAL_LABELS, Signal, shipped_rules
from childshield.helpline.triage_set import FALSE_ALARMS_AIM, RECALL_AIM, Figures, Part, measure, messages


class Command(BaseCommand):
    help = (
        "Recall per signal and false alarms of the triage rules on the message set "
        "(data/triage_messages). The held-aside part is the one to report; --misses lists what the "
        "rules read wrongly, on the development part only (the held-aside part is never read while "
        "writing rules)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--part", choices=[*Part, "both"], default="both")
        parser.add_argument(
            "--rules",
            choices=["shipped", "database"],
            default="shipped",
            help="the shipped file (default), or the rules in use in this database",
        )
        parser.add_argument("--language", choices=RULE_LANGUAGES, help="only the messages in this language")
        parser.add_argument("--misses", action="store_true", help="list the messages read wrongly (dev only)")

    def handle(self, *args: Any, **options: Any) -> None:
        parts = list(Part) if options["part"] == "both" else [Part(options["part"])]
        if options["misses"] and Part.HELD_ASIDE in parts:
            raise CommandError("--misses reads the development part only: add --part dev.")
        rules = shipped_rules() if options["rules"] == "shipped" else selectors.triage_rules_current()[1]
        failed = False
        for part in parts:
            measured = [
                message
                for message in messages(part)
                if options["language"] is None or message.language == options["language"]
            ]
            if not measured:
                raise CommandError(f"The {part} part of the message set is missing.")
            figures = measure(rules, measured)
            self._print(part, len(measured), figures)
            if options["misses"]:
                self._print_misses(figures)
            failed |= part == Part.HELD_ASIDE and not figures.meets_aim
        if failed:
            self.stdout.write(
                f"The held-aside part does not meet the aim (recall >= {RECALL_AIM:.0%} per signal, "
                f"false alarms <= {FALSE_ALARMS_AIM:.0%})."
            )

    def _print(self, part: Part, total: int, figures: Figures) -> None:
        write = self.stdout.write
        write(f"\n{part} part: {total} messages")
        write(f"{'signal':<26}{'all':>15}" + "".join(f"{language:>15}" for language in RULE_LANGUAGES))
        for signal in Signal:
            cells = []
            for language in ("", *RULE_LANGUAGES):
                try:
                    item = figures.recall_of(signal, language)
                except StopIteration:
                    cells.append(f"{'-':>15}")
                    continue
                cells.append(f"{item.rate:>6.2f} ({item.caught:>3}/{item.marked:>3})")
            write(f"{SIGNAL_LABELS[signal]!s:<26}" + "".join(cells))
        cells = []
        for language in ("", *RULE_LANGUAGES):
            try:
                alarms = figures.false_alarms_in(language)
            except StopIteration:
                cells.append(f"{'-':>15}")
                continue
            cells.append(f"{alarms.rate:>6.1%} ({alarms.raised:>2}/{alarms.ordinary:>3})".rjust(15))
        write(f"{'false alarms (ordinary)':<26}" + "".join(cells))
        raised_on_ordinary = Counter(
            signal for miss in figures.misses if not miss.message.signals for signal in miss.extra
        )
        write(
            "signals raised on ordinary messages: "
            + (", ".join(f"{signal} {count}" for signal, count in raised_on_ordinary.most_common()) or "none")
        )
        extra = sum(1 for miss in figures.misses if miss.message.signals and miss.extra)
        write(f"marked messages that also raised a signal not marked: {extra}")
        write(f"meets the aim: {'yes' if figures.meets_aim else 'no'}")

    def _print_misses(self, figures: Figures) -> None:
        for miss in figures.misses:
            missed = ",".join(sorted(miss.missed)) or "-"
            extra = ",".join(sorted(miss.extra)) or "-"
            self.stdout.write(
                f"[{miss.message.language}] missed {missed} · extra {extra} · {miss.message.text}"
            )
