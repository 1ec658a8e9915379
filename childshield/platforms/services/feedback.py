"""Platforms' feedback on the hashes of the banks they keep in sync: what each did with the matches."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.core.errors import ApplicationError
from childshield.hashing.models import ApiKey, BankSource, HashBank, HashEntry
from childshield.intake.picture_news import blocked_pictures_news_enqueue
from childshield.platforms.models import SignalFeedback, Verdict
from childshield.platforms.services.reports import platform_of
from childshield.platforms.sync import bank_for_key


@dataclass(frozen=True)
class FeedbackItem:
    """A platform's word on one hash, as `FeedbackItemInput` checked it."""

    entry_id: int
    verdict: Verdict | str
    note: str = ""


@transaction.atomic
def signal_feedback_record(
    *, key: ApiKey, bank: HashBank, items: Sequence[FeedbackItem], now: datetime | None = None
) -> int:
    """Record a platform's word on hashes of a bank (tombstones too: what a hash did before its
    removal still counts). One row per hash and platform, replaced by the next word (its note too);
    a verdict sent again keeps the time it was first given. A hash that is not the bank's refuses
    the whole call, each named by its place in `items`. Returns how many were recorded."""
    platform = platform_of(key)
    bank = bank_for_key(key=key, pk=bank.pk)  # shared with platforms and switched on, or not found
    now = now or timezone.now()
    ids = [item.entry_id for item in items]
    known = set(HashEntry.objects.filter(bank=bank, pk__in=ids).values_list("pk", flat=True))
    unknown = [number for number, item in enumerate(items) if item.entry_id not in known]
    if unknown:
        message = _("No hash of this bank has this id.")
        errors = [{"pointer": f"/feedback/{number}/id", "message": message} for number in unknown]
        raise ApplicationError(message, code="unknown_signal", extra={"errors": errors})
    earlier = {
        entry_id: (verdict, verdict_at)
        for entry_id, verdict, verdict_at in SignalFeedback.objects.filter(
            platform=platform, entry_id__in=ids
        ).values_list("entry_id", "verdict", "verdict_at")
    }
    rows = [
        SignalFeedback(
            entry_id=item.entry_id,
            bank=bank,
            platform=platform,
            api_key=key,
            verdict=item.verdict,
            note=item.note.strip(),
            first_at=now,
            verdict_at=_verdict_time(earlier.get(item.entry_id), item.verdict, now),
            updated_at=now,
        )
        for item in items
    ]
    # One statement per 500: a row already there is updated in place (its first_at kept), and a
    # twin call at the same moment updates rather than fails.
    SignalFeedback.objects.bulk_create(
        rows,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["entry", "platform"],
        update_fields=["api_key", "verdict", "note", "verdict_at", "updated_at"],
    )
    if bank.source == BankSource.SELF_SUBMITTED:
        # A child who blocked a picture hears, once, when an app first blocks it.
        blocked_now = [
            item.entry_id
            for item in items
            if item.verdict == Verdict.BLOCKED and earlier.get(item.entry_id, ("", now))[0] != Verdict.BLOCKED
        ]
        if blocked_now:
            blocked_pictures_news_enqueue(entry_ids=blocked_now)
    audit.record(
        action=AuditAction.CREATE,
        agency=platform,
        object_type=SignalFeedback._meta.label,
        reason=f"bank {bank.pk}: feedback on {len(rows)} hashes (key {key.prefix}…)",
    )
    return len(rows)


def _verdict_time(earlier: tuple[str, datetime] | None, verdict: str, now: datetime) -> datetime:
    if earlier is not None and earlier[0] == verdict:
        return earlier[1]
    return now
