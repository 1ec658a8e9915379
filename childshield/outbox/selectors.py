"""Reads of the outbox for those who watch it: how far delivery has fallen behind, and dead letters."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Min
from django.utils import timezone

from childshield.outbox.models import OutboxItem, OutboxState


@dataclass(frozen=True)
class OutboxHealth:
    pending: int
    # Pending items whose time to be delivered has come (those waiting out a retry's backoff are not).
    due: int
    # How long the oldest of them has been due: the delivery's lag. The sweep runs every minute, so
    # more than a few minutes means the workers, beat or the broker are not doing their work.
    oldest_due_seconds: int
    dead: int

    def as_dict(self) -> dict[str, int]:
        return {
            "pending": self.pending,
            "due": self.due,
            "oldest_due_seconds": self.oldest_due_seconds,
            "dead": self.dead,
        }


def outbox_health(*, now: datetime | None = None) -> OutboxHealth:
    """Counts only, never an item's kind or payload; read through the pending items' partial index."""
    now = now or timezone.now()
    pending = OutboxItem.objects.filter(state=OutboxState.PENDING)
    totals = pending.aggregate(pending=Count("pk"))
    due = pending.filter(next_attempt_at__lte=now).aggregate(due=Count("pk"), oldest=Min("next_attempt_at"))
    oldest: datetime | None = due["oldest"]
    return OutboxHealth(
        pending=totals["pending"],
        due=due["due"],
        oldest_due_seconds=int((now - oldest).total_seconds()) if oldest else 0,
        dead=OutboxItem.objects.filter(state=OutboxState.DEAD).count(),
    )
