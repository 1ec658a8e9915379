"""Background work for the helpline (scheduled by Celery beat)."""

from celery import shared_task

from childshield.helpline.services.alerts import urgent_alerts_send


@shared_task
def urgent_alerts() -> int:
    """Tell supervisors by e-mail of urgent items left waiting, even when nobody has the queue open."""
    return urgent_alerts_send()
