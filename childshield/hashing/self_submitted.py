"""The self-submitted bank: hashes children send to block their own pictures, added without a member.

A child is not a member of any agency, so `services.entry_add` (which checks a member's
permissions) cannot add their hashes. Intake decides whether a hash may go in (the hotline's
policy, or an analyst's review) and then calls these functions, which write the same rows that
`services._add_entries` writes: the entry, its history line, the bank's count, and a message to
the match workers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from childshield.accounts.models import Agency, User
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.hashing import tasks
from childshield.hashing.formats import check_quality, normalise_value
from childshield.hashing.models import BankSource, ChangeKind, HashBank, HashChange, HashEntry, SharingPolicy
from childshield.hashing.scope import match_scope_changed
from childshield.hashing.services import history_lock
from childshield.outbox.kicks import kick_on_commit

# The bank's name is data, not interface text: it is the same in every language.
SELF_SUBMITTED_BANK_NAME = "Self-submitted by children"
SELF_SUBMITTED_BANK_DESCRIPTION = (
    "Hashes that children computed on their own phones to block their own pictures. "
    "The pictures never reached childshield."
)


@dataclass(frozen=True)
class SelfSubmittedHash:
    algorithm: str
    value: str
    quality: int | None = None


def self_submitted_bank_get(*, agency: Agency) -> HashBank | None:
    return HashBank.objects.filter(owner=agency, source=BankSource.SELF_SUBMITTED).order_by("pk").first()


@transaction.atomic
def self_submitted_bank_ensure(*, agency: Agency) -> HashBank:
    """The hotline's self-submitted bank, created (shared with vetted platforms) the first time."""
    bank = self_submitted_bank_get(agency=agency)
    if bank is not None:
        return bank
    bank, created = HashBank.objects.get_or_create(
        owner=agency,
        name=SELF_SUBMITTED_BANK_NAME,
        defaults={
            "source": BankSource.SELF_SUBMITTED,
            "sharing": SharingPolicy.TRUSTED_PLATFORMS,
            "description": SELF_SUBMITTED_BANK_DESCRIPTION,
        },
    )
    if created:
        match_scope_changed()
        audit.record(action=AuditAction.CREATE, agency=agency, obj=bank, reason="self-submitted bank")
    return bank


@transaction.atomic
def self_submitted_hashes_add(
    *, bank: HashBank, hashes: Sequence[SelfSubmittedHash], reference: str, by: User | None = None
) -> list[HashEntry]:
    """The live entry for each hash, in order, adding those not in the bank yet.

    `by` is the analyst who accepted them, or None when the hotline's policy shares them at once.
    Values are checked again here: InvalidHash for a bad one, and nothing is added.
    """
    if bank.source != BankSource.SELF_SUBMITTED:
        raise ValueError("only self-submitted banks take hashes without a member")
    checked: list[SelfSubmittedHash] = []
    for item in hashes:
        check_quality(item.algorithm, item.quality)
        value = normalise_value(item.algorithm, item.value)
        checked.append(SelfSubmittedHash(item.algorithm, value, item.quality))
    history_lock(bank_id=bank.pk)
    live = {
        (entry.algorithm, entry.value): entry
        for entry in HashEntry.objects.filter(
            bank=bank, removed_at__isnull=True, value__in={item.value for item in checked}
        )
    }
    now = timezone.now()
    added: list[HashEntry] = []
    for item in checked:
        key = (item.algorithm, item.value)
        if key in live:
            continue
        entry = HashEntry.objects.create(
            bank=bank,
            algorithm=item.algorithm,
            value=item.value,
            quality=item.quality,
            source_reference=reference[:200],
            added_by=by,
            added_at=now,
        )
        HashChange.objects.create(bank=bank, entry=entry, kind=ChangeKind.ADDED, at=now, by=by)
        live[key] = entry
        added.append(entry)
    if added:
        HashBank.objects.filter(pk=bank.pk).update(live_entries=F("live_entries") + len(added))
        audit.record(
            action=AuditAction.CREATE,
            actor=by,
            agency=bank.owner,
            obj=bank,
            reason=f"{len(added)} self-submitted hashes added",
        )
        # Best effort: a match syncs its index before it answers (see hashing/tasks.py).
        kick_on_commit(tasks.index_sync)
    return [live[(item.algorithm, item.value)] for item in checked]
