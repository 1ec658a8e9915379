"""The one match service: exact hashes, PDQ within 31 bits, switched-off banks, removals, records."""

import numpy as np
import pytest

from childshield.audit.models import AuditEvent
from childshield.core.errors import ApplicationError
from childshield.hashing import matching, services, tasks
from childshield.hashing.models import Algorithm, HashEntry, MatchChannel, MatchRecord

from .conftest import flip_bits, random_pdq

Q = services.HashQuery


def add(analyst, bank, algorithm, value, quality=None, capture=None):
    return services.entry_add(actor=analyst, bank=bank, algorithm=algorithm, value=value, quality=quality)


def run_match(bank, *queries):
    return services.hashes_match(
        queries=list(queries), bank_ids=[bank.pk], channel=MatchChannel.SERVICE, agency=None
    )


def test_pdq_matches_within_31_bits_with_the_distance_and_not_at_32(analyst, bank):
    rng = np.random.default_rng(1)
    value = random_pdq(rng)
    entry = add(analyst, bank, Algorithm.PDQ, value, quality=90)
    near, far = flip_bits(value, 31, rng), flip_bits(value, 32, rng)
    [hit, miss] = run_match(bank, Q("pdq", near), Q("pdq", far))
    assert hit.status == "matched"
    assert [(m.entry_id, m.distance) for m in hit.matches] == [(entry.pk, 31)]
    assert miss.status == "no_match"
    assert miss.matches == []


def test_md5_and_sha256_match_exactly_and_ignore_case(analyst, bank):
    md5 = add(analyst, bank, Algorithm.MD5, "0123456789ABCDEF0123456789abcdef")
    sha = add(analyst, bank, Algorithm.SHA256, "ab" * 32)
    results = run_match(
        bank, Q("md5", "0123456789abcdef0123456789ABCDEF"), Q("sha256", "AB" * 32), Q("md5", "0" * 32)
    )
    assert [r.status for r in results] == ["matched", "matched", "no_match"]
    assert results[0].matches[0].entry_id == md5.pk
    assert results[1].matches[0].entry_id == sha.pk


def test_low_quality_pdq_queries_are_not_looked_up(analyst, bank):
    value = random_pdq(np.random.default_rng(2))
    add(analyst, bank, Algorithm.PDQ, value, quality=80)
    [result] = run_match(bank, Q("pdq", value, quality=49))
    assert result.status == "low_quality"
    assert result.matches == []


def test_low_quality_pdq_hashes_cannot_enter_a_bank(analyst, bank):
    with pytest.raises(ApplicationError, match="under 50"):
        add(analyst, bank, Algorithm.PDQ, random_pdq(np.random.default_rng(3)), quality=30)


def test_a_removed_hash_stops_matching_and_stays_as_a_tombstone(
    analyst, bank, django_capture_on_commit_callbacks
):
    value = random_pdq(np.random.default_rng(4))
    entry = add(analyst, bank, Algorithm.PDQ, value, quality=90)
    assert run_match(bank, Q("pdq", value))[0].status == "matched"
    with django_capture_on_commit_callbacks(execute=True):
        services.entry_remove(actor=analyst, entry=entry, reason="false positive")
    assert run_match(bank, Q("pdq", value))[0].status == "no_match"
    entry.refresh_from_db()
    assert entry.removed_at is not None
    assert entry.removal_reason == "false positive"
    assert len(matching.match_index()) == 0


def test_a_switched_off_bank_does_not_match(analyst, lead, bank):
    value = random_pdq(np.random.default_rng(5))
    add(analyst, bank, Algorithm.PDQ, value, quality=90)
    services.bank_set_enabled(actor=lead, bank=bank, enabled=False)
    assert run_match(bank, Q("pdq", value))[0].status == "no_match"


def test_an_analyst_cannot_switch_a_bank_off(analyst, bank):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.bank_set_enabled(actor=analyst, bank=bank, enabled=False)


def test_another_agencys_analyst_cannot_add_to_the_bank(other_analyst, bank):
    with pytest.raises(ApplicationError, match="another agency"):
        add(other_analyst, bank, Algorithm.MD5, "1" * 32)


def test_each_lookup_is_recorded_with_hash_and_result_only(analyst, bank):
    entry = add(analyst, bank, Algorithm.MD5, "2" * 32)
    services.hashes_match(
        queries=[Q("md5", "2" * 32), Q("md5", "3" * 32)],
        bank_ids=[bank.pk],
        channel=MatchChannel.API,
        agency=analyst.agency,
    )
    records = list(MatchRecord.objects.order_by("pk"))
    assert [(r.value, r.matched) for r in records] == [("2" * 32, True), ("3" * 32, False)]
    assert records[0].result == [{"entry": entry.pk, "bank": bank.pk, "distance": 0}]
    assert AuditEvent.objects.filter(object_type="hashing.MatchRecord").exists()


def test_malformed_hashes_are_refused_with_their_position(bank):
    with pytest.raises(ApplicationError) as caught:
        run_match(bank, Q("md5", "1" * 32), Q("pdq", "xyz"))
    assert caught.value.extra == {"index": 1}
    with pytest.raises(ApplicationError, match="Unknown algorithm"):
        run_match(bank, Q("crc32", "1" * 8))


def test_the_sync_task_brings_a_running_index_up_to_date(analyst, bank, django_capture_on_commit_callbacks):
    rng = np.random.default_rng(6)
    first = random_pdq(rng)
    add(analyst, bank, Algorithm.PDQ, first, quality=90)
    index = matching.match_index()  # a worker's index, loaded now
    assert len(index) == 1
    second = random_pdq(rng)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        add(analyst, bank, Algorithm.PDQ, second, quality=90)
    assert len(callbacks) == 1  # the task was sent, after the commit
    assert matching.match_index() is index and len(index) == 2
    assert tasks.index_sync() == 0  # nothing left to apply


def test_adding_the_same_live_hash_twice_is_refused(analyst, bank):
    add(analyst, bank, Algorithm.MD5, "4" * 32)
    with pytest.raises(ApplicationError, match="already in the bank"):
        add(analyst, bank, Algorithm.MD5, "4" * 32)
    assert HashEntry.objects.count() == 1
