"""ThreatExchange through its fake: a privacy group's PDQ updates imported, deleted ones taken out,
the bank's hashes uploaded as descriptors, a round trip, checkpoints, a refused token."""

import pytest

from childshield.exchanges.runs import exchange_run
from tests.exchanges.conftest import bank_with_pdq, connect, live_values, matched, reload
from tests.exchanges.fakes import FakeThreatExchange, random_pdq

pytestmark = pytest.mark.django_db


def test_an_import_takes_the_groups_pdq_updates_and_a_deletion_takes_one_out(lead, bank, threatexchange):
    updates = [threatexchange.add(random_pdq()) for _ in range(3)]
    threatexchange.add("ab" * 16, type="HASH_MD5")
    connection = connect(lead, bank, threatexchange)

    outcome = exchange_run(connection_id=connection.pk)
    assert outcome is not None and outcome.error == "" and outcome.imported == 3
    assert live_values(bank) == {update.value for update in updates}
    assert all(matched(bank, update.value) for update in updates)
    assert {asked.query.get("types") for asked in threatexchange.asked[:1]} == {"HASH_PDQ"}

    threatexchange.delete(updates[0])
    outcome = exchange_run(connection_id=connection.pk)
    assert outcome is not None and outcome.removed == 1
    assert live_values(bank) == {updates[1].value, updates[2].value}
    assert not matched(bank, updates[0].value)


def test_the_next_run_starts_from_the_newest_update_seen(lead, bank, threatexchange):
    for _ in range(3):
        threatexchange.add(random_pdq())
    connection = connect(lead, bank, threatexchange)
    exchange_run(connection_id=connection.pk)
    checkpoint = reload(connection).checkpoint
    asked_before = len(threatexchange.asked)

    newer = threatexchange.add(random_pdq())
    outcome = exchange_run(connection_id=connection.pk)

    assert outcome is not None and outcome.imported == 1
    assert threatexchange.asked[asked_before].query["start_time"] == str(checkpoint["update_time"])
    assert newer.value in live_values(bank)


def test_an_export_uploads_each_hash_to_the_privacy_group_and_another_bank_imports_them(
    lead, bank, bank_b, threatexchange
):
    values = bank_with_pdq(lead, bank, 3)
    sender = connect(lead, bank, threatexchange, name="send", imports=False, exports=True)
    receiver = connect(lead, bank_b, threatexchange, name="receive")

    outcome = exchange_run(connection_id=sender.pk)
    exchange_run(connection_id=receiver.pk)

    assert outcome is not None and outcome.exported == 3
    assert {upload["indicator"] for upload in threatexchange.state.uploaded} == values
    assert {upload["privacy_members"] for upload in threatexchange.state.uploaded} == {
        FakeThreatExchange.GROUP
    }
    assert live_values(bank_b) == values


def test_a_refused_token_is_named_in_the_connections_error(lead, bank, threatexchange):
    connection = connect(lead, bank, threatexchange, credentials={"access_token": "1234567890|" + "w" * 24})

    exchange_run(connection_id=connection.pk)

    assert "refused the credentials" in reload(connection).last_error
