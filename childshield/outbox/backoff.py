"""How long an outbox item waits after a failed attempt: exponential, capped, with jitter."""

import secrets
from datetime import timedelta

from django.conf import settings

# However many attempts failed, an item is tried again at least this often.
LONGEST_WAIT = timedelta(hours=6)


def retry_delay(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: OUTBOX_BACKOFF_SECONDS, doubled each time.

    Half of it is random ("equal jitter"), so that items which failed together (a mail server down
    for ten minutes) do not all come back in the same second.
    """
    doubled = settings.OUTBOX_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0)
    wait = min(doubled, LONGEST_WAIT.total_seconds())
    half = wait / 2
    return timedelta(seconds=half + secrets.randbelow(int(half) + 1))
