"""Best-effort kicks: asking a worker, through the broker, to start now on work that a durable record
(an outbox item, a queued hotline notice) will get done anyway.

The only place in childshield that hands a task to the broker from application code. A kick never
raises and never waits for a broker that does not answer: the work waits in the database, and the
minute sweep does it once the broker is back. The administrators hear of it (at most once per
ALERT_REPEAT_MINUTES); the log names the task and the error's class, never an argument.
"""

import logging
from functools import partial
from typing import Any

from celery import Task
from django.db import transaction

from childshield.core.alerts import administrators_alert

logger = logging.getLogger(__name__)

BROKER_ALERT = "outbox.kick_failed"


def kick(task: "Task[Any, Any]", *args: Any) -> bool:
    """Hand `task(*args)` to the broker now (in eager mode, run it now); False when that failed."""
    try:
        # retry=False: the request must not wait out the broker's publish retries; the sweep catches up.
        task.apply_async(args=args, retry=False)
    except Exception as error:  # any broker or transport failure, or a task run eagerly that raised
        logger.warning(
            "could not start %s now (%s); the sweep will do the work", task.name, type(error).__name__
        )
        administrators_alert(
            kind=BROKER_ALERT,
            summary=(
                f"Background work could not be handed to the broker ({type(error).__name__}). "
                "Nothing is lost: it waits in the database and the minute sweep does it once the "
                "broker and Celery beat run again. Check CELERY_BROKER_URL, the broker and the workers."
            ),
        )
        return False
    return True


def kick_on_commit(task: "Task[Any, Any]", *args: Any) -> None:
    """Kick `task(*args)` once the current transaction commits (never if it rolls back)."""
    transaction.on_commit(partial(kick, task, *args), robust=True)
