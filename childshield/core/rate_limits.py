"""Rate limits counted atomically: in the shared cache, and in the database while the cache is down.

A limit counts first and checks the new count (`hit`), so a burst of parallel requests cannot all
pass a check made before any of them was counted. Keys are keyed hashes (`core.blind_index`),
never an address or a code as typed.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.db.models import F
from django.utils import timezone

from childshield.core.alerts import cache_unreachable_alert
from childshield.core.models import RateCount

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    bucket: str
    allowed: int
    window_seconds: int


def _key(limit: Limit, client: str) -> str:
    return f"rate:{limit.bucket}:{client}"


class CacheUnavailable(Exception):
    """The cache answered with an error; the caller counts in the database instead."""


def _cache_hit(key: str, window_seconds: int) -> int:
    try:
        backend = caches["default"]
        if isinstance(backend, RedisCache):
            return _redis_hit(backend, key, window_seconds)
        # add + incr are each atomic; incr on a key that expired in between raises.
        backend.add(key, 0, timeout=window_seconds)
        try:
            return int(backend.incr(key))
        except ValueError:
            backend.add(key, 0, timeout=window_seconds)
            return int(backend.incr(key))
    except ValueError:
        raise
    except Exception as error:
        raise CacheUnavailable(type(error).__name__) from error


def _redis_hit(backend: RedisCache, key: str, window_seconds: int) -> int:
    """One round trip: INCR and TTL in one transaction; the window's expiry is set when the key has
    none (its first event, or a process that stopped between the two), a second round trip then only.

    Django's own add + incr costs three (SET NX, EXISTS, INCRBY). The count is a bare integer, as
    Django's Redis cache stores integers, so `cache.get` and `cache.decr` read and change it.
    """
    full_key = backend.make_and_validate_key(key)
    client = backend._cache.get_client(full_key, write=True)  # type: ignore[attr-defined]  # Django's client
    pipeline = client.pipeline(transaction=True)
    pipeline.incr(full_key)
    pipeline.ttl(full_key)
    count, ttl = pipeline.execute()
    if ttl == -1:  # no expiry: this event opened the window
        client.expire(full_key, window_seconds)
    return int(count)


_UPSERT = """
INSERT INTO {table} (bucket_key, window_start, count) VALUES (%s, %s, 1)
ON CONFLICT (bucket_key) DO UPDATE SET
  count = CASE WHEN {table}.window_start <= %s THEN 1 ELSE {table}.count + 1 END,
  window_start = CASE WHEN {table}.window_start <= %s THEN excluded.window_start ELSE {table}.window_start END
RETURNING count
"""


def _database_hit(key: str, window_seconds: int) -> int:
    """One statement, so two processes counting at once both see their own increment."""
    now = timezone.now()
    expired_before = now - timedelta(seconds=window_seconds)
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            _UPSERT.format(table=connection.ops.quote_name(RateCount._meta.db_table)),
            [key, adapt(now), adapt(expired_before), adapt(expired_before)],
        )
        row = cursor.fetchone()
    return int(row[0])


def _degraded(error_kind: str) -> None:
    # Only the kind of error: a key is a hash, but nothing about a client belongs in the logs.
    logger.warning("The cache is unreachable (%s); rate limits count in the database.", error_kind)
    cache_unreachable_alert(error_kind)


def hit(limit: Limit, client: str) -> int:
    """Count one more event in the window (which starts at the first one); the new count."""
    key = _key(limit, client)
    try:
        return _cache_hit(key, limit.window_seconds)
    except CacheUnavailable as error:
        _degraded(str(error))
        return _database_hit(key, limit.window_seconds)


def hit_all(limits: list[tuple[Limit, str]]) -> bool:
    """Count one event against each (limit, client); True if any is now over its allowance."""
    over = False
    for limit, client in limits:
        over = hit(limit, client) > limit.allowed or over
    return over


def forgive(limit: Limit, client: str) -> None:
    """Take back one counted event (an attempt that turned out right), never below zero."""
    key = _key(limit, client)
    try:
        try:
            if int(cache.get(key, 0)) > 0:
                cache.decr(key)
                return  # counted in the cache: the database holds nothing of it
        except ValueError:
            pass
    except Exception as error:
        _degraded(type(error).__name__)
    # The database count, if the cache was down when the event was counted.
    RateCount.objects.filter(bucket_key=key, count__gt=0).update(count=F("count") - 1)


def counts_purge() -> int:
    """Delete database counters whose window ended long ago; how many were deleted."""
    return RateCount.objects.filter(window_start__lt=timezone.now() - timedelta(days=1)).delete()[0]
