"""The child's blind indexes: kept when a child is recorded, and computed again after the key changes."""

from __future__ import annotations

from django.db import transaction

from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.cases.models import Child, ChildDuplicateKey, ChildNamePart
from childshield.cases.name_search import (
    child_duplicate_index,
    child_name_index,
    name_part_indexes,
    stored_duplicate_keys,
)


def child_name_parts_index(*, child: Child) -> None:
    """Keep the hashes of the words of a newly recorded child's names (and of their beginnings), and
    the keys a later duplicate check finds the child by."""
    ChildNamePart.objects.bulk_create(
        ChildNamePart(child=child, part_index=index)
        for index in sorted(name_part_indexes([child.full_name, *child.aliases]))
    )
    ChildDuplicateKey.objects.bulk_create(_duplicate_keys(child))


def _duplicate_keys(child: Child) -> list[ChildDuplicateKey]:
    keys = stored_duplicate_keys(
        names=[child.full_name, *child.aliases], birth_year=child.birth_year, area_id=child.area_id
    )
    return [ChildDuplicateKey(child=child, key=key) for key in sorted(keys)]


def children_reindex(*, batch_size: int = 500) -> int:
    """Recompute every child's blind indexes (full name, duplicate checks, name parts) with the current
    BLIND_INDEX_KEY: after the key is changed, or for children recorded before name parts existed.
    Works in batches, each in its own transaction; returns how many children were indexed."""
    done = 0
    last_id = 0
    while True:
        batch = list(
            Child.objects.filter(pk__gt=last_id)
            .order_by("pk")
            .only("id", "full_name", "aliases", "birth_year", "area_id")[:batch_size]
        )
        if not batch:
            return done
        with transaction.atomic():
            for child in batch:
                child.name_index = child_name_index(child.full_name)
                child.duplicate_index = child_duplicate_index(
                    name=child.full_name, birth_year=child.birth_year, area_id=child.area_id
                )
            Child.objects.bulk_update(batch, ["name_index", "duplicate_index"])
            ChildNamePart.objects.filter(child__in=batch).delete()
            ChildNamePart.objects.bulk_create(
                ChildNamePart(child=child, part_index=index)
                for child in batch
                for index in sorted(name_part_indexes([child.full_name, *child.aliases]))
            )
            ChildDuplicateKey.objects.filter(child__in=batch).delete()
            ChildDuplicateKey.objects.bulk_create(key for child in batch for key in _duplicate_keys(child))
            audit.record(
                action=AuditAction.UPDATE,
                object_type="cases.Child",
                reason=f"blind indexes recomputed for {len(batch)} children",
            )
        done += len(batch)
        last_id = batch[-1].pk
