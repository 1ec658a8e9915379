"""Background work of the outbox: delivering one item now, and the minute sweep (Celery beat).

Thin doors onto services, imported inside each task: the services kick these tasks themselves.
"""

from celery import shared_task


@shared_task(ignore_result=True)
def outbox_deliver(item_id: int) -> bool:
    from childshield.outbox.services import outbox_item_deliver

    return outbox_item_deliver(item_id=item_id)


@shared_task(ignore_result=True)
def outbox_sweep() -> int:
    from childshield.outbox.services import outbox_sweep as sweep

    return sweep()
