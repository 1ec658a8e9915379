"""The in-memory PDQ match index: every entry within the radius of a query, exactly, with its distance.

Multi-index hashing. The 256 bits are cut into `m` substrings of `b` bits. If two hashes differ in
at most `r` bits, the generalised pigeonhole principle says that for any thresholds with
sum(t_i + 1) > r, at least one substring i differs in at most t_i bits. So each substring has a
table (a counting-sorted array of entry positions with one offset per possible key, i.e. a CSR
layout addressed directly by the key), a query probes every key within t_i bits of its own
substring in each table, and each candidate found is verified on all 256 bits. Nothing within the
radius can be missed; everything returned has been verified.

At ten million entries a probe and a verification are each a random memory access, so the design
is a choice of `b` that balances the number of probes (grows with b) against the number of
candidates (shrinks with b), under a memory budget. Queries are answered in vectorised batches:
one gather for all probes of a batch, one for the candidates, one popcount.

Changes are incremental: new entries go to a small delta that is searched by brute force and
folded into the tables once it passes `merge_threshold`; removed entries are tombstoned in place.

The tables can be written to a directory (`save`) and mapped back read-only (`open_mapped`), so
that every process on a host shares one copy in the page cache; a mapped index refuses changes.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

PDQ_BITS = 256
DEFAULT_RADIUS = 31
WORDS = 4  # a hash is four big-endian 64-bit words

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
U32 = npt.NDArray[np.uint32]


def hashes_from_hex(values: Sequence[str]) -> U64:
    """64-hex-digit PDQ hashes as an (n, 4) array of words; raises ValueError on a malformed one."""
    raw = bytearray()
    for number, value in enumerate(values):
        if len(value) != 64:
            raise ValueError(f"hash {number}: expected 64 hex digits, got {len(value)}")
        try:
            raw += bytes.fromhex(value)
        except ValueError:
            raise ValueError(f"hash {number}: not hexadecimal") from None
    return np.frombuffer(bytes(raw), dtype=">u8").astype(np.uint64).reshape(-1, WORDS)


def hashes_to_hex(hashes: U64) -> list[str]:
    data = np.ascontiguousarray(hashes, dtype=np.uint64).astype(">u8").tobytes()
    return [data[i : i + 32].hex() for i in range(0, len(data), 32)]


def hamming(a: U64, b: U64) -> npt.NDArray[np.int64]:
    """Row-wise Hamming distance between two broadcastable arrays of hashes."""
    x = np.bitwise_count(np.bitwise_xor(a, b))
    # four explicit adds beat a reduction along a short axis
    return x[..., 0].astype(np.int64) + x[..., 1].astype(np.int64) + x[..., 2].astype(np.int64) + x[..., 3]


def pdq_distance(a: str, b: str) -> int:
    """The Hamming distance between two PDQ hashes written in hex."""
    pair = hashes_from_hex([a, b])
    return int(np.bitwise_count(pair[0] ^ pair[1]).sum())


@dataclass(frozen=True)
class Layout:
    """How the 256 bits are cut: `count` substrings of `bits` bits, probed within `radii[i]` bits."""

    bits: int
    radii: tuple[int, ...]  # -1 means the table is not needed for this radius

    @property
    def count(self) -> int:
        return len(self.radii)

    def probes_per_query(self) -> int:
        return sum(_ball_size(self.bits, t) for t in self.radii if t >= 0)

    @classmethod
    def for_radius(cls, radius: int, bits: int) -> Layout:
        count = PDQ_BITS // bits
        # sum over tables of (t_i + 1) must exceed the radius; spread the r + 1 units evenly.
        units = radius + 1
        base, extra = divmod(units, count)
        radii = tuple(base + (1 if i < extra else 0) - 1 for i in range(count))
        return cls(bits=bits, radii=radii)

    @classmethod
    def choose(cls, radius: int, size: int, bytes_per_entry: int = 96) -> Layout:
        """The cheapest layout (probes plus expected candidates) whose tables fit the memory budget."""
        size = max(size, 1)
        best: tuple[float, Layout] | None = None
        for bits in range(8, 25):
            layout = cls.for_radius(radius, bits)
            used = [t for t in layout.radii if t >= 0]
            table_bytes = len(used) * ((1 << bits) * 4 + size * 4)
            if table_bytes > max(bytes_per_entry * size, 64 << 20):
                continue
            probes = layout.probes_per_query()
            cost = probes + probes * size / (1 << bits)
            if best is None or cost < best[0]:
                best = (cost, layout)
        assert best is not None
        return best[1]


def _ball_size(bits: int, radius: int) -> int:
    return sum(math.comb(bits, k) for k in range(radius + 1))


def _ball_masks(bits: int, radius: int) -> U32:
    masks = [0]
    for k in range(1, radius + 1):
        for combo in itertools.combinations(range(bits), k):
            masks.append(sum(1 << i for i in combo))
    return np.array(masks, dtype=np.uint32)


def substring_keys(hashes: U64, start: int, bits: int) -> U32:
    """The `bits` bits of every hash starting at bit `start` (bit 0 is the top bit of word 0)."""
    word, offset = divmod(start, 64)
    value = hashes[:, word] << np.uint64(offset) if offset else hashes[:, word].copy()
    if offset + bits > 64:
        value |= hashes[:, word + 1] >> np.uint64(64 - offset)
    return (value >> np.uint64(64 - bits)).astype(np.uint32)


@dataclass(frozen=True)
class Matches:
    """Every (query, entry) pair within the radius, sorted by query then distance then entry id."""

    query: npt.NDArray[np.intp]
    ids: I64
    distances: npt.NDArray[np.int64]

    def for_query(self, number: int) -> list[tuple[int, int]]:
        lo, hi = np.searchsorted(self.query, [number, number + 1])
        return list(zip(self.ids[lo:hi].tolist(), self.distances[lo:hi].tolist(), strict=True))


@dataclass(frozen=True)
class _Tables:
    """The frozen part of the index: entries sorted by id and one CSR table per used substring."""

    hashes: U64  # (n, 4)
    ids: I64 | None  # sorted; None when the ids are the positions 0..n-1
    alive: npt.NDArray[np.bool_]
    layout: Layout
    starts: tuple[int, ...]  # first bit of each used substring
    offsets: U32  # all tables' offsets end to end, table i at [i << bits, (i + 1) << bits], one sentinel
    positions: U32  # all tables' entry positions, table i at [i * n, (i + 1) * n)
    probe_masks: npt.NDArray[np.intp]  # for every probe of a query: (table << bits) | mask
    probe_table: npt.NDArray[np.intp]  # for every probe: which table


class PdqIndex:
    """Exact radius search over PDQ hashes, with incremental add and remove."""

    def __init__(
        self, *, radius: int = DEFAULT_RADIUS, bits: int | None = None, merge_threshold: int = 8192
    ) -> None:
        if not 0 <= radius < PDQ_BITS:
            raise ValueError("radius out of range")
        self.radius = radius
        self._fixed_bits = bits
        self.merge_threshold = merge_threshold
        self._lock = threading.RLock()
        self._tables = self._freeze(np.zeros((0, WORDS), np.uint64), None)
        self._delta_ids: list[int] = []
        self._delta_rows: list[U64] = []
        self._delta_cache: tuple[I64, U64] | None = None
        self._merging = threading.Lock()
        self._added_while_merging: set[int] | None = None
        self._removed_while_merging: set[int] | None = None
        self._read_only = False

    # building -----------------------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        hashes: U64,
        ids: Iterable[int] | I64 | None = None,
        *,
        radius: int = DEFAULT_RADIUS,
        bits: int | None = None,
        merge_threshold: int = 8192,
    ) -> PdqIndex:
        index = cls(radius=radius, bits=bits, merge_threshold=merge_threshold)
        hashes = np.ascontiguousarray(hashes, dtype=np.uint64).reshape(-1, WORDS)
        id_array = (
            None
            if ids is None
            else np.asarray(list(ids) if not isinstance(ids, np.ndarray) else ids, dtype=np.int64)
        )
        if id_array is not None:
            if len(id_array) != len(hashes):
                raise ValueError("one id per hash")
            order = np.argsort(id_array, kind="stable")
            id_array, hashes = id_array[order], hashes[order]
            if len(id_array) > 1 and bool((id_array[1:] == id_array[:-1]).any()):
                raise ValueError("duplicate ids")
        index._tables = index._freeze(hashes, id_array)
        return index

    def _freeze(self, hashes: U64, ids: I64 | None) -> _Tables:
        size = len(hashes)
        layout = (
            Layout.for_radius(self.radius, self._fixed_bits)
            if self._fixed_bits
            else Layout.choose(self.radius, size)
        )
        bits = layout.bits
        used = [i for i, t in enumerate(layout.radii) if t >= 0]
        # Tables sit end to end, 2**bits offsets each, and one sentinel at the very end: the end of
        # table i's last bucket is the start of table i + 1, so a probe's slot is one XOR away
        # from its key, (table << bits) | (key ^ mask).
        span = 1 << bits
        offsets = np.empty(len(used) * span + 1, dtype=np.uint32)
        positions = np.empty(len(used) * size, dtype=np.uint32)
        for slot, table in enumerate(used):
            keys = substring_keys(hashes, table * bits, bits)
            order = np.argsort(keys, kind="stable").astype(np.uint32)
            counts = np.bincount(keys, minlength=1 << bits)
            base = slot * size
            offsets[slot * span] = base
            offsets[slot * span + 1 : (slot + 1) * span + 1] = base + np.cumsum(counts)
            positions[base : base + size] = order
            del keys, order, counts
        return _assemble(hashes, ids, np.ones(size, dtype=np.bool_), layout, offsets, positions)

    # files --------------------------------------------------------------------------------------

    _ARRAYS = ("hashes", "ids", "alive", "offsets", "positions")

    def save(self, directory: Path) -> None:
        """Write the tables, the delta folded in, as .npy files and a layout.json, each synced to disk."""
        if self._delta_ids or not bool(self._tables.alive.all()):
            self.merge()
        tables = self._tables
        directory.mkdir(parents=True, exist_ok=True)
        ids = tables.ids if tables.ids is not None else np.arange(len(tables.hashes), dtype=np.int64)
        arrays = (tables.hashes, ids, tables.alive, tables.offsets, tables.positions)
        for name, array in zip(self._ARRAYS, arrays, strict=True):
            with open(directory / f"{name}.npy", "wb") as out:
                np.save(out, np.ascontiguousarray(array))
                out.flush()
                os.fsync(out.fileno())
        layout = {"radius": self.radius, "bits": tables.layout.bits, "radii": list(tables.layout.radii)}
        with open(directory / "layout.json", "w") as out:
            json.dump({**layout, "size": len(tables.hashes)}, out)
            out.flush()
            os.fsync(out.fileno())

    @classmethod
    def open_mapped(cls, directory: Path) -> PdqIndex:
        """The index `save` wrote, its arrays mapped read-only: searches only, changes raise ValueError."""
        layout_data = json.loads((directory / "layout.json").read_text())
        layout = Layout(bits=int(layout_data["bits"]), radii=tuple(int(t) for t in layout_data["radii"]))
        # memmap's own subclass costs time on every operation; a plain view of the mapping does not
        arrays = {
            name: np.load(directory / f"{name}.npy", mmap_mode="r").view(np.ndarray) for name in cls._ARRAYS
        }
        if not all(len(arrays[name]) == int(layout_data["size"]) for name in ("hashes", "ids", "alive")):
            raise ValueError(f"{directory}: arrays of different lengths")
        index = cls(radius=int(layout_data["radius"]), bits=layout.bits)
        index._tables = _assemble(
            arrays["hashes"], arrays["ids"], arrays["alive"], layout, arrays["offsets"], arrays["positions"]
        )
        index._read_only = True
        return index

    # changes ------------------------------------------------------------------------------------

    def add(self, ids: Sequence[int], hashes: U64) -> None:
        """Add entries; they are searchable at once. Ids must not be in the index already."""
        hashes = np.ascontiguousarray(hashes, dtype=np.uint64).reshape(-1, WORDS)
        if len(ids) != len(hashes):
            raise ValueError("one id per hash")
        if self._read_only:
            raise ValueError("a mapped index is read-only")
        with self._lock:
            present = self._find_live(ids)
            if present:
                raise ValueError(f"already in the index: {sorted(present)[:5]}")
            if len(set(ids)) != len(ids):
                raise ValueError("duplicate ids")
            self._delta_ids.extend(int(i) for i in ids)
            self._delta_rows.extend(hashes)
            self._delta_cache = None
            if self._added_while_merging is not None:
                self._added_while_merging.update(int(i) for i in ids)
            due = len(self._delta_ids) >= self.merge_threshold
        if due and self._merging.acquire(blocking=False):
            try:
                self._merge()
            finally:
                self._merging.release()

    def remove(self, ids: Iterable[int]) -> int:
        """Remove entries by id (unknown ids are ignored); returns how many were removed."""
        if self._read_only:
            raise ValueError("a mapped index is read-only")
        removed = 0
        with self._lock:
            tables = self._tables
            wanted = set(int(i) for i in ids)
            if self._removed_while_merging is not None:
                self._removed_while_merging.update(wanted)
            keep = [n for n, i in enumerate(self._delta_ids) if i not in wanted]
            if len(keep) != len(self._delta_ids):
                removed += len(self._delta_ids) - len(keep)
                wanted -= set(self._delta_ids)
                self._delta_ids = [self._delta_ids[n] for n in keep]
                self._delta_rows = [self._delta_rows[n] for n in keep]
                self._delta_cache = None
            for position in self._base_positions(tables, wanted):
                if tables.alive[position]:
                    tables.alive[position] = False
                    removed += 1
        return removed

    def merge(self) -> None:
        """Fold the delta into the tables and drop tombstones (a rebuild, amortised over many adds)."""
        with self._merging:
            self._merge()

    def _merge(self) -> None:
        # The rebuild runs outside the lock: searches, additions and removals go on against the old
        # tables meanwhile, and what changed during the rebuild is carried over at the swap.
        with self._lock:
            tables = self._tables
            live = tables.alive.copy()
            delta_ids, delta_hashes = self._delta()
            self._added_while_merging, self._removed_while_merging = set(), set()
        try:
            base_ids = tables.ids if tables.ids is not None else np.arange(len(tables.hashes), dtype=np.int64)
            ids = np.concatenate([base_ids[live], delta_ids])
            hashes = np.concatenate([tables.hashes[live], delta_hashes])
            order = np.argsort(ids, kind="stable")
            fresh = self._freeze(hashes[order], ids[order])
        except BaseException:
            with self._lock:
                self._added_while_merging = self._removed_while_merging = None
            raise
        with self._lock:
            added, removed = self._added_while_merging, self._removed_while_merging
            self._added_while_merging = self._removed_while_merging = None
            assert added is not None and removed is not None
            for position in self._base_positions(fresh, removed):
                fresh.alive[position] = False
            # what was in the delta at the snapshot is now in `fresh`; what came since stays
            keep = [n for n, i in enumerate(self._delta_ids) if i in added]
            self._delta_ids = [self._delta_ids[n] for n in keep]
            self._delta_rows = [self._delta_rows[n] for n in keep]
            self._delta_cache = None
            self._tables = fresh

    def present(self, ids: Sequence[int]) -> set[int]:
        """Which of these ids are live in the index."""
        with self._lock:
            return self._find_live(ids)

    def _find_live(self, ids: Sequence[int]) -> set[int]:
        found = {int(i) for i in ids} & set(self._delta_ids)
        tables = self._tables
        for position in self._base_positions(tables, {int(i) for i in ids}):
            if tables.alive[position]:
                found.add(int(tables.ids[position]) if tables.ids is not None else int(position))
        return found

    @staticmethod
    def _base_positions(tables: _Tables, ids: set[int]) -> list[int]:
        if not ids:
            return []
        wanted = np.fromiter(ids, dtype=np.int64, count=len(ids))
        size = len(tables.hashes)
        if tables.ids is None:
            return [int(p) for p in wanted if 0 <= p < size]
        where = np.searchsorted(tables.ids, wanted)
        hits = (
            (where < size) & (tables.ids[np.minimum(where, max(size - 1, 0))] == wanted)
            if size
            else wanted < 0
        )
        return [int(p) for p in where[hits]]

    def _delta(self) -> tuple[I64, U64]:
        if self._delta_cache is None:
            ids = np.array(self._delta_ids, dtype=np.int64)
            rows = np.array(self._delta_rows, dtype=np.uint64).reshape(-1, WORDS)
            self._delta_cache = (ids, rows)
        return self._delta_cache

    # reading ------------------------------------------------------------------------------------

    def __len__(self) -> int:
        return int(self._tables.alive.sum()) + len(self._delta_ids)

    @property
    def layout(self) -> Layout:
        return self._tables.layout

    @property
    def nbytes(self) -> int:
        """Memory held by the index's arrays (hashes, ids, tables, tombstones, delta)."""
        t = self._tables
        total = t.hashes.nbytes + t.alive.nbytes + t.offsets.nbytes + t.positions.nbytes
        total += 0 if t.ids is None else t.ids.nbytes
        return total + len(self._delta_ids) * (8 + 8 * WORDS)

    def search(self, queries: U64, *, chunk: int = 32) -> Matches:
        """Every live entry within the radius of each query."""
        queries = np.ascontiguousarray(queries, dtype=np.uint64).reshape(-1, WORDS)
        with self._lock:
            tables = self._tables
            delta_ids, delta_hashes = self._delta()
        parts: list[tuple[npt.NDArray[np.intp], I64, npt.NDArray[np.int64]]] = []
        for first in range(0, len(queries), chunk):
            block = queries[first : first + chunk]
            q, ids, dist = self._search_tables(tables, block)
            parts.append((q + first, ids, dist))
            if len(delta_ids):
                q, ids, dist = self._search_brute(delta_ids, delta_hashes, block)
                parts.append((q + first, ids, dist))
        if not parts:
            return Matches(np.zeros(0, np.intp), np.zeros(0, np.int64), np.zeros(0, np.int64))
        query = np.concatenate([p[0] for p in parts])
        ids = np.concatenate([p[1] for p in parts])
        dist = np.concatenate([p[2] for p in parts])
        order = np.lexsort((ids, dist, query))
        return Matches(query[order], ids[order], dist[order])

    def search_one(self, query: U64) -> list[tuple[int, int]]:
        return self.search(np.asarray(query).reshape(1, WORDS)).for_query(0)

    def _search_tables(
        self, tables: _Tables, block: U64
    ) -> tuple[npt.NDArray[np.intp], I64, npt.NDArray[np.int64]]:
        size = len(tables.hashes)
        if size == 0 or not tables.starts:
            return np.zeros(0, np.intp), np.zeros(0, np.int64), np.zeros(0, np.int64)
        bits = tables.layout.bits
        # every query's key in every used table: (queries, tables)
        keys = np.stack([substring_keys(block, start, bits) for start in tables.starts], axis=1)
        slots = (keys.astype(np.intp)[:, tables.probe_table] ^ tables.probe_masks).ravel()
        lo = np.take(tables.offsets, slots)
        counts = (np.take(tables.offsets, slots + 1) - lo).astype(np.intp)
        total = int(counts.sum())
        if total == 0:
            return np.zeros(0, np.intp), np.zeros(0, np.int64), np.zeros(0, np.int64)
        # expand each bucket [lo, lo + count) into the run of its positions; empty buckets
        # simply repeat nothing, which is cheaper than filtering them out first
        run_start = np.cumsum(counts) - counts
        flat = np.repeat(lo.astype(np.intp) - run_start, counts) + np.arange(total, dtype=np.intp)
        candidates = np.take(tables.positions, flat)
        per_query = counts.reshape(len(block), -1).sum(axis=1)
        owner = np.repeat(np.arange(len(block), dtype=np.intp), per_query)
        dist = hamming(np.take(tables.hashes, candidates, axis=0), np.take(block, owner, axis=0))
        near = np.flatnonzero(dist <= self.radius)
        candidates, owner, dist = candidates[near].astype(np.intp), owner[near], dist[near]
        live = tables.alive[candidates]
        candidates, owner, dist = candidates[live], owner[live], dist[live]
        # an entry close on several substrings is found several times
        pair = owner.astype(np.int64) * size + candidates
        _, first = np.unique(pair, return_index=True)
        candidates, owner, dist = candidates[first], owner[first], dist[first]
        ids = candidates.astype(np.int64) if tables.ids is None else tables.ids[candidates]
        return owner.astype(np.intp), ids, dist

    def _search_brute(
        self, ids: I64, hashes: U64, block: U64
    ) -> tuple[npt.NDArray[np.intp], I64, npt.NDArray[np.int64]]:
        dist = hamming(hashes[None, :, :], block[:, None, :])  # (queries, entries)
        query, entry = np.nonzero(dist <= self.radius)
        return query.astype(np.intp), ids[entry], dist[query, entry]


