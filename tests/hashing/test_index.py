"""The PDQ index returns exactly what brute force returns, for random and for adversarial banks."""

import numpy as np
import pytest

from childshield.hashing.index import Layout, PdqIndex, brute_force, hashes_from_hex, hashes_to_hex

MAX = np.iinfo(np.uint64).max


def random_hashes(rng, n):
    return rng.integers(0, MAX, size=(n, 4), dtype=np.uint64, endpoint=True)


def flip(hashes, bits):
    """Flip the given bit positions (0 = top bit of the first word) in every row."""
    out = hashes.copy()
    for bit in bits:
        out[:, bit // 64] ^= np.uint64(1) << np.uint64(63 - bit % 64)
    return out


def flip_random(rng, hashes, counts):
    out = hashes.copy()
    for row, count in enumerate(counts):
        out[row : row + 1] = flip(out[row : row + 1], rng.choice(256, size=int(count), replace=False))
    return out


def same(found, expected):
    assert found.query.tolist() == expected.query.tolist()
    assert found.ids.tolist() == expected.ids.tolist()
    assert found.distances.tolist() == expected.distances.tolist()


@pytest.mark.parametrize("bits", [None, 8, 11, 16, 21])
@pytest.mark.parametrize("seed", [1, 2])
def test_random_bank_answers_equal_brute_force(seed, bits):
    rng = np.random.default_rng(seed)
    bank = random_hashes(rng, 3000)
    ids = rng.permutation(10**6)[:3000]
    sources = bank[rng.integers(0, len(bank), size=300)]
    queries = np.concatenate(
        [flip_random(rng, sources, rng.integers(0, 45, size=len(sources))), random_hashes(rng, 50)]
    )
    index = PdqIndex.build(bank, ids, bits=bits)
    expected = brute_force(bank, ids, queries)
    assert len(expected.ids) > 200  # the test exercises many real matches
    same(index.search(queries), expected)


def adversarial_queries(layout, rng, centre):
    """Queries at distance exactly r (found through one substring only) and r + 1 from `centre`."""
    queries = []
    for lucky in range(layout.count):
        chosen = []
        for table, radius in enumerate(layout.radii):
            flips = radius + 1 if table != lucky else max(radius, 0)
            chosen += list(table * layout.bits + rng.choice(layout.bits, size=flips, replace=False))
        queries.append(flip(centre, chosen))
        every = chosen + [int(table * layout.bits + layout.bits - 1) for table in [lucky]]
        queries.append(flip(centre, sorted(set(every))))
    return np.concatenate(queries)


@pytest.mark.parametrize("bits", [None, 16, 21])
def test_adversarial_bank_returns_entries_at_exactly_31_and_never_32(bits):
    rng = np.random.default_rng(7)
    centre = random_hashes(rng, 1)
    layout = PdqIndex.build(centre, bits=bits).layout
    # a tight family around the centre fills the same buckets again and again
    family = flip_random(rng, np.repeat(centre, 2000, axis=0), rng.integers(0, 8, size=2000))
    bank = np.concatenate([centre, family, random_hashes(rng, 1000)])
    ids = np.arange(len(bank)) * 3 + 5
    queries = np.concatenate([adversarial_queries(layout, rng, centre), family[:50]])
    to_centre = brute_force(centre, np.array([5]), queries, radius=256).distances.tolist()
    assert {31, 32} <= set(to_centre)
    index = PdqIndex.build(bank, ids, bits=bits)
    expected = brute_force(bank, ids, queries)
    found = index.search(queries)
    same(found, expected)
    # the centre (id 5) is found from each query at distance 31, and from none at distance 32
    distances_to_centre = [
        int(d) for q, i, d in zip(found.query, found.ids, found.distances, strict=True) if i == 5
    ]
    assert 31 in distances_to_centre
    assert 32 not in found.distances.tolist()


def test_a_bank_of_identical_hashes_is_answered_in_full():
    rng = np.random.default_rng(3)
    bank = np.repeat(random_hashes(rng, 1), 500, axis=0)
    index = PdqIndex.build(bank, bits=16)
    found = index.search(flip(bank[:1], [0, 100, 200]))
    assert found.ids.tolist() == list(range(500))
    assert set(found.distances.tolist()) == {3}


def test_additions_and_removals_are_searched_without_a_rebuild_and_after_merging():
    rng = np.random.default_rng(4)
    bank = random_hashes(rng, 2000)
    index = PdqIndex.build(bank[:1000], np.arange(1000), bits=16, merge_threshold=300)
    live = dict(enumerate(bank[:1000]))
    queries = flip_random(rng, bank[rng.integers(0, 2000, size=200)], rng.integers(0, 35, size=200))
    for step in range(5):
        start = 1000 + step * 200
        index.add(list(range(start, start + 200)), bank[start : start + 200])
        live.update(zip(range(start, start + 200), bank[start : start + 200], strict=True))
        gone = [int(i) for i in rng.choice(list(live), size=60, replace=False)]
        assert index.remove(gone) == 60
        for i in gone:
            del live[i]
        ids = np.array(sorted(live))
        same(index.search(queries), brute_force(np.array([live[i] for i in ids]), ids, queries))
        assert len(index) == len(live)


def test_adding_an_id_already_present_is_refused():
    rng = np.random.default_rng(5)
    index = PdqIndex.build(random_hashes(rng, 10), np.arange(10))
    with pytest.raises(ValueError, match="already"):
        index.add([3], random_hashes(rng, 1))


def test_a_smaller_radius_is_exact_too():
    rng = np.random.default_rng(6)
    bank = random_hashes(rng, 2000)
    queries = flip_random(rng, bank[:300], rng.integers(0, 20, size=300))
    for radius in (0, 5, 12):
        index = PdqIndex.build(bank, radius=radius, bits=16)
        same(index.search(queries), brute_force(bank, np.arange(2000), queries, radius))


def test_layouts_cover_the_radius_by_the_pigeonhole_principle():
    for radius in (0, 10, 31, 40):
        for bits in range(8, 25):
            layout = Layout.for_radius(radius, bits)
            assert sum(t + 1 for t in layout.radii) > radius
            assert layout.count * bits <= 256


def test_ten_million_hashes_get_a_layout_within_128_bytes_per_hash():
    layout = Layout.choose(31, 10_000_000)
    used = sum(1 for t in layout.radii if t >= 0)
    bytes_per_hash = 32 + 8 + 1 + used * 4 + used * (1 << layout.bits) * 4 / 10_000_000
    assert bytes_per_hash <= 128


def test_hex_round_trips_and_bad_hex_is_refused():
    value = "f" * 8 + "0123456789abcdef" * 3 + "0" * 8
    assert hashes_to_hex(hashes_from_hex([value])) == [value]
    with pytest.raises(ValueError, match="64 hex digits"):
        hashes_from_hex(["abc"])
    with pytest.raises(ValueError, match="not hexadecimal"):
        hashes_from_hex(["z" * 64])


def test_changes_made_while_the_tables_are_rebuilt_are_carried_over():
    rng = np.random.default_rng(8)
    bank = random_hashes(rng, 1700)
    index = PdqIndex.build(bank[:1000], np.arange(1000), bits=16, merge_threshold=10**9)
    index.add(list(range(1000, 1500)), bank[1000:1500])
    rebuild = index._freeze
    replacement = random_hashes(rng, 1)

    def rebuild_while_others_write(hashes, ids):
        fresh = rebuild(hashes, ids)
        if len(ids) == 1500:  # the fold, not the builds it triggers
            # what other threads do while the tables are being built
            index.add(list(range(1500, 1600)), bank[1500:1600])
            index.remove([3, 1200, 1550, 7])
            index.add([7], replacement)
        return fresh

    index._freeze = rebuild_while_others_write
    index.merge()
    live = {i: bank[i] for i in range(1600) if i not in {3, 7, 1200, 1550}}
    live[7] = replacement[0]
    ids = np.array(sorted(live))
    hashes = np.array([live[i] for i in ids])
    queries = np.concatenate([flip_random(rng, bank[:1700:5], rng.integers(0, 33, size=340)), replacement])
    same(index.search(queries), brute_force(hashes, ids, queries))
    assert len(index) == len(live)
