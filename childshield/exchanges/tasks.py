"""Background work of the exchanges: a connection's run, and the beat's look for connections due."""

from celery import shared_task

from childshield.exchanges.runs import exchange_run as run
from childshield.exchanges.selectors import connections_due


@shared_task(ignore_result=True)
def exchange_run(connection_id: int) -> None:
    """Run one connection (asked from its page, or found due); does nothing if it is already running."""
    run(connection_id=connection_id)


@shared_task(ignore_result=True)
def exchanges_due() -> int:
    """Run, one after another, the connections asked to run or whose interval has passed (beat)."""
    due = connections_due()
    for connection_id in due:
        run(connection_id=connection_id)
    return len(due)
