"""Two workers sweeping at the same instant on real connections: each item is delivered by one of them."""

import threading

import pytest
from django.db import connection, connections, transaction

from childshield.outbox import handlers
from childshield.outbox.models import OutboxItem, OutboxState
from childshield.outbox.services import outbox_enqueue, outbox_sweep

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]


def test_two_simultaneous_sweeps_deliver_each_item_once():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs concurrent connections")
    delivered: list[str] = []
    lock = threading.Lock()

    def record(*, payload, idempotency_key):
        with lock:
            delivered.append(idempotency_key)

    handlers.register("test.race", record)
    try:
        with transaction.atomic():
            keys = [outbox_enqueue(kind="test.race", payload={"n": n}).idempotency_key for n in range(60)]
        # The kicks above ran eagerly at commit; put the items back as if the broker had been down.
        OutboxItem.objects.update(state=OutboxState.PENDING, attempts=0, payload={"n": 0})
        delivered.clear()
        start = threading.Barrier(2)

        def sweep() -> None:
            try:
                start.wait()
                outbox_sweep()
            finally:
                connections.close_all()

        threads = [threading.Thread(target=sweep) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        handlers.unregister("test.race")
    assert sorted(delivered) == sorted(keys)
    assert OutboxItem.objects.filter(state=OutboxState.DELIVERED).count() == 60
