"""One match index per host: written once by `manage.py match_index`, mapped by every process, kept
current in each by a small overlay of the history since."""

import json

import numpy as np
import pytest
from django.core.management import call_command

from childshield.hashing import index_files, matching, services
from childshield.hashing.index import PdqIndex, hashes_from_hex
from childshield.hashing.models import Algorithm, ChangeKind, HashChange, HashEntry, MatchChannel

from .conftest import flip_bits, random_pdq


@pytest.fixture
def host_dir(settings, tmp_path):
    settings.HASHING_INDEX_DIR = str(tmp_path / "match-index")
    return tmp_path / "match-index"


def add(analyst, bank, value):
    return services.entry_add(actor=analyst, bank=bank, algorithm=Algorithm.PDQ, value=value, quality=90)


def matched(bank, value):
    [result] = services.hashes_match(
        queries=[services.HashQuery(Algorithm.PDQ, value)],
        bank_ids=[bank.pk],
        channel=MatchChannel.SERVICE,
        agency=None,
    )
    return [m.entry_id for m in result.matches]


def test_a_worker_maps_the_hosts_index_and_keeps_later_changes_in_its_overlay(analyst, bank, host_dir):
    rng = np.random.default_rng(30)
    kept, dropped = add(analyst, bank, random_pdq(rng)), add(analyst, bank, random_pdq(rng))
    call_command("match_index", verbosity=0)
    generation = index_files.current_name(host_dir)

    index = matching.match_index()
    assert index.generation == generation  # mapped, not built here
    assert index.overlay_size == 0 and len(index) == 2

    later = add(analyst, bank, random_pdq(rng))
    services.entry_remove(actor=analyst, entry=dropped, reason="false positive")
    assert matched(bank, flip_bits(kept.value, 12, rng)) == [kept.pk]
    assert matched(bank, flip_bits(later.value, 12, rng)) == [later.pk]
    assert matched(bank, dropped.value) == []
    assert index.overlay_size == 2  # one added, one removed: the mapped files are never written
    assert index_files.current_name(host_dir) == generation


def test_a_new_generation_is_mapped_at_the_next_match_with_an_empty_overlay(analyst, bank, host_dir):
    rng = np.random.default_rng(31)
    add(analyst, bank, random_pdq(rng))
    call_command("match_index", verbosity=0)
    index = matching.match_index()
    first = index.generation
    later = add(analyst, bank, random_pdq(rng))
    assert matched(bank, later.value) == [later.pk]
    assert index.overlay_size == 1

    call_command("match_index", verbosity=0)
    assert matched(bank, later.value) == [later.pk]
    assert index.generation not in {None, first}
    assert index.overlay_size == 0
    assert [path.name for path in host_dir.iterdir() if path.name.startswith("gen-")] == [index.generation]


def test_the_indexer_writes_again_only_when_the_history_has_moved_far_enough(
    analyst, bank, host_dir, settings
):
    rng = np.random.default_rng(32)
    add(analyst, bank, random_pdq(rng))
    call_command("match_index", "--if-behind", verbosity=0)
    first = index_files.current_name(host_dir)
    assert first is not None
    settings.HASHING_INDEX_REBUILD_AFTER = 3
    add(analyst, bank, random_pdq(rng))
    call_command("match_index", "--if-behind", verbosity=0)
    assert index_files.current_name(host_dir) == first
    for _ in range(2):
        add(analyst, bank, random_pdq(rng))
    call_command("match_index", "--if-behind", verbosity=0)
    assert index_files.current_name(host_dir) != first


def test_files_written_from_another_database_are_not_used(analyst, bank, host_dir):
    rng = np.random.default_rng(33)
    entry = add(analyst, bank, random_pdq(rng))
    call_command("match_index", verbosity=0)
    name = index_files.current_name(host_dir)
    meta = host_dir / name / "meta.json"
    meta.write_text(
        json.dumps({**json.loads(meta.read_text()), "fingerprint": "1 2020-01-01T00:00:00+00:00"})
    )

    index = matching.match_index()
    assert index.generation is None  # built from this database instead
    assert matched(bank, entry.value) == [entry.pk]


def test_without_files_yet_a_worker_builds_its_own_index(analyst, bank, host_dir):
    entry = add(analyst, bank, random_pdq(np.random.default_rng(34)))
    assert matched(bank, entry.value) == [entry.pk]
    assert matching.match_index().generation is None
    call_command("match_index", verbosity=0)
    assert matching.match_index().generation == index_files.current_name(host_dir)


def test_a_transaction_still_in_flight_when_the_files_were_written_still_reaches_each_worker(bank, host_dir):
    def add_raw(value, change_id):
        entry = HashEntry.objects.create(bank=bank, algorithm=Algorithm.PDQ, value=value, quality=90)
        HashChange.objects.create(pk=change_id, bank=bank, entry=entry, kind=ChangeKind.ADDED)
        return entry

    rng = np.random.default_rng(35)
    add_raw(random_pdq(rng), 2000)
    add_raw(random_pdq(rng), 2002)  # 2001 belongs to an import that has not committed yet
    call_command("match_index", verbosity=0)
    index = matching.match_index()
    assert index.generation is not None and index.cursor.waiting(2001)

    late = add_raw(random_pdq(rng), 2001)
    assert matched(bank, late.value) == [late.pk]
    assert not index.cursor.waiting(2001)


def test_a_mapped_index_answers_as_the_index_it_was_saved_from_and_refuses_changes(tmp_path):
    rng = np.random.default_rng(36)
    values = [random_pdq(rng) for _ in range(500)]
    original = PdqIndex.build(hashes_from_hex(values), rng.permutation(10**6)[:500])
    original.remove([int(original.search(hashes_from_hex(values[:1])).ids[0])])
    original.save(tmp_path / "index")
    mapped = PdqIndex.open_mapped(tmp_path / "index")

    queries = hashes_from_hex([flip_bits(value, 20, rng) for value in values[:100]] + values[100:200])
    expected, found = original.search(queries), mapped.search(queries)
    assert found.ids.tolist() == expected.ids.tolist() and len(found.ids) == 199
    assert found.distances.tolist() == expected.distances.tolist()
    assert len(mapped) == 499
    with pytest.raises(ValueError, match="read-only"):
        mapped.add([10**7], hashes_from_hex(values[:1]))
    with pytest.raises(ValueError, match="read-only"):
        mapped.remove([int(found.ids[0])])


def test_the_hosts_index_files_are_not_readable_by_other_users(analyst, bank, host_dir):
    add(analyst, bank, random_pdq(np.random.default_rng(37)))
    call_command("match_index", verbosity=0)
    generation = host_dir / index_files.current_name(host_dir)
    for path in [generation, *generation.rglob("*")]:
        assert path.stat().st_mode & 0o007 == 0, path


def test_a_worker_warms_up_by_mapping_the_files_and_never_by_building_an_index(analyst, bank, host_dir):
    entry = add(analyst, bank, random_pdq(np.random.default_rng(38)))
    assert matching.warm() is None  # no files yet: the first match will build, not the worker's boot
    call_command("match_index", verbosity=0)
    matching.forget_index()
    warmed = matching.warm()
    assert warmed is not None and warmed.generation == index_files.current_name(host_dir)
    assert warmed.present([entry.pk]) == {entry.pk}
