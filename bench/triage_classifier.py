"""Experiment: would a trained classifier beside the triage rules reach the aim the rules miss?

    python -m venv /tmp/clf && /tmp/clf/bin/pip install scikit-learn   # not in the lock file
    git show e296317:childshield/helpline/data/triage_rules.json > /tmp/rules_round_two.json
    PYTHONPATH=$(/tmp/clf/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])') \\
        .venv/bin/python bench/triage_classifier.py --rules-file /tmp/rules_round_two.json

Writers' groups stand in for new writers: the classifier (character 2-5-grams within words and word
1-2-grams, TF-IDF, one balanced logistic regression per signal) learns from the development part as
it stood before round two was opened (dev_{vi,km,en}.jsonl and the first held-aside part), and is
measured on the second held-aside part (dev_round_two_held_aside_*.jsonl), which the round-two rules
(the rules file given) were written without. It prints recall per signal and false alarms for the
rules, the classifier at several thresholds, and the two combined. The current held-aside part is
not read. Nothing here is shipped: scikit-learn is not a dependency (docs/triage.md says why).
"""

import argparse
import json
import os
import sys
from pathlib import Path

sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "childshield.settings.dev")

import django  # noqa: E402

django.setup()

from childshield.helpline.triage import (  # noqa: E402
    RULE_LANGUAGES,
    RuleSpec,
    Signal,
    compile_rules,
    fold,
    signals_in,
)
from childshield.helpline.triage_set import SET_DIR, Message, _read  # noqa: E402

try:
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_union
except ImportError:
    sys.exit("This experiment needs scikit-learn, which childshield does not depend on: see the docstring.")

TRAIN = [*(f"dev_{language}.jsonl" for language in RULE_LANGUAGES), "dev_round_one_held_aside.jsonl"]
UNSEEN = [f"dev_round_two_held_aside_{language}.jsonl" for language in RULE_LANGUAGES]
SIGNALS = list(Signal)


def _messages(names: list[str]) -> list[Message]:
    return [message for name in names for message in _read(SET_DIR / name)]


def _show(name: str, raised: "np.ndarray", marked: "np.ndarray", ordinary: "np.ndarray") -> None:
    recall = " ".join(
        f"{signal.value[:8]} {raised[i][marked[i]].mean():.2f}" for i, signal in enumerate(SIGNALS)
    )
    print(f"{name:26s} {recall}  false alarms {raised[:, ordinary].any(axis=0).mean():.1%}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--rules-file", required=True, help="rules written without the second held-aside part"
    )
    parser.add_argument("--c", type=float, default=4.0, help="inverse regularisation of each regression")
    options = parser.parse_args()
    data = json.loads(Path(options.rules_file).read_text(encoding="utf-8"))
    rules = compile_rules(
        RuleSpec(signal=Signal(signal), language=language, phrases=tuple(words))
        for signal, by_language in data["signals"].items()
        for language, words in by_language.items()
    )
    train, unseen = _messages(TRAIN), _messages(UNSEEN)
    features = make_union(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True),
        TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"(?u)\b\w+\b"),
    )
    learnt = features.fit_transform([fold(message.text) for message in train])
    measured = features.transform([fold(message.text) for message in unseen])
    probability = np.array(
        [
            LogisticRegression(C=options.c, class_weight="balanced", max_iter=2000)
            .fit(learnt, [signal in message.signals for message in train])
            .predict_proba(measured)[:, 1]
            for signal in SIGNALS
        ]
    )
    marked = np.array([[signal in message.signals for message in unseen] for signal in SIGNALS])
    ordinary = np.array([not message.signals for message in unseen])
    by_rules = np.array(
        [
            [signal in {flag.signal for flag in signals_in(m.text, rules)} for m in unseen]
            for signal in SIGNALS
        ]
    )
    print(f"trained on {len(train)} messages, measured on {len(unseen)} ({ordinary.sum()} ordinary)")
    _show("rules", by_rules, marked, ordinary)
    for threshold in (0.4, 0.5, 0.6):
        _show(f"classifier >= {threshold}", probability >= threshold, marked, ordinary)
    for low, high in ((0.2, 0.6), (0.2, 0.7), (0.3, 0.7)):
        _show(
            f"rules&>={low} or >={high}",
            (by_rules & (probability >= low)) | (probability >= high),
            marked,
            ordinary,
        )


if __name__ == "__main__":
    main()
