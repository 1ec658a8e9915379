"""StopNCII through its fake: hashes imported into a bank (and found by matching), withdrawn ones
taken out, the bank's new hashes sent, a round trip between two banks, checkpoints, failures."""

import pytest

from childshield.exchanges.runs import exchange_run
from childshield.hashing import services as hashing
from childshield.hashing.models import Algorithm, HashEntry, HashImport
from tests.exchanges.conftest import bank_with_pdq, connect, live_values, matched, reload
from tests.exchanges.fakes import random_pdq

pytestmark = pytest.mark.django_db


def test_an_import_puts_the_exchanges_pdq_hashes_in_the_bank_where_matching_finds_them(lead, bank, stopncii):
    values = [random_pdq() for _ in range(5)]
    for value in values:
        stopncii.add(value)
    stopncii.add("ab" * 16, signal_type="VideoMD5")  # not a picture's PDQ: left alone
    connection = connect(lead, bank, stopncii)

    outcome = exchange_run(connection_id=connection.pk)

    assert outcome is not None and outcome.error == "" and outcome.imported == 5
    assert live_values(bank) == set(values)
    assert all(matched(bank, value) for value in values)
    assert HashImport.objects.filter(bank=bank, added=5).exists()  # the bank's imports list it
    connection = reload(connection)
    assert connection.imported_total == 5 and connection.last_error == "" and connection.last_success_at


def test_a_hash_the_exchange_withdraws_leaves_the_bank(lead, bank, stopncii):
    kept, withdrawn = random_pdq(), random_pdq()
    stopncii.add(kept)
    stopncii.add(withdrawn)
    connection = connect(lead, bank, stopncii)
    exchange_run(connection_id=connection.pk)

    stopncii.add(withdrawn, status="Withdrawn")
    outcome = exchange_run(connection_id=connection.pk)

    assert outcome is not None and outcome.removed == 1
    assert live_values(bank) == {kept}
    assert not matched(bank, withdrawn)


def test_a_withdrawal_leaves_a_hash_the_hotline_had_added_itself(lead, bank, stopncii):
    own = random_pdq()
    hashing.entry_add(actor=lead, bank=bank, algorithm=Algorithm.PDQ, value=own)
    stopncii.add(own)
    connection = connect(lead, bank, stopncii)
    exchange_run(connection_id=connection.pk)

    stopncii.add(own, status="Deleted")
    exchange_run(connection_id=connection.pk)

    assert live_values(bank) == {own}


def test_an_export_sends_exactly_the_banks_pdq_hashes(lead, bank, stopncii):
    values = sorted(bank_with_pdq(lead, bank, 3))
    hashing.entry_add(actor=lead, bank=bank, algorithm=Algorithm.MD5, value="cd" * 16)
    gone = hashing.entry_add(actor=lead, bank=bank, algorithm=Algorithm.PDQ, value=random_pdq())
    hashing.entry_remove(actor=lead, entry=gone, reason="A mistake.")
    connection = connect(lead, bank, stopncii, imports=False, exports=True)

    outcome = exchange_run(connection_id=connection.pk)

    assert outcome is not None and outcome.error == "" and outcome.exported == 3
    assert sorted(record["hashValue"] for record in stopncii.submitted) == values
    assert {record["signalType"] for record in stopncii.submitted} == {"ImagePDQ"}
    # Only what was added since is sent next time.
    newer = random_pdq()
    hashing.entry_add(actor=lead, bank=bank, algorithm=Algorithm.PDQ, value=newer)
    exchange_run(connection_id=connection.pk)
    assert [record["hashValue"] for record in stopncii.submitted[3:]] == [newer]
    assert reload(connection).exported_total == 4


def test_a_bank_exported_to_the_exchange_and_imported_from_it_into_another_bank_has_the_same_hashes(
    lead, bank, bank_b, stopncii
):
    values = bank_with_pdq(lead, bank, 4)
    sender = connect(lead, bank, stopncii, name="send", imports=False, exports=True)
    receiver = connect(lead, bank_b, stopncii, name="receive")

    exchange_run(connection_id=sender.pk)
    exchange_run(connection_id=receiver.pk)

    assert live_values(bank_b) == live_values(bank) == values


def test_what_the_exchange_sent_is_not_sent_back(lead, bank, stopncii):
    from_exchange = random_pdq()
    stopncii.add(from_exchange)
    connection = connect(lead, bank, stopncii, exports=True)
    exchange_run(connection_id=connection.pk)
    own = random_pdq()
    hashing.entry_add(actor=lead, bank=bank, algorithm=Algorithm.PDQ, value=own)

    exchange_run(connection_id=connection.pk)

    assert [record["hashValue"] for record in stopncii.submitted] == [own]


def test_the_next_run_asks_from_the_checkpoint_and_adds_only_what_is_new(lead, bank, stopncii):
    first = [random_pdq() for _ in range(3)]
    for value in first:
        stopncii.add(value)
    connection = connect(lead, bank, stopncii)
    exchange_run(connection_id=connection.pk)
    checkpoint = reload(connection).checkpoint
    asked_before = len(stopncii.asked)

    later = random_pdq()
    stopncii.add(later)
    outcome = exchange_run(connection_id=connection.pk)

    assert outcome is not None and outcome.imported == 1
    asked = stopncii.asked[asked_before:]
    assert [a.query["startTimestamp"] for a in asked] == [str(checkpoint["update_time"])]
    assert live_values(bank) == {*first, later}


def test_a_server_error_on_a_later_page_saves_nothing_and_keeps_the_checkpoint(lead, bank, stopncii):
    stopncii.add(random_pdq())
    connection = connect(lead, bank, stopncii)
    exchange_run(connection_id=connection.pk)
    checkpoint = reload(connection).checkpoint
    entries_before = HashEntry.objects.count()
    for _ in range(5):  # three pages of two
        stopncii.add(random_pdq())
    stopncii.fail_next(2)  # the first page answers, the second fails (and every retry of it)

    outcome = exchange_run(connection_id=connection.pk)

    connection = reload(connection)
    assert outcome is not None and "server errors" in outcome.error
    assert connection.last_error == outcome.error
    assert connection.checkpoint == checkpoint
    assert HashEntry.objects.count() == entries_before
    # The next run, with the server well again, takes all five.
    outcome = exchange_run(connection_id=connection.pk)
    assert outcome is not None and outcome.imported == 5 and reload(connection).last_error == ""


def test_refused_credentials_are_named_in_the_connections_error(lead, bank, stopncii):
    connection = connect(
        lead,
        bank,
        stopncii,
        credentials={"subscription_key": "wrong", "fetch_function_key": "wrong too"},
    )

    outcome = exchange_run(connection_id=connection.pk)

    assert outcome is not None and outcome.imported == 0
    assert "refused the credentials" in reload(connection).last_error
    assert "401" in reload(connection).last_error
