"""Delivering outbox items: at least once and never twice at once, retried with backoff, a dead letter
after the last attempt (the administrators told once), replayed, and the payload encrypted and purged."""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from childshield.audit.models import AuditEvent
from childshield.core import crypto
from childshield.outbox.backoff import retry_delay
from childshield.outbox.handlers import DeliveryFailed
from childshield.outbox.mail import message_id_for
from childshield.outbox.models import OutboxItem, OutboxState
from childshield.outbox.services import email_enqueue, outbox_enqueue, outbox_item_deliver, outbox_sweep

pytestmark = pytest.mark.django_db


def _raw_payload(item):
    with connection.cursor() as cursor:
        cursor.execute("SELECT payload FROM outbox_outboxitem WHERE id = %s", [item.pk])
        return cursor.fetchone()[0]


def _later(minutes):
    return timezone.now() + timedelta(minutes=minutes)


def test_the_payload_is_ciphertext_in_the_database_and_purged_once_delivered():
    with transaction.atomic():
        item = email_enqueue(
            subject="Your referral", body="Case C-1 is accepted.", to=["teacher@example.org"]
        )
    stored = _raw_payload(item)
    assert "teacher@example.org" not in stored and "referral" not in stored
    assert "teacher@example.org" in crypto.decrypt(stored)

    assert outbox_sweep() == 1
    assert _raw_payload(item) is None
    item.refresh_from_db()
    assert (item.state, item.payload, item.delivered_at is not None) == (OutboxState.DELIVERED, None, True)
    [message] = mail.outbox
    assert message.to == ["teacher@example.org"]
    assert message.extra_headers["Message-ID"] == message_id_for(item.idempotency_key)


def test_the_same_change_enqueued_twice_is_one_item_and_one_e_mail():
    with transaction.atomic():
        first = email_enqueue(
            subject="s", body="b", to=["a@example.org"], idempotency_key="referral-update-1"
        )
        second = email_enqueue(
            subject="s", body="b", to=["a@example.org"], idempotency_key="referral-update-1"
        )
    assert first.pk == second.pk
    outbox_sweep()
    assert len(mail.outbox) == 1


def test_an_item_of_a_kind_nobody_delivers_is_refused_with_its_change():
    with pytest.raises(ValueError, match="No outbox handler"), transaction.atomic():
        outbox_enqueue(kind="nobody.handles.this", payload={})


def test_a_change_rolled_back_leaves_nothing_to_deliver(flaky):
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        outbox_enqueue(kind=flaky.kind, payload={})
        1 / 0  # noqa: B018
    assert not OutboxItem.objects.exists()
    assert outbox_sweep() == 0


def test_a_failed_attempt_waits_longer_each_time_before_the_next(flaky, settings):
    settings.OUTBOX_BACKOFF_SECONDS = 60
    flaky.failing = True
    item = flaky.enqueue()
    assert outbox_sweep() == 0
    item.refresh_from_db()
    assert item.attempts == 1 and item.state == OutboxState.PENDING
    # Half a minute to a minute after the first failure: not yet due at once.
    assert outbox_sweep() == 0
    item.refresh_from_db()
    assert item.attempts == 1
    flaky.failing = False
    assert outbox_sweep(now=_later(2)) == 1
    assert flaky.delivered == [item.idempotency_key]
    # Waits double, with half of each random, up to a ceiling.
    for attempts, low, high in [(1, 30, 60), (2, 60, 120), (5, 480, 960), (30, 3 * 3600, 6 * 3600)]:
        wait = retry_delay(attempts).total_seconds()
        assert low <= wait <= high, (attempts, wait)


