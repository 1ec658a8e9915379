"""The match index each process searches: the host's base, shared by its processes, and an overlay.

The base holds every live PDQ entry as of one point in the banks' history, and never changes once
made. With HASHING_INDEX_DIR set (production: gunicorn.conf.py sets it), the base is the host's
files, written by `manage.py match_index` and mapped read-only (index_files.py): every worker on
the host shares one copy in the page cache, and a new worker has it at once. Without it (the
demo, tests), each process builds its own base from the database at its first match.

What the history says since the base is this process's overlay: the entries added since, in a
small PdqIndex of their own, and the base's entries removed since, filtered out of results. Each
match replays the new history into the overlay before it answers. Writing to the base instead
would copy pages of the shared mapping into every worker, and folding many additions into it
would rebuild the whole index in each; the indexer writes a new generation instead, which the
next match maps, starting a new overlay from the generation's point in the history.

The index holds every live PDQ entry of every bank; which banks a caller may match against, and
whether a bank is switched on, is decided when results are read back from the database, so
switching a bank off never needs the index to change.
"""

from __future__ import annotations

import array
import bisect
import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db.models import Max, Q

from childshield.hashing import index_files
from childshield.hashing.index import DEFAULT_RADIUS, I64, Matches, PdqIndex, hashes_from_hex
from childshield.hashing.models import Algorithm, ChangeKind, HashChange, HashEntry
from childshield.hashing.scope import forget_scopes
from childshield.hashing.video import QUALITY_THRESHOLD, frame_words, parse_frame_list

log = logging.getLogger(__name__)

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

    def gaps_by_wall_clock(self) -> tuple[tuple[int, int, float], ...]:
        """The gaps with when each was first missed as time.time(), for another process to read."""
        offset = time.time() - time.monotonic()
        return tuple((gap.first, gap.last, gap.since + offset) for gap in self.gaps)

    @classmethod
    def from_files(cls, through: int, gaps: tuple[tuple[int, int, float], ...]) -> HistoryCursor:
        offset = time.time() - time.monotonic()
        return cls(through, [Gap(first, last, missed - offset) for first, last, missed in gaps])

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


def _latest() -> int:
    return HashChange.objects.aggregate(latest=Max("pk"))["latest"] or 0


def _fingerprint(through: int) -> str:
    """The history row at `through`, which no other database has with the same time."""
    at = HashChange.objects.filter(pk=through).values_list("at", flat=True).first()
    return f"{through} {at.isoformat() if at else '-'}"


def load_base(radius: int = DEFAULT_RADIUS) -> tuple[PdqIndex, HistoryCursor]:
    """Every live PDQ entry, read from the database now, and how far into the history that goes."""
    latest = _latest()
    ids = array.array("q")
    parts: list[np.ndarray] = []
    values: list[str] = []
    rows = HashEntry.objects.filter(algorithm=Algorithm.PDQ, removed_at__isnull=True).values_list(
        "pk", "value"
    )
    for pk, value in rows.iterator(chunk_size=_BATCH):
        ids.append(pk)
        values.append(value)
        if len(values) == _BATCH:  # as words batch by batch: ten million strings would not fit twice
            parts.append(hashes_from_hex(values))
            values = []
    parts.append(hashes_from_hex(values))
    base = PdqIndex.build(np.concatenate(parts), np.frombuffer(ids, dtype=np.int64), radius=radius)
    # Recent ids not yet committed when the entries were read are watched as gaps; changes made
    # while reading are replayed after, which is harmless (an entry already there is not added).
    cursor = HistoryCursor()
    since = max(0, latest - LOAD_LOOKBACK_IDS)
    cursor.advance(latest, _history_ids(since, latest), since=since)
    return base, cursor


@dataclass
class _View:
    """What a search reads: the base, and this process's overlay on it up to `cursor`."""

    base: PdqIndex
    generation: str | None  # the host's generation the base is mapped from; None when built here
    added: PdqIndex
    cursor: HistoryCursor
    removed: set[int] = field(default_factory=set)
    removed_ids: I64 = field(default_factory=lambda: np.zeros(0, np.int64))  # sorted, for searches

    def present(self, ids: list[int]) -> set[int]:
        return (self.base.present(ids) - self.removed) | self.added.present(ids)


