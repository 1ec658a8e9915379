"""A worker's match index never misses a hash whose transaction committed after a later one's."""

import secrets

from childshield.hashing import matching
from childshield.hashing.matching import HistoryCursor
from childshield.hashing.models import Algorithm, ChangeKind, HashChange, HashEntry


def _add(bank, value: str, *, change_id: int) -> HashEntry:
    entry = HashEntry.objects.create(bank=bank, algorithm=Algorithm.PDQ, value=value, quality=90)
    HashChange.objects.create(pk=change_id, bank=bank, entry=entry, kind=ChangeKind.ADDED)
    return entry


def _random_pdq() -> str:
    return secrets.token_hex(32)


def test_a_hash_committed_late_with_an_earlier_history_id_still_reaches_the_index(bank):
    first = _add(bank, _random_pdq(), change_id=1000)
    index = matching.match_index()
    assert index.present([first.pk]) == {first.pk}

    # Two imports ran at once: the one holding history id 1003 committed first...
    later = _add(bank, _random_pdq(), change_id=1003)
    matching.match_index()
    # ...and the one holding id 1001 committed after the worker had read up to 1003.
    late = _add(bank, _random_pdq(), change_id=1001)
    index = matching.match_index()

    assert index.present([first.pk, later.pk, late.pk]) == {first.pk, later.pk, late.pk}
    # 1002 never committed (a rolled-back import): it is still watched; the ids read are not.
    assert index.cursor.waiting(1002)
    assert not any(index.cursor.waiting(pk) for pk in (1000, 1001, 1003))


def test_the_cursor_forgets_an_id_once_it_is_read_and_reads_only_what_is_new():
    cursor = HistoryCursor()
    cursor.advance(5, {1, 2, 5})
    assert cursor.through == 5 and [(gap.first, gap.last) for gap in cursor.gaps] == [(3, 4)]
    cursor.advance(7, {4, 6, 7})
    assert cursor.through == 7 and [(gap.first, gap.last) for gap in cursor.gaps] == [(3, 3)]


def test_an_id_missing_for_longer_than_any_transaction_lasts_is_given_up(monkeypatch):
    cursor = HistoryCursor()
    clock = iter([0.0, matching.GAP_PATIENCE_SECONDS + 1])
    monkeypatch.setattr(matching.time, "monotonic", lambda: next(clock))
    cursor.advance(3, {1, 3})
    assert cursor.waiting(2)
    cursor.advance(4, {4})
    assert cursor.gaps == []


def test_an_import_in_flight_is_watched_as_one_run_of_ids_not_one_entry_each():
    cursor = HistoryCursor()
    cursor.advance(10, set(range(1, 11)))
    # Another transaction committed id 1,000,011 while an import holds the million ids before it.
    cursor.advance(1_000_011, {1_000_011})
    assert [(gap.first, gap.last) for gap in cursor.gaps] == [(11, 1_000_010)]
    # The import commits: its ids are read through the gap, which closes.
    cursor.advance(1_000_011, set(range(11, 1_000_011)))
    assert cursor.gaps == []