def test_a_handler_that_keeps_failing_becomes_a_dead_letter_and_the_administrators_hear_once(
    flaky, administrators, settings
):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    flaky.failing = True
    first, second = flaky.enqueue(), flaky.enqueue()
    for minutes in (0, 60, 600, 6000):
        outbox_sweep(now=_later(minutes))
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, first.attempts) == (OutboxState.DEAD, 3)
    assert second.state == OutboxState.DEAD
    # The error is recorded by its class: its message named the child's address.
    assert first.last_error == "RuntimeError"
    assert "child@example.org" in crypto.decrypt(_raw_payload(first))  # kept for the replay
    [alert] = mail.outbox
    assert alert.to == [administrators]
    assert "dead letter" in alert.body and "manage.py outbox_replay --id" in alert.body
    assert "child@example.org" not in alert.subject + alert.body
    # Nothing dead is tried again by itself.
    assert outbox_sweep(now=_later(60000)) == 0


def test_a_dead_letter_replayed_is_delivered_and_the_replay_is_audited(flaky, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    flaky.failing = True
    item = flaky.enqueue()
    delivered_already = flaky.enqueue()
    flaky.failing = False
    outbox_item_deliver(item_id=delivered_already.pk)
    flaky.failing = True
    outbox_sweep()
    item.refresh_from_db()
    assert item.state == OutboxState.DEAD

    flaky.failing = False
    call_command("outbox_replay", "--id", str(item.pk), "--id", str(delivered_already.pk))
    item.refresh_from_db()
    assert (item.state, item.attempts) == (OutboxState.PENDING, 0)
    assert AuditEvent.objects.filter(object_type="outbox.OutboxItem", object_id=str(item.pk)).exists()
    assert not AuditEvent.objects.filter(object_type="outbox.OutboxItem", object_id=str(delivered_already.pk))
    assert outbox_sweep() == 1
    assert flaky.delivered == [delivered_already.idempotency_key, item.idempotency_key]


def test_two_sweeps_never_deliver_one_item_twice(flaky):
    items = [flaky.enqueue() for _ in range(3)]
    inner_sweeps = []
    # Another sweep starts while one is in the middle of a delivery (and so on, inside that one).
    flaky.during = lambda: inner_sweeps.append(outbox_sweep())
    assert outbox_sweep() + sum(inner_sweeps) == 3
    assert sorted(flaky.delivered) == sorted(item.idempotency_key for item in items)
    assert OutboxItem.objects.filter(state=OutboxState.DELIVERED).count() == 3


def test_a_worker_that_died_holding_an_item_gives_it_back_when_its_lease_ends(flaky, settings):
    item = flaky.enqueue()
    # A worker took the item (the claim counts the attempt) and died before finishing.
    OutboxItem.objects.filter(pk=item.pk).update(attempts=1, locked_until=_later(5))
    assert outbox_sweep() == 0
    assert outbox_sweep(now=_later(6)) == 1
    item.refresh_from_db()
    assert (item.state, item.attempts) == (OutboxState.DELIVERED, 2)


def test_delivered_items_are_deleted_after_the_days_kept(flaky, settings):
    settings.OUTBOX_KEEP_DELIVERED_DAYS = 7
    old, recent = flaky.enqueue(), flaky.enqueue()
    outbox_sweep()
    OutboxItem.objects.filter(pk=old.pk).update(delivered_at=timezone.now() - timedelta(days=8))
    outbox_sweep()
    assert list(OutboxItem.objects.values_list("pk", flat=True)) == [recent.pk]


def test_a_mail_server_refusal_is_recorded_without_the_address(settings, monkeypatch):
    with transaction.atomic():
        item = email_enqueue(subject="s", body="b", to=["child@example.org"])

    def refuse(self, fail_silently=False):
        raise smtplib.SMTPRecipientsRefused({"child@example.org": (550, b"no such user child@example.org")})

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    outbox_sweep()
    item.refresh_from_db()
    assert item.last_error == "SMTPRecipientsRefused"
    assert item.state == OutboxState.PENDING and item.attempts == 1


def test_a_handler_may_give_a_reason_it_vouches_for(flaky):
    def refuse(*, payload, idempotency_key):
        raise DeliveryFailed("the platform answered 503")

    item = flaky.enqueue()
    from childshield.outbox import handlers

    handlers.unregister(flaky.kind)
    handlers.register(flaky.kind, refuse)
    outbox_sweep()
    item.refresh_from_db()
    assert item.last_error == "DeliveryFailed: the platform answered 503"
