"""Two counsellors pressing "Claim" at the same instant, on real connections: one wins, the other is told."""

import threading

import pytest
from django.db import connection, connections

from childshield.helpline.models import QueueClaim
from childshield.helpline.services.queue import AlreadyClaimed, queue_claim

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]


def test_two_simultaneous_claims_make_one_holder(counsellor, second_counsellor, send_report):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs concurrent connections")
    report = send_report()
    start = threading.Barrier(2)
    outcomes: dict[int, str] = {}

    def claim(member) -> None:
        try:
            start.wait()
            queue_claim(acting=member, report=report)
            outcomes[member.pk] = "won"
        except AlreadyClaimed:
            outcomes[member.pk] = "told"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim, args=(member,)) for member in (counsellor, second_counsellor)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert sorted(outcomes.values()) == ["told", "won"]
    winner = next(pk for pk, outcome in outcomes.items() if outcome == "won")
    assert list(QueueClaim.objects.values_list("holder_id", flat=True)) == [winner]
