"""The match index each process keeps in memory, kept current by replaying the banks' history.

The index holds every live PDQ entry of every bank; which banks a caller may match against, and
whether a bank is switched on, is decided when results are read back from the database, so
switching a bank off never needs the index to change.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
from django.db.models import Max

from childshield.hashing.index import DEFAULT_RADIUS, PdqIndex, hashes_from_hex
from childshield.hashing.models import Algorithm, ChangeKind, HashChange, HashEntry
from childshield.hashing.video import QUALITY_THRESHOLD, distances, frame_words, parse_frame_list

_BATCH = 50_000


class MatchIndex:
    def __init__(self, radius: int = DEFAULT_RADIUS) -> None:
        self.radius = radius
        self.index = PdqIndex(radius=radius)
        self.synced_through = 0
        self._lock = threading.Lock()

    def sync(self) -> int:
        """Apply the changes made since the last sync; returns how many were applied.

        Once the index is loaded, a match that finds another thread syncing (perhaps folding new
        hashes into the tables, which takes a while at ten million) does not wait: it answers from
        the index as it is, and the next sync applies what it missed.
        """
        loaded = bool(self.synced_through)
        if not self._lock.acquire(blocking=not loaded):
            return 0
        try:
            return self._sync()
        finally:
            self._lock.release()

    def _sync(self) -> int:
        latest = HashChange.objects.aggregate(latest=Max("pk"))["latest"] or 0
        if latest < self.synced_through:
            # The history is shorter than what we have seen: another database (tests), start again.
            self.index, self.synced_through = PdqIndex(radius=self.radius), 0
        if latest == self.synced_through:
            return 0
        if self.synced_through == 0:
            return self._load(latest)
        return self._replay(latest)

    def _load(self, latest: int) -> int:
        rows = HashEntry.objects.filter(algorithm=Algorithm.PDQ, removed_at__isnull=True).values_list(
            "pk", "value"
        )
        ids, values = [], []
        for pk, value in rows.iterator(chunk_size=_BATCH):
            ids.append(pk)
            values.append(value)
        self.index = PdqIndex.build(hashes_from_hex(values), ids, radius=self.radius)
        self.synced_through = latest
        # Changes made while loading are replayed; replaying is idempotent.
        return len(ids) + self._replay(HashChange.objects.aggregate(latest=Max("pk"))["latest"] or 0)

    def _replay(self, latest: int) -> int:
        applied = 0
        changes = (
            HashChange.objects.filter(
                pk__gt=self.synced_through, pk__lte=latest, entry__algorithm=Algorithm.PDQ
            )
            .order_by("pk")
            .values_list("kind", "entry_id", "entry__value")
        )
        pending: list[tuple[str, int, str]] = []
        for change in changes.iterator(chunk_size=_BATCH):
            pending.append(change)
            if len(pending) >= _BATCH:
                applied += self._apply(pending)
                pending = []
        applied += self._apply(pending)
        self.synced_through = latest
        return applied

    def _apply(self, changes: list[tuple[str, int, str]]) -> int:
        # Consecutive adds go in together; a removal is applied where it falls in the order.
        adds: dict[int, str] = {}
        for kind, entry_id, value in changes:
            if kind == ChangeKind.ADDED:
                adds[entry_id] = value
            else:
                self._add(adds)
                adds = {}
                self.index.remove([entry_id])
        self._add(adds)
        return len(changes)

    def _add(self, adds: dict[int, str]) -> None:
        present = self.index.present(list(adds))
        fresh = [entry_id for entry_id in adds if entry_id not in present]
        if fresh:
            self.index.add(fresh, hashes_from_hex([adds[entry_id] for entry_id in fresh]))


_index: MatchIndex | None = None
_index_lock = threading.Lock()


def match_index() -> MatchIndex:
    """This process's index, brought up to date with the database."""
    global _index
    with _index_lock:
        if _index is None:
            _index = MatchIndex()
    _index.sync()
    return _index


def forget_index() -> None:
    """Drop this process's indexes (tests; a worker told to start over)."""
    global _index, _video_index
    with _index_lock:
        _index = None
        _video_index = None


