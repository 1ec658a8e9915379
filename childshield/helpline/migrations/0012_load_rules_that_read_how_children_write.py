"""Loads the shipped triage rules of this release (data/triage_rules.json) without app code.

A rule no supervisor has changed (its only versions are shipped ones) takes the shipped words as a
new version, so its history shows the change; a rule a supervisor changed is left as they made it;
a signal and language without a rule gets one. Waiting reports are read again by the minute task,
which sees the rules' version change.
"""

import json
from pathlib import Path

from django.db import migrations
from django.utils import timezone

DATA = Path(__file__).resolve().parent.parent / "data"
NOTE = "shipped: words as children write them, measured on the team's message set (docs/triage.md)"


def load(apps, schema_editor):
    TriageRule = apps.get_model("helpline", "TriageRule")
    TriageRuleVersion = apps.get_model("helpline", "TriageRuleVersion")
    rules = json.loads((DATA / "triage_rules.json").read_text(encoding="utf-8"))
    now = timezone.now()
    for signal, by_language in rules["signals"].items():
        for language, phrases in by_language.items():
            existing = list(TriageRule.objects.filter(signal=signal, language=language).order_by("pk"))
            if not existing:
                rule = TriageRule.objects.create(
                    signal=signal, language=language, phrases=phrases, updated_at=now
                )
                TriageRuleVersion.objects.create(
                    rule=rule, version=1, signal=signal, language=language, phrases=phrases, note=NOTE
                )
                continue
            for rule in existing:
                edited = TriageRuleVersion.objects.filter(rule=rule, changed_by__isnull=False).exists()
                if edited or rule.phrases == phrases:
                    continue
                rule.phrases = phrases
                rule.version += 1
                rule.updated_at = now
                rule.save(update_fields=["phrases", "version", "updated_at"])
                TriageRuleVersion.objects.create(
                    rule=rule,
                    version=rule.version,
                    signal=signal,
                    language=language,
                    phrases=phrases,
                    is_active=rule.is_active,
                    note=NOTE,
                    changed_at=now,
                )


class Migration(migrations.Migration):
    dependencies = [("helpline", "0011_triage_signals_from_answers_grooming_live_streaming")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
