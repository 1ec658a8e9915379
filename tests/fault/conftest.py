"""Fault tests: real outages of processes the test owns, on PostgreSQL (a worker in another process
cannot see an in-memory SQLite test database)."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from tests.fault.servers import AppServer, CeleryWorker, RedisServer, django_env

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]


@pytest.fixture
def postgres(db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("fault tests run on PostgreSQL: other processes must see the test database")


@pytest.fixture
def redis_server(postgres: None) -> Iterator[RedisServer]:
    if not shutil.which("redis-server"):
        message = "redis-server is missing: `make test` installs Debian's"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    server = RedisServer()
    server.start()
    yield server
    server.stop()


def database_url() -> str:
    settings = connection.settings_dict
    user = settings.get("USER") or "postgres"
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgresql://{user}{password}@{host}:{port}/{settings['NAME']}"


@pytest.fixture
def mail_dir(tmp_path: Path) -> Path:
    path = tmp_path / "mail"
    path.mkdir()
    return path


@pytest.fixture
def process_env(redis_server: RedisServer, mail_dir: Path) -> dict[str, str]:
    """What the app and the worker share: the test database, the test's Redis (broker in db 0, cache
    in db 1), e-mails written as files, and tasks sent to the broker rather than run in place."""
    return django_env(
        DATABASE_URL=database_url(),
        CELERY_BROKER_URL=redis_server.url(0),
        CACHE_URL=redis_server.url(1),
        CELERY_TASK_ALWAYS_EAGER="false",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(mail_dir),
    )


@pytest.fixture
def app_server(process_env: dict[str, str]) -> Iterator[AppServer]:
    server = AppServer(process_env)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def worker(process_env: dict[str, str]) -> Iterator[CeleryWorker]:
    """A worker, not started: the test starts, kills and restarts it."""
    process = CeleryWorker(process_env)
    yield process
    process.stop()
