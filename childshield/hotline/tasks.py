"""Background work of the hotline: the first notice after confirmation, retries, re-notices, removal checks.

Thin doors onto services; the periodic ones are scheduled by Celery beat (see README / settings).
Services are imported inside each task: they queue these tasks themselves.
"""

from celery import shared_task


@shared_task
def item_confirmed(item_id: int) -> int | None:
    from childshield.hotline.services.notices import notice_first_send

    notice = notice_first_send(item_id=item_id)
    return None if notice is None else notice.pk


@shared_task
def notice_send(notice_id: int) -> str:
    from childshield.hotline.services import notices

    return str(notices.notice_send(notice_id=notice_id).state)


@shared_task
def notices_due() -> int:
    """Every minute: lost first notices, queued and failed notices due, then re-notices and escalations."""
    from childshield.hotline.services import notices

    return notices.notices_first_send_due() + notices.notices_retry_due() + notices.items_renotice_due()


@shared_task
def removal_checks() -> int:
    from childshield.hotline.services.removal import removal_checks_due

    return removal_checks_due()
