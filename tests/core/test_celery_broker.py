"""One task goes through the real Redis broker to a real worker (the rest of the suite runs tasks eagerly)."""

import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker

from childshield.accounts.tasks import send_email
from childshield.celery import app as celery_app
from childshield.core.health import broker_ok


@pytest.mark.skipif(
    not broker_ok(), reason="no broker answers at CELERY_BROKER_URL (Redis at 127.0.0.1:6379)"
)
def test_an_e_mail_task_travels_through_redis_to_a_worker(mailoutbox):
    assert celery_app.conf.broker_url.startswith("redis://")
    # A queue of its own, so a developer's running workers do not take the task.
    queue = f"test-{uuid.uuid4().hex}"
    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        with start_worker(
            celery_app, pool="solo", queues=[queue], perform_ping_check=False, shutdown_timeout=10
        ):
            result = send_email.apply_async(
                kwargs={
                    "subject": "Broker check",
                    "body": "Sent through Redis.",
                    "to": ["someone@example.org"],
                },
                queue=queue,
            )
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
