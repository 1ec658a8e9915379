"""The match index each process keeps in memory, kept current by replaying the banks' history.

The index holds every live PDQ entry of every bank; which banks a caller may match against, and
whether a bank is switched on, is decided when results are read back from the database, so
switching a bank off never needs the index to change.
"""

from __future__ import annotations

import bisect
import threading
import time
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Max, Q

from childshield.hashing.index import DEFAULT_RADIUS, PdqIndex, hashes_from_hex
from childshield.hashing.models import Algorithm, ChangeKind, HashChange, HashEntry
from childshield.hashing.video import QUALITY_THRESHOLD, frame_words, parse_frame_list

_BATCH = 50_000
# How long an id skipped over in the history is asked for again: a transaction that took it may
# still commit (an import of millions of hashes takes minutes); one that rolled back never will.
GAP_PATIENCE_SECONDS = 6 * 3600.0
# After a first load, ids this close below the newest are checked for transactions still in flight.
LOAD_LOOKBACK_IDS = 10_000


@dataclass(frozen=True)
class Gap:
    """Ids first..last (inclusive) of the history not seen yet, missed first at `since` (monotonic)."""

    first: int
    last: int
    since: float


def _holes(first: int, last: int, seen: list[int]) -> list[tuple[int, int]]:
    """The runs of ids within first..last missing from `seen` (sorted)."""
    holes, expected = [], first
    for pk in seen[bisect.bisect_left(seen, first) : bisect.bisect_right(seen, last)]:
        if pk > expected:
            holes.append((expected, pk - 1))
        expected = pk + 1
    if expected <= last:
        holes.append((expected, last))
    return holes


@dataclass
class HistoryCursor:
    """How far an index has read the banks' history, and the ids it skipped that may still commit.

    History ids come from a sequence when a row is inserted, but transactions commit in any order:
    a sync can see change 11 before change 10 is committed. Reading only "after 11" would then miss
    change 10 for ever, so the ids passed over are remembered, as runs (an import in flight holds
    thousands of consecutive ids), and asked for again at each sync.
    """

    through: int = 0
    gaps: list[Gap] = field(default_factory=list)

    def waiting(self, pk: int) -> bool:
        return any(gap.first <= pk <= gap.last for gap in self.gaps)

    def gap_filter(self) -> Q:
        found = Q(pk__in=[])
        for gap in self.gaps:
            found |= Q(pk__gte=gap.first, pk__lte=gap.last)
        return found

    def unread(self, latest: int) -> Q:
        return Q(pk__gt=self.through, pk__lte=latest) | self.gap_filter()

    def advance(self, latest: int, seen: set[int], *, since: int | None = None) -> None:
        """All up to `latest` is read; ids after `since` (default: the last position) not seen are gaps."""
        now = time.monotonic()
        ordered = sorted(seen)
        gaps = [
            Gap(first, last, gap.since)
            for gap in self.gaps
            if now - gap.since <= GAP_PATIENCE_SECONDS
            for first, last in _holes(gap.first, gap.last, ordered)
        ]
        start = self.through if since is None else since
        if latest > start:
            gaps.extend(Gap(first, last, now) for first, last in _holes(start + 1, latest, ordered))
        self.gaps = gaps
        self.through = max(self.through, latest)


def _history_ids(since: int, latest: int) -> set[int]:
    return set(HashChange.objects.filter(pk__gt=since, pk__lte=latest).values_list("pk", flat=True))


class MatchIndex:
    def __init__(self, radius: int = DEFAULT_RADIUS) -> None:
        self.radius = radius
        self.index = PdqIndex(radius=radius)
        self.cursor = HistoryCursor()
        self._lock = threading.Lock()

    @property
    def synced_through(self) -> int:
        return self.cursor.through

    def sync(self) -> int:
        """Apply the changes made since the last sync; returns how many were applied.

        Once the index is loaded, a match that finds another thread syncing (perhaps folding new
        hashes into the tables, which takes a while at ten million) does not wait: it answers from
        the index as it is, and the next sync applies what it missed.
        """
        loaded = bool(self.cursor.through)
        if not self._lock.acquire(blocking=not loaded):
            return 0
        try:
            return self._sync()
        finally:
            self._lock.release()

    def _sync(self) -> int:
        latest = HashChange.objects.aggregate(latest=Max("pk"))["latest"] or 0
        if latest < self.cursor.through:
            # The history is shorter than what we have seen: another database (tests), start again.
            self.index, self.cursor = PdqIndex(radius=self.radius), HistoryCursor()
        if latest == self.cursor.through and not self.cursor.gaps:
            return 0
        if self.cursor.through == 0:
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
        # Recent ids not yet committed when the entries were read are watched as gaps.
        since = max(0, latest - LOAD_LOOKBACK_IDS)
        self.cursor.advance(latest, _history_ids(since, latest), since=since)
        # Changes made while loading are replayed; replaying is idempotent.
        return len(ids) + self._replay(HashChange.objects.aggregate(latest=Max("pk"))["latest"] or 0)

    def _replay(self, latest: int) -> int:
        applied = 0
        changes = (
            HashChange.objects.filter(self.cursor.unread(latest))
            .order_by("pk")
            .values_list("pk", "kind", "entry_id", "entry__algorithm", "entry__value")
        )
        seen: set[int] = set()
        pending: list[tuple[str, int, str]] = []
        for pk, kind, entry_id, algorithm, value in changes.iterator(chunk_size=_BATCH):
            seen.add(pk)
            if algorithm != Algorithm.PDQ:
                continue
            pending.append((kind, entry_id, value))
            if len(pending) >= _BATCH:
                applied += self._apply(pending)
                pending = []
        applied += self._apply(pending)
        self.cursor.advance(latest, seen)
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

