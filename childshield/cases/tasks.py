"""Background work for cases (scheduled by Celery beat): the daily reminder of follow-ups due, and
the alerts about referrals left unanswered past their deadline."""

from celery import shared_task
from django.utils import timezone

from childshield.cases.services.follow_ups import followup_reminders_queue
from childshield.cases.services.referral_deadlines import referral_deadline_alerts_send


@shared_task
def follow_up_reminders() -> int:
    return followup_reminders_queue(today=timezone.localdate())


@shared_task
def referral_deadline_alerts() -> int:
    """Alert the receiving supervisors of referrals past their deadline (and twice it), even when
    nobody has the inbox open."""
    return referral_deadline_alerts_send()
