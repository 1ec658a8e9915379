"""The banks a caller matches against: remembered between calls, dropped the moment they change."""

import re

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from childshield.hashing import scope, services
from childshield.hashing.models import Algorithm, BankSource, HashBank, HashEntry, SharingPolicy

from .conftest import random_pdq


def shape(sql):
    """What a statement does, to which table: values, times and savepoint and cursor names differ
    each time."""
    if sql.startswith("DECLARE"):
        # PostgreSQL's server-side cursor for QuerySet.iterator(): the query is what follows FOR.
        return "DECLARE " + shape(sql.partition(" FOR ")[2])
    if "SAVEPOINT" in sql:
        return sql.partition(' "')[0]
    return " ".join(re.match(r'(\w+)[^"]*"(\w+)"', sql).groups())


def match(client, value):
    response = client.post(
        "/api/v1/match/hashes/",
        {"hashes": [{"algorithm": "pdq", "value": value}]},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()["results"][0]["status"]


@pytest.fixture
def banked(analyst, bank):
    value = random_pdq(np.random.default_rng(20))
    services.entry_add(actor=analyst, bank=bank, algorithm=Algorithm.PDQ, value=value, quality=90)
    return value


def test_a_bank_no_longer_shared_stops_matching_at_the_next_call(platform, lead, bank, banked):
    assert match(platform, banked) == "matched"  # the key's banks are remembered now
    services.bank_set_sharing(actor=lead, bank=bank, sharing=SharingPolicy.NOT_SHARED)
    assert match(platform, banked) == "no_match"
    services.bank_set_sharing(actor=lead, bank=bank, sharing=SharingPolicy.ALL_PLATFORMS)
    assert match(platform, banked) == "matched"


def test_a_bank_shared_by_another_hotline_is_matched_at_the_next_call_of_a_signed_in_analyst(
    sign_in, analyst, make_member, other_hotline
):
    client = sign_in(analyst)
    value = random_pdq(np.random.default_rng(21))
    assert match(client, value) == "no_match"
    other_lead = make_member(email="other-lead@example.org", role="hotline_lead", agency=other_hotline)
    other_bank = services.bank_create(
        actor=other_lead,
        name="Partner list",
        source=BankSource.PARTNER_EXCHANGE,
        sharing=SharingPolicy.NOT_SHARED,
    )
    services.entry_add(actor=other_lead, bank=other_bank, algorithm=Algorithm.PDQ, value=value, quality=90)
    assert match(client, value) == "no_match"  # not shared: the partner's own
    services.bank_set_sharing(actor=other_lead, bank=other_bank, sharing=SharingPolicy.TRUSTED_PLATFORMS)
    assert match(client, value) == "matched"


def test_a_hash_added_or_removed_is_matched_so_at_the_platforms_next_call(platform, analyst, bank, banked):
    assert match(platform, banked) == "matched"  # this process's index is loaded and caught up
    added = random_pdq(np.random.default_rng(21))
    assert match(platform, added) == "no_match"
    services.entry_add(actor=analyst, bank=bank, algorithm=Algorithm.PDQ, value=added, quality=90)
    services.entry_remove(actor=analyst, entry=HashEntry.objects.get(value=banked), reason="a wrong entry")
    # the history's newest id read with the key takes both changes into the index before the search
    assert match(platform, added) == "matched"
    assert match(platform, banked) == "no_match"


def test_a_key_revoked_after_matching_is_refused_at_its_next_call(platform, platform_key, banked):
    assert match(platform, banked) == "matched"
    key, _secret = platform_key
    services.api_key_revoke(actor=key.created_by.memberships.get(), key=key)
    response = platform.post(
        "/api/v1/match/hashes/",
        {"hashes": [{"algorithm": "pdq", "value": banked}]},
        content_type="application/json",
    )
    assert response.status_code == 401


def test_a_change_made_outside_the_services_is_seen_within_the_time_limit(
    platform, bank, banked, monkeypatch
):
    clock = [1000.0]
    monkeypatch.setattr(scope.time, "monotonic", lambda: clock[0])
    assert match(platform, banked) == "matched"
    HashBank.objects.filter(pk=bank.pk).update(sharing=SharingPolicy.NOT_SHARED)  # no new version
    clock[0] += scope.SCOPE_TTL_SECONDS + 1
    assert match(platform, banked) == "no_match"


def test_a_one_hash_match_makes_the_same_few_queries_whatever_the_banks_hold(platform, analyst, bank):
    def queries_of_one_match():
        value = random_pdq(np.random.default_rng(22))
        with CaptureQueriesContext(connection) as captured:
            assert match(platform, value) == "no_match"
        return [query["sql"] for query in captured.captured_queries]

    services.entry_add(
        actor=analyst,
        bank=bank,
        algorithm=Algorithm.PDQ,
        value=random_pdq(np.random.default_rng(23)),
        quality=90,
    )
    queries_of_one_match()  # the key's banks are found and remembered
    few = queries_of_one_match()
    rng = np.random.default_rng(24)
    services.list_import(
        actor=analyst,
        bank=bank,
        text="".join(f"pdq,{random_pdq(rng)},90\n" for _ in range(3000)),
        fmt="signals",
    )
    queries_of_one_match()  # this process's index reads the 3,000 new hashes from the history
    assert [shape(sql) for sql in queries_of_one_match()] == [shape(sql) for sql in few]
    # One statement reads the key, the scope's version and the history's newest id; on PostgreSQL
    # one more writes the match's record and its audit event (elsewhere: two inserts in a savepoint).
    # No query reads or counts the entries. On PostgreSQL, history ids that transactions rolled back
    # elsewhere left unused are looked at again for a while (a server-side cursor, DECLARE): a
    # handful of ids, not the bank.
    expected = 2 if connection.vendor == "postgresql" else 5
    assert len([sql for sql in few if not sql.startswith("DECLARE")]) == expected, few
    assert not [sql for sql in few if "hashing_hashentry" in sql and not sql.startswith("DECLARE")]


def test_the_bank_list_counts_live_hashes_without_counting_entries(platform, analyst, bank, banked):
    entry = HashEntry.objects.get(value=banked)
    services.entry_add(actor=analyst, bank=bank, algorithm=Algorithm.MD5, value="5" * 32)
    with CaptureQueriesContext(connection) as captured:
        listed = platform.get("/api/v1/banks/").json()
    assert [(b["name"], b["live_entries"]) for b in listed] == [("Confirmed images", 2)]
    assert not [q["sql"] for q in captured.captured_queries if "hashing_hashentry" in q["sql"]]
    services.entry_remove(actor=analyst, entry=entry, reason="false positive")
    assert [b["live_entries"] for b in platform.get("/api/v1/banks/").json()] == [1]
