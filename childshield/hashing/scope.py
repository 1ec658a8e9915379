"""Which banks each caller matches against, remembered in this process until the match scope changes.

The match API answers in about a millisecond, so even the small query that finds a caller's banks
is worth remembering: each process keeps the bank ids per API key and per membership. They are
dropped when the match scope's version moves, which every call reads (one row, by its primary
key): the services that create a bank, change its sharing, switch it on or off, or revoke a key
set a new version in their own transaction, so every process on every host sees the change at its
next call. Whatever happens, an answer is kept at most SCOPE_TTL_SECONDS (a change made outside the
services). Not the shared cache in core: it may be down, and asking it costs what the query costs.

A revoked key is refused by its authentication, which is never remembered.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from childshield.hashing.models import MatchScopeVersion

SCOPE_TTL_SECONDS = 30.0
_MAX_CALLERS = 10_000  # keys and memberships; past this, start again rather than grow


@dataclass(frozen=True)
class _Remembered:
    version: int
    until: float  # time.monotonic()
    bank_ids: tuple[int, ...]


_remembered: dict[str, _Remembered] = {}


def scope_version() -> int:
    return MatchScopeVersion.objects.filter(pk=1).values_list("version", flat=True).first() or 0


def match_scope_changed() -> None:
    """Make every process forget the bank ids it remembers, at its next call.

    Called inside the transaction of the change: no process can see the new version before the
    change itself is visible.
    """
    version = secrets.randbits(63)
    if not MatchScopeVersion.objects.filter(pk=1).update(version=version):
        MatchScopeVersion.objects.update_or_create(pk=1, defaults={"version": version})


def remembered_bank_ids(
    caller: str, load: Callable[[], list[int]], *, version: int | None = None
) -> list[int]:
    """The bank ids `load` finds for this caller, from memory while the scope has not changed.

    `version`: the scope's version if it was already read in this request (with the API key).
    """
    # The version is read before the banks: a change committed between the two reads is then
    # remembered under the old version, and reloaded at the next call. The other way round, the
    # old banks could be remembered under the new version until the time limit.
    if version is None:
        version = scope_version()
    now = time.monotonic()
    held = _remembered.get(caller)
    if held is not None and held.version == version and now < held.until:
        return list(held.bank_ids)
    bank_ids = load()
    if len(_remembered) >= _MAX_CALLERS:
        _remembered.clear()
    _remembered[caller] = _Remembered(version, now + SCOPE_TTL_SECONDS, tuple(bank_ids))
    return bank_ids


def forget_scopes() -> None:
    """Drop every remembered answer (tests; a worker told to start over)."""
    _remembered.clear()
