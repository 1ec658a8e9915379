"""`manage.py outbox_status`: the delivery's lag and the dead letters, for a monitoring check."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from childshield.outbox.models import OutboxItem, OutboxState
from childshield.outbox.selectors import outbox_health

pytestmark = pytest.mark.django_db


def enqueue(key: str, *, due_minutes_ago: int) -> OutboxItem:
    """An item as the enqueue leaves it, its delivery not yet tried (no worker runs here)."""
    return OutboxItem.objects.create(
        kind="test.status",
        payload={},
        idempotency_key=key,
        next_attempt_at=timezone.now() - timedelta(minutes=due_minutes_ago),
    )


def status(*args: str) -> tuple[dict[str, int], int]:
    out = StringIO()
    try:
        call_command("outbox_status", *args, stdout=out)
    except SystemExit as exit_:
        return json.loads(out.getvalue()), int(exit_.code or 0)
    return json.loads(out.getvalue()), 0


def test_an_empty_outbox_is_healthy():
    assert status() == ({"pending": 0, "due": 0, "oldest_due_seconds": 0, "dead": 0}, 0)


def test_it_measures_the_lag_from_the_oldest_due_item_and_leaves_backoffs_out():
    enqueue("a", due_minutes_ago=3)
    enqueue("b", due_minutes_ago=1)
    enqueue("c", due_minutes_ago=-30)  # waiting out a retry's backoff: not late
    health = outbox_health()
    assert (health.pending, health.due, health.dead) == (3, 2, 0)
    assert 175 <= health.oldest_due_seconds <= 185
    assert status()[1] == 0


def test_it_alerts_when_an_item_waits_past_the_limit():
    enqueue("late", due_minutes_ago=12)
    said, code = status()
    assert code == 1 and said["due"] == 1
    assert status("--alert-after-minutes", "15")[1] == 0


def test_it_alerts_on_a_dead_letter():
    item = enqueue("dead", due_minutes_ago=0)
    OutboxItem.objects.filter(pk=item.pk).update(state=OutboxState.DEAD)
    said, code = status()
    assert code == 1 and said == {"pending": 0, "due": 0, "oldest_due_seconds": 0, "dead": 1}
