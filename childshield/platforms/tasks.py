"""Scheduled work of the platforms' API."""

from celery import shared_task

from childshield.platforms import idempotency


@shared_task
def idempotent_answers_purge() -> int:
    return idempotency.idempotent_answers_purge()
