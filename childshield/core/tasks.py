"""Core's background work: clearing the rate-limit counters the database kept while the cache was down."""

from celery import shared_task

from childshield.core import rate_limits


@shared_task
def rate_counts_purge() -> int:
    return rate_limits.counts_purge()
