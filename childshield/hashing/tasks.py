"""Background work for hashing: telling match workers that banks changed."""

from celery import shared_task

from childshield.hashing.matching import match_index, video_index


@shared_task(ignore_result=True)
def index_sync() -> int:
    """Replay the banks' new history into this worker's match indexes (pictures and videos).

    A match also syncs before it answers, so a worker that misses this message is never stale;
    the message only moves the work of loading new hashes off the path of the next match.
    """
    return match_index().sync() + video_index().sync()