FRAME_BITS = 20  # a frame's id in the index: (entry id << 20) | its row in the video's unique frames


@dataclass(frozen=True)
class VideoHit:
    entry_id: int
    query_percent: float
    target_percent: float
    distance: int  # the smallest distance between a query frame and a frame of the entry


class VideoIndex:
    """Every live vPDQ entry's unique frames of quality 50 or more, in a PdqIndex of their own.

    vPDQ compares bags of frame hashes. Each query frame is looked up in the frame index, which
    is exact for the radius, so every stored frame within 31 bits of a query frame is found: the
    videos that share no frame with the query are exactly those not returned, and for the others
    both shares are counted from the pairs found. No false negatives, unlike vPDQ's suggested
    pruning with an approximate index. Like MatchIndex, it replays the banks' history.
    """

    def __init__(self, radius: int = DEFAULT_RADIUS, min_quality: int = QUALITY_THRESHOLD) -> None:
        self.radius = radius
        self.min_quality = min_quality
        self.cursor = HistoryCursor()
        self.frames = PdqIndex(radius=radius)
        self.sizes: dict[int, int] = {}  # entry id: its unique good frames
        self._lock = threading.Lock()

    def sync(self) -> int:
        with self._lock:
            latest = HashChange.objects.aggregate(latest=Max("pk"))["latest"] or 0
            if latest < self.cursor.through:
                self.frames, self.sizes, self.cursor = PdqIndex(radius=self.radius), {}, HistoryCursor()
            if latest == self.cursor.through and not self.cursor.gaps:
                return 0
            first_load = self.cursor.through == 0
            # A first load reads every video (not the whole history's ids); later syncs read the window.
            since = max(0, latest - LOAD_LOOKBACK_IDS) if first_load else self.cursor.through
            seen = _history_ids(since, latest) | set(
                HashChange.objects.filter(self.cursor.gap_filter()).values_list("pk", flat=True)
            )
            changes = (
                HashChange.objects.filter(self.cursor.unread(latest), entry__algorithm=Algorithm.VPDQ)
                .order_by("pk")
                .values_list("kind", "entry_id", "entry__video__frames")
            )
            applied = 0
            loaded: dict[int, np.ndarray] = {}
            for kind, entry_id, frames in changes.iterator(chunk_size=_BATCH):
                applied += 1
                if kind == ChangeKind.ADDED and frames and entry_id not in self.sizes:
                    words = frame_words(parse_frame_list(frames), min_quality=self.min_quality)
                    if first_load:
                        loaded[entry_id] = words
                    else:
                        self.add(entry_id, words)
                elif kind == ChangeKind.REMOVED:
                    loaded.pop(entry_id, None)
                    self.remove(entry_id)
            if loaded:
                self.build(loaded)
            self.cursor.advance(latest, seen, since=since)
            return applied

    def build(self, videos: dict[int, np.ndarray]) -> None:
        """Start over with these videos (entry id: unique frames as rows of 4 uint64)."""
        videos = {entry_id: words for entry_id, words in videos.items() if len(words)}
        ids = [
            (entry_id << FRAME_BITS) | row for entry_id, words in videos.items() for row in range(len(words))
        ]
        stacked = np.concatenate(list(videos.values())) if videos else np.zeros((0, 4), dtype=np.uint64)
        self.frames = PdqIndex.build(stacked, ids, radius=self.radius)
        self.sizes = {entry_id: len(words) for entry_id, words in videos.items()}

    def add(self, entry_id: int, words: np.ndarray) -> None:
        if len(words) and entry_id not in self.sizes:
            self.frames.add([(entry_id << FRAME_BITS) | row for row in range(len(words))], words)
            self.sizes[entry_id] = len(words)

    def remove(self, entry_id: int) -> None:
        size = self.sizes.pop(entry_id, 0)
        self.frames.remove([(entry_id << FRAME_BITS) | row for row in range(size)])

    def search(self, query: np.ndarray) -> list[VideoHit]:
        """Every entry sharing at least one frame with the query (rows of 4 uint64), with its shares."""
        if not len(query):
            return []
        found = self.frames.search(query)
        if not len(found.ids):
            return []
        entries = found.ids >> FRAME_BITS
        hits = []
        for entry_id in np.unique(entries):
            mine = entries == entry_id
            size = self.sizes.get(int(entry_id))
            if not size:
                continue  # removed while this search ran
            hits.append(
                VideoHit(
                    int(entry_id),
                    len(np.unique(found.query[mine])) * 100 / len(query),
                    len(np.unique(found.ids[mine])) * 100 / size,
                    int(found.distances[mine].min()),
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
