"""Celery tasks of operations: thin doors onto its services."""

from celery import shared_task

from childshield.operations.retention import retention_run as run


@shared_task
def retention_run() -> dict[str, int]:
    """The nightly retention run (docs/retention.md): the counts erased per kind."""
    return run().erased
