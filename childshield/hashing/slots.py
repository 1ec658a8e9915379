"""A limit, shared by every process on the host, on how many images are decoded and hashed at once.

A large image takes hundreds of megabytes while it is decoded and hashed, and each web worker
serves one request at a time, so the risk is the number of workers times that peak. The limit is
HASHING_CONCURRENCY lock files in HASHING_SLOT_DIR: a hash holds one with flock(2) while it runs;
the kernel lets go of it when the process ends, however it ends, so a crashed worker never keeps
a slot. Web workers, Celery workers and management commands on the host count together as long
as they share the directory.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

RETRY_AFTER_SECONDS = 60  # what a refused caller is told to wait (the message says "a minute")
_POLL_SECONDS = 0.05


class NoSlotFree(Exception):
    """Every slot stayed taken for HASHING_WAIT_SECONDS."""


def slot_path(directory: Path, number: int) -> Path:
    return directory / f"slot-{number}.lock"


@contextmanager
def hashing_slot() -> Iterator[None]:
    """Holds one of the host's slots for the block; NoSlotFree if none frees within the wait.

    A HASHING_CONCURRENCY of 0 turns the limit off.
    """
    slots = settings.HASHING_CONCURRENCY
    if slots <= 0:
        yield
        return
    directory = Path(settings.HASHING_SLOT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + settings.HASHING_WAIT_SECONDS
    while True:
        for number in range(slots):
            descriptor = _take(slot_path(directory, number))
            if descriptor is None:
                continue
            try:
                yield
            finally:
                os.close(descriptor)  # closing the only descriptor lets go of the lock
            return
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise NoSlotFree
        time.sleep(min(_POLL_SECONDS, remaining))


def _take(path: Path) -> int | None:
    """A descriptor holding the slot's lock, or None if another holds it."""
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o660)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        return None
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor
