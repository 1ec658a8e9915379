"""The worker killed before a send and after it: every e-mail goes out, and a repeat carries the
same Message-ID (its idempotency key), so no one receives it twice."""

from pathlib import Path

import pytest

from childshield.accounts.models import User
from childshield.outbox.models import OutboxItem, OutboxState
from tests.fault.actions import ask_for_password_reset, message_ids
from tests.fault.mail_backends import CRASH_MARKER
from tests.fault.servers import AppServer, CeleryWorker, RedisServer, sweep_now, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]


def all_delivered() -> bool:
    return not OutboxItem.objects.exclude(state=OutboxState.DELIVERED).exists()


@pytest.fixture
def staff(db):
    return [User.objects.create_user(email=f"staff{n}@example.org", password="x" * 20) for n in range(3)]


def test_e_mails_asked_for_after_the_worker_was_killed_go_out_once_when_it_is_back(
    app_server: AppServer, redis_server: RedisServer, worker: CeleryWorker, mail_dir: Path, staff
):
    worker.start()
    worker.kill()
    client = app_server.client()
    for user in staff:
        ask_for_password_reset(client, user.email)
    assert OutboxItem.objects.filter(state=OutboxState.PENDING).count() == 3
    assert message_ids(mail_dir) == []

    worker.start()
    wait_for(lambda: len(message_ids(mail_dir)) == 3, seconds=60, what="three e-mails sent")
    sweep_now(redis_server)
    wait_for(all_delivered, seconds=30, what="every item recorded as delivered")
    ids = message_ids(mail_dir)
    assert len(ids) == 3 and len(set(ids)) == 3


@pytest.fixture
def crashing_worker(process_env, tmp_path: Path):
    marker = tmp_path / "crash-once"
    marker.touch()
    env = {
        **process_env,
        "EMAIL_BACKEND": "tests.fault.mail_backends.SendThenCrash",
        CRASH_MARKER: str(marker),
        # A lost worker's claim runs out quickly here (five minutes in production).
        "OUTBOX_LEASE_SECONDS": "2",
    }
    process = CeleryWorker(env)
    yield process, marker
    process.stop()


def test_a_worker_killed_after_sending_sends_again_with_the_same_message_id(
    app_server: AppServer, redis_server: RedisServer, crashing_worker, mail_dir: Path, staff
):
    worker, marker = crashing_worker
    worker.start()
    ask_for_password_reset(app_server.client(), staff[0].email)
    wait_for(lambda: not marker.exists(), seconds=60, what="the worker sending and dying")
    wait_for(lambda: not worker.running, seconds=30, what="the worker gone")
    assert len(message_ids(mail_dir)) == 1
    assert OutboxItem.objects.get().state == OutboxState.PENDING  # the send was never recorded

    worker.start()

    def resent() -> bool:
        sweep_now(redis_server)
        return all_delivered()

    wait_for(resent, seconds=60, what="the item sent again and recorded")
    ids = message_ids(mail_dir)
    assert len(ids) == 2 and len(set(ids)) == 1, ids
