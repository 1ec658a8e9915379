"""Background work for cases: the daily reminder of follow-ups due (scheduled by Celery beat)."""

from celery import shared_task
from django.utils import timezone

from childshield.cases.services.follow_ups import followup_reminders_queue


@shared_task
def follow_up_reminders() -> int:
    return followup_reminders_queue(today=timezone.localdate())
