"""Background work for hashing: telling match workers that banks changed."""

from celery import shared_task

from childshield.hashing.matching import sync_loaded


@shared_task(ignore_result=True)
def index_sync() -> int:
    """Replay the banks' new history into this worker's match indexes (pictures and videos), if it has any.

    A match also syncs before it answers, so a worker that misses this message is never stale;
    the message only moves the work of loading new hashes off the path of the next match. A
    worker that never matched builds no index for it (a Celery worker would otherwise build the
    whole index only to keep it current).
    """
    return sync_loaded()
