"""One task goes through the real Redis broker to a real worker (the rest of the suite runs tasks eagerly)."""

import socket
import time

import pytest
from celery.contrib.testing.worker import start_worker

from childshield.accounts.tasks import send_email
from childshield.celery import app as celery_app

REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379


def _redis_answers() -> bool:
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.mark.skipif(not _redis_answers(), reason="no Redis answers at 127.0.0.1:6379")
def test_an_e_mail_task_travels_through_redis_to_a_worker(mailoutbox):
    saved = {key: celery_app.conf[key] for key in ("task_always_eager", "broker_url")}
    # A database of its own, so a developer's running workers do not take the task.
    celery_app.conf.update(task_always_eager=False, broker_url=f"redis://{REDIS_HOST}:{REDIS_PORT}/14")
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            result = send_email.delay(
                subject="Broker check", body="Sent through Redis.", to=["someone@example.org"]
            )
            assert result.id
            deadline = time.monotonic() + 15
            while not mailoutbox and time.monotonic() < deadline:
                time.sleep(0.05)
    finally:
        celery_app.conf.update(saved)
    assert [message.subject for message in mailoutbox] == ["Broker check"]
    assert mailoutbox[0].to == ["someone@example.org"]
