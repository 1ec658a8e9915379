"""NCMEC through its fake: entries imported (their time ranges read to the end before the checkpoint
moves), deleted entries taken out by their id, failures; and no export (its client cannot send)."""

import pytest

from childshield.core.errors import ApplicationError
from childshield.exchanges.adapters import ncmec as ncmec_adapter
from childshield.exchanges.runs import exchange_run
from tests.exchanges.conftest import connect, live_values, matched, reload
from tests.exchanges.fakes import client_time_text, random_pdq

pytestmark = pytest.mark.django_db

T0 = 1_750_000_000


@pytest.fixture
def clock(monkeypatch):
    """The adapter's clock, moved by the test: a range ends a few seconds before "now"."""
    now = [T0]
    monkeypatch.setattr(ncmec_adapter, "now_seconds", lambda: now[0])
    return now


def test_an_import_takes_every_page_of_entries_into_the_bank(lead, bank, ncmec, clock):
    values = {random_pdq() for _ in range(5)}
    for offset, value in enumerate(values):
        ncmec.add(value, at=T0 - 1000 + offset)
    connection = connect(lead, bank, ncmec)

    outcome = exchange_run(connection_id=connection.pk)

    assert outcome is not None and outcome.error == "" and outcome.imported == 5
    assert live_values(bank) == values
    assert all(matched(bank, value) for value in values)
    assert reload(connection).checkpoint == {"from": T0 - ncmec_adapter.SETTLE_SECONDS}


def test_a_run_stopped_in_the_middle_of_a_range_finishes_it_first_next_time(
    lead, bank, ncmec, clock, settings
):
    settings.EXCHANGES_PAGES_PER_RUN = 2
    values = {random_pdq() for _ in range(5)}  # three pages of two
    for offset, value in enumerate(values):
        ncmec.add(value, at=T0 - 1000 + offset)
    connection = connect(lead, bank, ncmec)

    first = exchange_run(connection_id=connection.pk)
    checkpoint = reload(connection).checkpoint
    clock[0] = T0 + 600  # later: the range left open is still the one finished
    second = exchange_run(connection_id=connection.pk)

    assert first is not None and first.imported == 4
    assert checkpoint["from"] == 0 and checkpoint["to"] == T0 - ncmec_adapter.SETTLE_SECONDS
    assert "start=4" in checkpoint["next"]
    assert second is not None and second.imported == 1
    assert live_values(bank) == values
    assert reload(connection).checkpoint == {"from": T0 - ncmec_adapter.SETTLE_SECONDS}


def test_a_deleted_entry_takes_its_hash_out_and_the_next_run_reads_only_the_new_range(
    lead, bank, ncmec, clock
):
    kept, deleted = random_pdq(), random_pdq()
    ncmec.add(kept, at=T0 - 100)
    entry = ncmec.add(deleted, at=T0 - 90)
    connection = connect(lead, bank, ncmec)
    exchange_run(connection_id=connection.pk)
    asked_before = len(ncmec.asked)

    clock[0] = T0 + 60
    ncmec.delete(entry, at=T0 + 10)
    newer = random_pdq()
    ncmec.add(newer, at=T0 + 20)
    outcome = exchange_run(connection_id=connection.pk)

    assert outcome is not None and outcome.imported == 1 and outcome.removed == 1
    assert live_values(bank) == {kept, newer}
    [asked] = ncmec.asked[asked_before:]
    assert asked.query["from"] == client_time_text(T0 - ncmec_adapter.SETTLE_SECONDS)


def test_a_failure_in_the_middle_of_a_range_saves_nothing(lead, bank, ncmec, clock):
    for offset in range(5):
        ncmec.add(random_pdq(), at=T0 - 500 + offset)
    connection = connect(lead, bank, ncmec)
    ncmec.fail_next(3)

    outcome = exchange_run(connection_id=connection.pk)

    assert outcome is not None and outcome.error
    assert reload(connection).checkpoint == {}
    assert live_values(bank) == set()


def test_refused_credentials_are_named_in_the_connections_error(lead, bank, ncmec, clock):
    connection = connect(lead, bank, ncmec, credentials={"username": "someone", "password": "wrong"})

    exchange_run(connection_id=connection.pk)

    assert "refused the credentials (HTTP 401)" in reload(connection).last_error


def test_an_ncmec_connection_cannot_export(lead, bank, ncmec):
    with pytest.raises(ApplicationError, match="cannot send hashes"):
        connect(lead, bank, ncmec, exports=True)
