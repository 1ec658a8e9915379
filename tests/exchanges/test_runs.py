"""What holds for every exchange's runs: one at a time, none while switched off, a page limit per
run, the beat's choice of connections due, the command, and a member who may no longer add."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from childshield.accounts.models import Role
from childshield.exchanges.models import ExchangeConnection
from childshield.exchanges.runs import exchange_run
from childshield.exchanges.selectors import connections_due
from childshield.exchanges.services import connection_set_enabled
from childshield.exchanges.tasks import exchanges_due
from childshield.hashing.models import HashEntry
from tests.exchanges.conftest import connect, reload
from tests.exchanges.fakes import random_pdq

pytestmark = pytest.mark.django_db


def test_a_connection_already_running_is_not_run_again(lead, bank, stopncii):
    stopncii.add(random_pdq())
    connection = connect(lead, bank, stopncii)
    ExchangeConnection.objects.filter(pk=connection.pk).update(
        running_until=timezone.now() + timedelta(minutes=30)
    )

    assert exchange_run(connection_id=connection.pk) is None
    assert stopncii.asked == []
    assert not HashEntry.objects.filter(bank=bank).exists()


def test_a_run_left_by_a_dead_worker_is_taken_over_once_its_lease_ends(lead, bank, stopncii):
    stopncii.add(random_pdq())
    connection = connect(lead, bank, stopncii)
    ExchangeConnection.objects.filter(pk=connection.pk).update(
        running_until=timezone.now() - timedelta(minutes=1)
    )

    outcome = exchange_run(connection_id=connection.pk)

    assert outcome is not None and outcome.imported == 1
    assert reload(connection).running_until is None


def test_a_switched_off_connection_does_not_run(lead, bank, stopncii):
    connection = connect(lead, bank, stopncii)
    connection_set_enabled(actor=lead, connection=connection, enabled=False)

    assert exchange_run(connection_id=connection.pk) is None
    assert connections_due() == []
    assert stopncii.asked == []


def test_a_run_reads_at_most_the_pages_allowed_and_the_next_run_goes_on(lead, bank, stopncii, settings):
    settings.EXCHANGES_PAGES_PER_RUN = 2
    values = {random_pdq() for _ in range(6)}  # three pages of two
    for value in values:
        stopncii.add(value)
    connection = connect(lead, bank, stopncii)

    first = exchange_run(connection_id=connection.pk)
    second = exchange_run(connection_id=connection.pk)

    assert first is not None and first.imported == 4
    assert second is not None and second.imported == 2
    live = HashEntry.objects.filter(bank=bank, removed_at__isnull=True).values_list("value", flat=True)
    assert set(live) == values


def test_the_beat_runs_connections_never_run_asked_to_run_or_past_their_interval(
    lead, bank, bank_b, stopncii
):
    fresh = connect(lead, bank, stopncii, name="fresh")
    recent = connect(lead, bank_b, stopncii, name="recent")
    ExchangeConnection.objects.filter(pk=recent.pk).update(last_run_at=timezone.now())
    assert connections_due() == [fresh.pk]

    ExchangeConnection.objects.filter(pk=recent.pk).update(run_requested_at=timezone.now())
    assert connections_due() == [fresh.pk, recent.pk]

    assert exchanges_due() == 2
    assert connections_due() == []
    later = timezone.now() + timedelta(minutes=61)
    assert connections_due(now=later) == [fresh.pk, recent.pk]


def test_a_member_who_may_no_longer_add_to_the_bank_stops_the_connection(lead, bank, stopncii):
    stopncii.add(random_pdq())
    connection = connect(lead, bank, stopncii)
    lead.role = Role.CASE_WORKER
    lead.save()

    outcome = exchange_run(connection_id=connection.pk)

    assert outcome is not None and outcome.error.startswith("The bank refused the hashes")
    assert not HashEntry.objects.filter(bank=bank).exists()


def test_the_command_runs_a_connection_by_name(lead, bank, stopncii, capsys):
    stopncii.add(random_pdq())
    connect(lead, bank, stopncii, name="StopNCII feed")

    call_command("run_exchange", "StopNCII feed")

    assert "imported 1" in capsys.readouterr().out
    with pytest.raises(CommandError, match="No connection"):
        call_command("run_exchange", "nothing of that name")


def test_the_command_fails_with_the_runs_error(lead, bank, stopncii):
    connect(
        lead,
        bank,
        stopncii,
        name="wrong keys",
        credentials={"subscription_key": "x", "fetch_function_key": "y"},
    )

    with pytest.raises(CommandError, match="refused the credentials"):
        call_command("run_exchange", "wrong keys")
