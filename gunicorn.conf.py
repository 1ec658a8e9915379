"""gunicorn's settings for production: `gunicorn` from the repository's root reads this file by itself.

The PDQ match index is one per host (docs/decisions/0006-one-match-index-per-host.md). Before any
worker starts, the master has `manage.py match_index --if-behind` write it into HASHING_INDEX_DIR
if it is missing or far behind the banks' history (else the files are only read ahead into the
page cache); beside the workers it keeps `manage.py match_index --follow` running, which writes a
new one whenever the history has moved HASHING_INDEX_REBUILD_AFTER changes past it; and each
worker maps it and catches up with the history before its first request. The master itself never
imports Django: the commands run as processes of their own, and the app is not preloaded (the
workers share the index through the page cache, not through fork).

Command-line flags override what is set here (`--bind`, `--workers`, `--timeout`).
"""

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "childshield.settings.production")
os.environ.setdefault("HASHING_INDEX_DIR", str(ROOT / "var" / "match-index"))

wsgi_app = "childshield.wsgi:application"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Access lines name the route, never the path, the address, the query or the referring page.
logger_class = "childshield.core.log_routes.RouteOnlyAccessLog"

_INDEXER_STOP_SECONDS = 30


def _match_index_command(*flags: str) -> list[str]:
    return [sys.executable, str(ROOT / "manage.py"), "match_index", *flags]


def on_starting(server: Any) -> None:
    """Write the host's match index (or read it ahead) before the workers start, so none builds its own."""
    # the commands are this file's own, never input
    if subprocess.run(_match_index_command("--if-behind"), cwd=ROOT).returncode:  # noqa: S603
        server.log.error("The match index could not be written; each worker builds its own until it is.")


def when_ready(server: Any) -> None:
    server.match_indexer = subprocess.Popen(_match_index_command("--follow"), cwd=ROOT)  # noqa: S603


def on_exit(server: Any) -> None:
    indexer = getattr(server, "match_indexer", None)
    if indexer is None or indexer.poll() is not None:
        return
    indexer.terminate()
    try:
        indexer.wait(timeout=_INDEXER_STOP_SECONDS)
    except subprocess.TimeoutExpired:
        indexer.kill()


def post_worker_init(worker: Any) -> None:
    """Import the views, map the host's index and catch up with the history before the first request."""
    from django.db import connections
    from django.urls import get_resolver

    from childshield.hashing import matching

    started = time.monotonic()
    get_resolver().check()  # imports every URL module and view now, not in the first request
    try:
        index = matching.warm()
    except Exception:  # the database may be away: the first match tries again, the worker still starts
        worker.log.exception("The match index could not be loaded before the first request.")
    else:
        worker.log.info(
            "Ready in %.2f s: views imported, %s",
            time.monotonic() - started,
            f"match index {index.generation} mapped, {index.overlay_size} changes in this worker's overlay"
            if index is not None
            else "no match index in HASHING_INDEX_DIR: the first match builds this worker's own",
        )
    finally:
        connections.close_all()
