"""The contact categories, loaded from the shipped file (CHI's categories, with online harms apart)."""

import json
from pathlib import Path
from typing import Any

from django.db import transaction

from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.helpline.models import Category

CATEGORIES_FILE = Path(__file__).resolve().parent.parent / "data" / "contact_categories.json"


@transaction.atomic
def categories_load(*, path: Path = CATEGORIES_FILE) -> int:
    """Load the shipped contact categories (new ones added, names and order updated); returns how many.

    Migration 0002 does the same at installation; this reloads an edited file. Categories never
    disappear: contacts keep theirs, and one removed from the file stays, marked not in use.
    """
    position = 0
    seen: list[str] = []

    def save(entry: dict[str, Any], parent: Category | None, online: bool) -> None:
        nonlocal position
        position += 1
        online = online or bool(entry.get("online_protection"))
        category, _created = Category.objects.update_or_create(
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
        seen.append(category.code)
        for child in entry.get("children", []):
            save(child, category, online)

    for entry in json.loads(path.read_text(encoding="utf-8"))["categories"]:
        save(entry, None, False)
    Category.objects.exclude(code__in=seen).update(is_active=False)
    audit.record(
        action=AuditAction.UPDATE, object_type="helpline.Category", reason="contact categories loaded"
    )
    return len(seen)