class MatchIndex:
    def __init__(self, radius: int = DEFAULT_RADIUS, directory: Path | None = None) -> None:
        self.radius = radius
        self.directory = directory
        self._view: _View | None = None
        self._lock = threading.Lock()
        self._refused: str | None = None  # a generation found unusable, not to be read again

    def _current(self) -> _View:
        if self._view is None:
            self.sync()
        assert self._view is not None
        return self._view

    @property
    def cursor(self) -> HistoryCursor:
        return self._current().cursor

    @property
    def synced_through(self) -> int:
        return self._current().cursor.through

    @property
    def generation(self) -> str | None:
        """The host's generation this process maps, or None when it built its own base."""
        return self._current().generation

    @property
    def overlay_size(self) -> int:
        view = self._current()
        return len(view.added) + len(view.removed)

    def __len__(self) -> int:
        view = self._current()
        return len(view.base) - len(view.removed) + len(view.added)

    def present(self, ids: list[int]) -> set[int]:
        """Which of these entries the index holds."""
        return self._current().present(ids)

    def search(self, queries: np.ndarray) -> Matches:
        """Every entry within the radius of each query (rows of 4 uint64), as PdqIndex.search."""
        view = self._current()
        found = view.base.search(queries)
        query, ids, dist = found.query, found.ids, found.distances
        removed = view.removed_ids
        if len(removed) and len(ids):
            keep = ~np.isin(ids, removed)
            query, ids, dist = query[keep], ids[keep], dist[keep]
        if len(view.added):
            more = view.added.search(queries)
            query = np.concatenate([query, more.query])
            ids = np.concatenate([ids, more.ids])
            dist = np.concatenate([dist, more.distances])
            order = np.lexsort((ids, dist, query))
            query, ids, dist = query[order], ids[order], dist[order]
        return Matches(query, ids, dist)

    @property
    def loaded(self) -> bool:
        return self._view is not None

    def sync(self, *, may_build: bool = True, latest: int | None = None) -> int:
        """Apply the changes made since the last sync; returns how many were applied.

        Once the index is loaded, a match that finds another thread syncing (perhaps mapping a new
        generation, or reading an import of a million hashes) does not wait: it answers from the
        index as it is, and the next sync applies what it missed. With `may_build` false, a process
        without the host's files stays without an index rather than building its own. `latest`: the
        history's newest id, when the caller has just read it.
        """
        if not self._lock.acquire(blocking=self._view is None):
            return 0
        try:
            return self._sync(may_build=may_build, latest=latest)
        finally:
            self._lock.release()

    def _sync(self, *, may_build: bool, latest: int | None) -> int:
        if latest is None:
            latest = _latest()
        view = self._view
        if view is not None and latest < view.cursor.through:
            view = None  # the history is shorter than what was seen: another database (tests)
        if self.directory is not None:
            view = self._newer_generation(view, latest)
        applied = 0
        if view is None:
            if not may_build:
                return 0
            base, cursor = load_base(self.radius)
            view = _View(base, None, PdqIndex(radius=self.radius), cursor)
            applied, latest = len(base), _latest()
        if latest > view.cursor.through or view.cursor.gaps:
            applied += self._replay(view, latest)
        self._view = view  # a new base is searched only once its overlay has caught up
        return applied

    def _newer_generation(self, view: _View | None, latest: int) -> _View | None:
        """The host's current generation if it is not the one searched now, else `view`."""
        assert self.directory is not None
        for _attempt in range(3):  # an indexer may swap generations while this one is opened
            name = index_files.current_name(self.directory)
            if name is None:
                if view is None:
                    log.warning("HASHING_INDEX_DIR holds no match index yet: this process builds its own")
                return view
            if name == self._refused or (view is not None and name == view.generation):
                return view
            opened = self._open(name, latest)
            if opened is not None:
                return opened
        return view

    def _open(self, name: str, latest: int) -> _View | None:
        """The host's generation `name`, mapped, with an empty overlay; None if it cannot serve here."""
        assert self.directory is not None
        generation = index_files.read_generation(self.directory, name)
        problem = ""
        if generation is None:
            problem = "cannot be read"
        elif generation.radius != self.radius:
            problem = f"has radius {generation.radius}, not {self.radius}"
        elif generation.through > latest or _fingerprint(generation.through) != generation.fingerprint:
            problem = "was written from another database"
        if generation is not None and not problem:
            try:
                base = index_files.open_generation(self.directory, generation)
            except (OSError, ValueError) as error:
                problem = f"cannot be mapped ({type(error).__name__})"
        if problem or generation is None:
            log.warning("the match index %s %s: this process uses its own", name, problem)
            self._refused = name
            return None
        cursor = HistoryCursor.from_files(generation.through, generation.gaps)
        return _View(base, name, PdqIndex(radius=self.radius), cursor)

    def _replay(self, view: _View, latest: int) -> int:
        applied = 0
        changes = (
            HashChange.objects.filter(view.cursor.unread(latest))
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
                applied += self._apply(view, pending)
                pending = []
        applied += self._apply(view, pending)
        view.cursor.advance(latest, seen)
        return applied

    def _apply(self, view: _View, changes: list[tuple[str, int, str]]) -> int:
        # Consecutive adds go in together; a removal is applied where it falls in the order.
        adds: dict[int, str] = {}
        removed_before = len(view.removed)
        for kind, entry_id, value in changes:
            if kind == ChangeKind.ADDED:
                adds[entry_id] = value
            else:
                self._add(view, adds)
                adds = {}
                if not view.added.remove([entry_id]) and view.base.present([entry_id]):
                    view.removed.add(entry_id)
        self._add(view, adds)
        if len(view.removed) != removed_before:
            view.removed_ids = np.array(sorted(view.removed), dtype=np.int64)
        return len(changes)

    def _add(self, view: _View, adds: dict[int, str]) -> None:
        present = view.present(list(adds))
        fresh = [entry_id for entry_id in adds if entry_id not in present]
        if fresh:
            view.added.add(fresh, hashes_from_hex([adds[entry_id] for entry_id in fresh]))


def build_host_index(directory: Path, radius: int = DEFAULT_RADIUS) -> index_files.Generation | None:
    """Write the host's index from the database as a new generation; None if another build holds the lock."""
    with index_files.build_lock(directory) as mine:
        if not mine:
            return None
        base, cursor = load_base(radius)
        return index_files.write_generation(
            directory,
            base,
            through=cursor.through,
            gaps=cursor.gaps_by_wall_clock(),
            fingerprint=_fingerprint(cursor.through),
        )


def host_index_behind(directory: Path) -> int | None:
    """How many history ids the host's current generation is behind, or None when there is none."""
    name = index_files.current_name(directory)
    generation = index_files.read_generation(directory, name) if name else None
    if generation is None or _fingerprint(generation.through) != generation.fingerprint:
        return None
    return max(0, _latest() - generation.through)


_index: MatchIndex | None = None
_index_lock = threading.Lock()


def _process_index() -> MatchIndex:
    global _index
    with _index_lock:
        if _index is None:
            directory = settings.HASHING_INDEX_DIR
            _index = MatchIndex(directory=Path(directory) if directory else None)
        return _index


def match_index(*, latest: int | None = None) -> MatchIndex:
    """This process's index, brought up to date with the database (through history id `latest`
    when the caller has just read it, as a platform's key is read: `selectors.api_key_authenticate`)."""
    index = _process_index()
    index.sync(latest=latest)
    return index


def warm() -> MatchIndex | None:
    """Map the host's index and catch up, before the first request (gunicorn's post_worker_init).

    None when the host has no usable index files: building one here could outlast the worker's
    boot time-out at ten million hashes, so the first match builds it instead. The video index,
    built from every video's frames, is left to the first video match.
    """
    index = _process_index()
    index.sync(may_build=False)
    return index if index.loaded else None


def sync_loaded() -> int:
    """Bring this process's indexes up to date, if it has any: a process that never matched builds none."""
    return (_index.sync() if _index is not None else 0) + (_video_index.sync() if _video_index else 0)


def forget_index() -> None:
    """Drop this process's indexes and remembered bank scopes (tests; a worker told to start over)."""
    global _index, _video_index
    with _index_lock:
        _index = None
        _video_index = None
    forget_scopes()


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
