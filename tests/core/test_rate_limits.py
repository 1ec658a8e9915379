"""Rate limits count atomically, in the cache and in the database that stands in while it is down."""

import shutil
import threading
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.db import connection, connections
from django.utils import timezone

from childshield.core import rate_limits
from childshield.core.models import RateCount
from childshield.core.rate_limits import Limit
from tests.fault.servers import RedisServer

LIMIT = Limit("test", allowed=3, window_seconds=60)


@pytest.fixture
def cache_down(monkeypatch):
    def unreachable(*args, **kwargs):
        raise ConnectionError("refused")

    from django.core.cache import cache

    for verb in ("add", "incr", "get", "decr", "set"):
        monkeypatch.setattr(cache, verb, unreachable)


@pytest.mark.django_db
def test_the_database_counts_in_a_window_that_restarts_when_it_ends(cache_down, monkeypatch):
    assert [rate_limits.hit(LIMIT, "client") for _ in range(4)] == [1, 2, 3, 4]
    later = timezone.now() + timedelta(seconds=61)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert rate_limits.hit(LIMIT, "client") == 1
    assert rate_limits.hit(LIMIT, "another client") == 1


@pytest.mark.django_db
def test_a_forgiven_try_comes_off_the_count(cache_down):
    rate_limits.hit(LIMIT, "client")
    rate_limits.hit(LIMIT, "client")
    rate_limits.forgive(LIMIT, "client")
    assert RateCount.objects.get().count == 1


@pytest.mark.django_db
def test_old_database_counters_are_purged(cache_down):
    rate_limits.hit(LIMIT, "client")
    RateCount.objects.update(window_start=timezone.now() - timedelta(days=2))
    assert rate_limits.counts_purge() == 1 and not RateCount.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres_only
def test_parallel_hits_in_the_database_each_get_their_own_count(cache_down):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs concurrent connections")
    start = threading.Barrier(12)
    counts: list[int] = []

    def hit() -> None:
        try:
            start.wait()
            counts.append(rate_limits.hit(LIMIT, "burst"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=hit) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert sorted(counts) == list(range(1, 13))


@pytest.fixture
def redis_cache(settings):
    """The cache on a redis-server of this test's own, as in production."""
    if not shutil.which("redis-server"):
        pytest.fail("redis-server is missing: `make test` installs Debian's")
    server = RedisServer()
    server.start()
    try:
        settings.CACHES = {
            "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": server.url(1)}
        }
        backend = caches["default"]
        yield backend, backend._cache.get_client(write=True)
    finally:
        server.stop()


@pytest.mark.django_db
def test_redis_counts_each_event_once_in_a_window_that_expires(redis_cache):
    backend, client = redis_cache
    assert [rate_limits.hit(LIMIT, "client") for _ in range(4)] == [1, 2, 3, 4]
    key = backend.make_and_validate_key("rate:test:client")
    assert 0 < client.ttl(key) <= 60
    # A count whose expiry was lost (a process stopped between counting and setting it) gets one.
    client.persist(key)
    assert rate_limits.hit(LIMIT, "client") == 5
    assert 0 < client.ttl(key) <= 60
    # Once the window has gone, counting starts again.
    client.delete(key)
    assert rate_limits.hit(LIMIT, "client") == 1
    assert rate_limits.hit(LIMIT, "another-client") == 1
    assert not RateCount.objects.exists()


@pytest.mark.django_db
def test_redis_takes_a_forgiven_try_off_its_count(redis_cache):
    backend, _client = redis_cache
    for _ in range(3):
        rate_limits.hit(LIMIT, "client")
    rate_limits.forgive(LIMIT, "client")
    assert backend.get("rate:test:client") == 2
    assert rate_limits.hit(LIMIT, "client") == 3
