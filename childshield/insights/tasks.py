"""Background work for the indicators (scheduled by Celery beat): the monthly counts pages read."""

from celery import shared_task
from django.utils import timezone

from childshield.insights.figures.refresh import recent_months, refresh


@shared_task
def figures_refresh_recent() -> int:
    """Recount this month and the one before (records of last month still arrive)."""
    return refresh(recent_months(timezone.localdate()))


@shared_task
def figures_refresh_all() -> int:
    """Recount every month, so a record changed later is counted right by the next morning."""
    return refresh()
