"""The match index each process keeps in memory, kept current by replaying the banks' history.

The index holds every live PDQ entry of every bank; which banks a caller may match against, and
whether a bank is switched on, is decided when results are read back from the database, so
switching a bank off never needs the index to change.
"""

from __future__ import annotations

import threading

from django.db.models import Max

from childshield.hashing.index import DEFAULT_RADIUS, PdqIndex, hashes_from_hex
from childshield.hashing.models import Algorithm, ChangeKind, HashChange, HashEntry

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
    """Drop this process's index (tests; a worker told to start over)."""
    global _index
    with _index_lock:
        _index = None
