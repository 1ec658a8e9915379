"""Rate limits count atomically, in the cache and in the database that stands in while it is down."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from childshield.core import rate_limits
from childshield.core.models import RateCount
from childshield.core.rate_limits import Limit

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
