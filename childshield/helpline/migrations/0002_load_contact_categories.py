"""Loads the shipped contact categories (data/contact_categories.json) without importing app code."""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "contact_categories.json"


def load(apps, schema_editor):
    Category = apps.get_model("helpline", "Category")
    position = 0

    def save(entry, parent, online):
        nonlocal position
        position += 1
        online = online or bool(entry.get("online_protection"))
        category, _ = Category.objects.update_or_create(
            code=entry["code"],
            defaults={
                "parent": parent,
                "name_en": entry["en"],
                "name_vi": entry.get("vi", ""),
                "name_km": entry.get("km", ""),
                "online_protection": online,
                "position": position,
                "is_active": True,
            },
        )
        for child in entry.get("children", []):
            save(child, category, online)

    for entry in json.loads(DATA.read_text(encoding="utf-8"))["categories"]:
        save(entry, None, False)


class Migration(migrations.Migration):
    dependencies = [("helpline", "0001_queue_claims_contacts_and_categories")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
