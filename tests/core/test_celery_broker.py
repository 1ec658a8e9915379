"""One outbox delivery goes through the real Redis broker to a real worker (the rest of the suite runs
tasks eagerly)."""

import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import transaction

from childshield.celery import app as celery_app
from childshield.core.health import broker_ok
from childshield.outbox.mail import message_id_for
from childshield.outbox.models import OutboxItem, OutboxState
from childshield.outbox.services import email_enqueue
from childshield.outbox.tasks import outbox_deliver


@pytest.mark.skipif(
    not broker_ok(), reason="no broker answers at CELERY_BROKER_URL (Redis at 127.0.0.1:6379)"
)
@pytest.mark.django_db(transaction=True)
def test_an_e_mail_travels_through_redis_to_a_worker(mailoutbox, monkeypatch):
    assert celery_app.conf.broker_url.startswith("redis://")
    # The worker must find the item committed, so the kick the enqueue makes is left out here.
    monkeypatch.setattr("childshield.outbox.kicks.kick", lambda task, *args: True)
    with transaction.atomic():
        item = email_enqueue(subject="Broker check", body="Sent through Redis.", to=["someone@example.org"])
    # A queue of its own, so a developer's running workers do not take the task.
    queue = f"test-{uuid.uuid4().hex}"
    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        with start_worker(
            celery_app, pool="solo", queues=[queue], perform_ping_check=False, shutdown_timeout=10
        ):
            result = outbox_deliver.apply_async(args=[item.pk], queue=queue)
            assert result.id
            deadline = time.monotonic() + 15
            while not mailoutbox and time.monotonic() < deadline:
                time.sleep(0.05)
    finally:
        celery_app.conf.task_always_eager = saved
        with celery_app.connection_for_write() as conn:
            conn.default_channel.queue_delete(queue)
    assert [message.subject for message in mailoutbox] == ["Broker check"]
    assert mailoutbox[0].to == ["someone@example.org"]
    assert mailoutbox[0].extra_headers["Message-ID"] == message_id_for(item.idempotency_key)
    assert OutboxItem.objects.get(pk=item.pk).state == OutboxState.DELIVERED
