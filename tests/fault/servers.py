"""The processes a fault test owns: its own redis-server, the app under gunicorn, a Celery worker.

Each runs on a free port of the loopback interface, is started and stopped by the test that owns it
(never the machine's shared Redis or workers), and can be stopped hard to make a real outage.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from celery import Celery

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(check: Callable[[], bool], *, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise TimeoutError(f"{what} did not happen within {seconds} s")


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


class Process:
    """A child process with its output in a temporary file (shown when a test fails)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.popen: subprocess.Popen[bytes] | None = None
        self.log = Path(tempfile.mkstemp(prefix=f"fault-{name}-", suffix=".log")[1])

    def spawn(self, argv: list[str], env: dict[str, str]) -> None:
        with self.log.open("ab") as log:
            self.popen = subprocess.Popen(
                argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    @property
    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def kill(self) -> None:
        """Stop at once, as a crash or a lost machine would: no clean shutdown, nothing finished."""
        if self.popen is not None and self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=10)
        self.popen = None

    def stop(self) -> None:
        if self.popen is not None and self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        self.popen = None

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


class RedisServer(Process):
    """A redis-server of the test's own, keeping nothing on disk."""

    def __init__(self) -> None:
        super().__init__("redis")
        self.port = free_port()
        self.binary = shutil.which("redis-server") or ""

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        self.spawn(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            dict(os.environ),
        )
        wait_for(lambda: _answers(self.port), seconds=10, what="redis-server answering")


def django_env(**overrides: str) -> dict[str, str]:
    """The environment of the app and worker processes: the test settings, the test's database."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    env.update({"DJANGO_SETTINGS_MODULE": "childshield.settings.test", "PYTHONPATH": str(ROOT)})
    env.update(overrides)
    return env


class AppServer(Process):
    """childshield under gunicorn, as in production: sync workers, one request each."""

    def __init__(self, env: dict[str, str]) -> None:
        super().__init__("app")
        self.port = free_port()
        self.env = env

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.spawn(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "childshield.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--timeout",
                "60",
                "--logger-class",
                "childshield.core.log_routes.RouteOnlyAccessLog",
            ],
            self.env,
        )
        wait_for(self._ready, seconds=60, what="the app answering /healthz")

    def _ready(self) -> bool:
        if not self.running:
            raise RuntimeError(f"the app exited:\n{self.output()}")
        try:
            return httpx.get(f"{self.base_url}/healthz", timeout=2).status_code in (200, 503)
        except httpx.HTTPError:
            return False

    def client(self) -> httpx.Client:
        # The public pages check that a POST comes from the same site, as a browser says it does.
        return httpx.Client(base_url=self.base_url, headers={"Origin": self.base_url}, timeout=30)


class CeleryWorker(Process):
    """One Celery worker process (solo pool: one task at a time), on the test's own broker."""

    def __init__(self, env: dict[str, str]) -> None:
        super().__init__("worker")
        self.env = env

    def start(self) -> None:
        self.spawn(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "childshield",
                "worker",
                "--pool",
                "solo",
                "--without-mingle",
                "--without-gossip",
                "--loglevel",
                "INFO",
            ],
            self.env,
        )
        wait_for(lambda: "ready" in self.output() or not self.running, seconds=60, what="the worker ready")
        if not self.running:
            raise RuntimeError(f"the worker exited:\n{self.output()}")


def sweep_now(redis_server: RedisServer) -> None:
    """What Celery beat sends every minute (the outbox sweep), sent now through the test's broker."""
    Celery(broker=redis_server.url(0)).send_task("childshield.outbox.tasks.outbox_sweep")
