"""Benchmark of triage matching: what reading one report costs under the shipped rules.

    .venv/bin/python bench/triage.py [--repeat 5]

Reads every message of the development part of the team's message set (data/triage_messages) with
the shipped rules, one message at a time, and reports the time per message (p50, p95, mean), then the
same for long reports (ten messages joined, about 1,500 characters, and a report at the form's limit),
and how long compiling the rules takes (once per process per rule change). The held-aside part is not
read. In process, no database: the cost triage adds to saving a report and to reading waiting reports
again after a rule change.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "childshield.settings.dev")

import django  # noqa: E402

django.setup()

from childshield.helpline.triage import compile_rules, shipped_rule_specs, signals_in  # noqa: E402
from childshield.helpline.triage_set import Part, messages  # noqa: E402
from childshield.intake.forms import DESCRIPTION_MAX_LENGTH  # noqa: E402


def _times(texts: list[str], repeat: int) -> list[float]:
    rules = compile_rules(shipped_rule_specs())
    best = [float("inf")] * len(texts)
    for _round in range(repeat):
        for index, text in enumerate(texts):
            started = time.perf_counter()
            signals_in(text, rules)
            best[index] = min(best[index], time.perf_counter() - started)
    return best


def _line(name: str, texts: list[str], repeat: int) -> None:
    times = sorted(_times(texts, repeat))
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    length = statistics.mean(len(text) for text in texts)
    p50, mean = statistics.median(times), statistics.mean(times)
    print(
        f"{name:<28} {len(texts):>5} texts, {length:>6.0f} chars: p50 {p50 * 1000:6.2f} ms"
        f"  p95 {p95 * 1000:6.2f} ms  mean {mean * 1000:6.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="rounds; each text keeps its best")
    args = parser.parse_args()
    texts = [message.text for message in messages(Part.DEV)]
    specs = shipped_rule_specs()
    started = time.perf_counter()
    for _round in range(args.repeat):
        compiled = compile_rules(specs)
    print(
        f"rules: {len(compiled.phrases)} lines, {len(compiled.age_patterns)} age patterns; "
        f"compiled in {(time.perf_counter() - started) / args.repeat * 1000:.1f} ms"
    )
    _line("one message", texts, args.repeat)
    joined = [" ".join(texts[start : start + 10]) for start in range(0, len(texts) - 10, 10)]
    _line("ten messages joined", joined, args.repeat)
    longest = [(" ".join(texts[start:]) * 2)[:DESCRIPTION_MAX_LENGTH] for start in range(0, 50, 10)]
    _line(f"at the limit ({DESCRIPTION_MAX_LENGTH} chars)", longest, args.repeat)


if __name__ == "__main__":
    main()
