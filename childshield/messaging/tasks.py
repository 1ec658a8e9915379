"""Scheduled work of the chat channels."""

from celery import shared_task
from django.conf import settings

from childshield.messaging import services


@shared_task
def inbound_events_purge() -> int:
    return services.inbound_events_purge(older_than_days=settings.MESSAGING_KEEP_EVENT_IDS_DAYS)