def _assemble(
    hashes: U64, ids: I64 | None, alive: npt.NDArray[np.bool_], layout: Layout, offsets: U32, positions: U32
) -> _Tables:
    """The tables around their arrays, with each query's probes worked out from the layout."""
    bits = layout.bits
    used = [i for i, t in enumerate(layout.radii) if t >= 0]
    mask_parts = [_ball_masks(bits, layout.radii[table]) for table in used]
    probe_table = np.repeat(np.arange(len(used), dtype=np.intp), [len(m) for m in mask_parts])
    probe_masks = np.concatenate(mask_parts).astype(np.intp) if mask_parts else np.zeros(0, np.intp)
    probe_masks |= probe_table << bits
    return _Tables(
        hashes=hashes,
        ids=ids,
        alive=alive,
        layout=layout,
        starts=tuple(table * bits for table in used),
        offsets=offsets,
        positions=positions,
        probe_masks=probe_masks,
        probe_table=probe_table,
    )


def brute_force(hashes: U64, ids: I64, queries: U64, radius: int = DEFAULT_RADIUS) -> Matches:
    """The reference answer: every entry within the radius, by comparing with all of them."""
    parts = []
    for first in range(0, len(queries), 64):
        block = queries[first : first + 64]
        dist = hamming(hashes[None, :, :], block[:, None, :])
        query, entry = np.nonzero(dist <= radius)
        parts.append((query + first, ids[entry], dist[query, entry]))
    query = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, np.intp)
    found = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, np.int64)
    dist = np.concatenate([p[2] for p in parts]) if parts else np.zeros(0, np.int64)
    order = np.lexsort((found, dist, query))
    return Matches(query[order].astype(np.intp), found[order].astype(np.int64), dist[order].astype(np.int64))