# Videos ------------------------------------------------------------------------------------------

_VIDEO_CHUNK = 16_384  # target frames compared at a time: bounds the temporary arrays to a few MB


@dataclass(frozen=True)
class VideoHit:
    entry_id: int
    query_percent: float
    target_percent: float
    distance: int  # the smallest distance between a query frame and a frame of the entry


class VideoIndex:
    """Every live vPDQ entry's unique frames of quality 50 or more, compared by brute force.

    vPDQ compares bags of frame hashes; this holds them all in one array (4 uint64 per frame)
    with the entry each frame belongs to, finds the entries with any frame within the radius of
    a query frame, and works out both percentages for those only. Like MatchIndex it replays the
    banks' history, so a new video costs one parse, not a rebuild.
    """

    def __init__(self, radius: int = DEFAULT_RADIUS, min_quality: int = QUALITY_THRESHOLD) -> None:
        self.radius = radius
        self.min_quality = min_quality
        self.synced_through = 0
        self.videos: dict[int, np.ndarray] = {}
        self._stack: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None
        self._lock = threading.Lock()

    def sync(self) -> int:
        with self._lock:
            latest = HashChange.objects.aggregate(latest=Max("pk"))["latest"] or 0
            if latest < self.synced_through:
                self.videos, self.synced_through = {}, 0
            if latest == self.synced_through:
                return 0
            changes = (
                HashChange.objects.filter(
                    pk__gt=self.synced_through, pk__lte=latest, entry__algorithm=Algorithm.VPDQ
                )
                .order_by("pk")
                .values_list("kind", "entry_id", "entry__video__frames")
            )
            applied = 0
            for kind, entry_id, frames in changes.iterator(chunk_size=_BATCH):
                applied += 1
                if kind == ChangeKind.ADDED and frames:
                    self.videos[entry_id] = frame_words(
                        parse_frame_list(frames), min_quality=self.min_quality
                    )
                else:
                    self.videos.pop(entry_id, None)
            self.synced_through = latest
            if applied:
                self._stack = None
            return applied

    def add(self, entry_id: int, words: np.ndarray) -> None:
        """Add a video directly (benchmarks); matching adds them by replaying history."""
        with self._lock:
            self.videos[entry_id] = words
            self._stack = None

    @property
    def frame_count(self) -> int:
        return sum(len(words) for words in self.videos.values())

    def _stacked(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(all frames, the position in `ids` of each frame's entry, entry ids, first row of each)."""
        with self._lock:
            if self._stack is None:
                ids = np.array([i for i, words in self.videos.items() if len(words)], dtype=np.int64)
                parts = [self.videos[int(i)] for i in ids]
                sizes = np.array([len(part) for part in parts], dtype=np.int64)
                frames = np.concatenate(parts) if parts else np.zeros((0, 4), dtype=np.uint64)
                owners = np.repeat(np.arange(len(ids)), sizes)
                starts = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
                self._stack = (frames, owners, ids, starts)
            return self._stack

    def search(self, query: np.ndarray) -> list[VideoHit]:
        """Every entry sharing at least one frame with the query (rows of 4 uint64), with its shares."""
        frames, owners, ids, starts = self._stacked()
        if not len(query) or not len(frames):
            return []
        touched: list[np.ndarray] = []
        for start in range(0, len(frames), _VIDEO_CHUNK):
            close = distances(query, frames[start : start + _VIDEO_CHUNK]) <= self.radius
            touched.append(owners[start + np.flatnonzero(close.any(axis=0))])
        hits = []
        for slot in np.unique(np.concatenate(touched)):
            near = distances(query, frames[starts[slot] : starts[slot + 1]])
            close = near <= self.radius
            hits.append(
                VideoHit(
                    int(ids[slot]),
                    float(close.any(axis=1).mean() * 100),
                    float(close.any(axis=0).mean() * 100),
                    int(near.min()),
                )
            )
        return hits


_video_index: VideoIndex | None = None


def video_index() -> VideoIndex:
    """This process's video index, brought up to date with the database."""
    global _video_index
    with _index_lock:
        if _video_index is None:
            _video_index = VideoIndex()
    _video_index.sync()
    return _video_index
