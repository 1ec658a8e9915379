"""Loads the shipped triage rules and reply templates (data/*.json) as version 1, without app code."""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"


def load(apps, schema_editor):
    TriageRule = apps.get_model("helpline", "TriageRule")
    TriageRuleVersion = apps.get_model("helpline", "TriageRuleVersion")
    ReplyTemplate = apps.get_model("helpline", "ReplyTemplate")
    ReplyTemplateVersion = apps.get_model("helpline", "ReplyTemplateVersion")
    if not TriageRule.objects.exists():
        rules = json.loads((DATA / "triage_rules.json").read_text(encoding="utf-8"))
        for signal, by_language in rules["signals"].items():
            for language, phrases in by_language.items():
                rule = TriageRule.objects.create(signal=signal, language=language, phrases=phrases)
                TriageRuleVersion.objects.create(
                    rule=rule, version=1, signal=signal, language=language, phrases=phrases, note="shipped"
                )
    if not ReplyTemplate.objects.exists():
        templates = json.loads((DATA / "reply_templates.json").read_text(encoding="utf-8"))
        for position, entry in enumerate(templates["templates"], start=1):
            fields = {f"title_{code}": text for code, text in entry["title"].items()}
            fields.update({f"body_{code}": text for code, text in entry["body"].items()})
            template = ReplyTemplate.objects.create(code=entry["code"], position=position, **fields)
            ReplyTemplateVersion.objects.create(
                template=template, version=1, content={"title": entry["title"], "body": entry["body"]}
            )


class Migration(migrations.Migration):
    dependencies = [("helpline", "0004_triage_rules_and_reply_templates_as_data")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
