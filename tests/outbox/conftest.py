"""The outbox's cast: a broker that does not answer, administrators to alert, a handler that fails on
demand; and the cases' people, for a referral answered while the broker is down."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from celery.app.task import Task
from django.db import transaction
from kombu.exceptions import OperationalError

from childshield.accounts.models import Agency, AgencyKind
from childshield.celery import app as celery_app
from childshield.outbox import handlers
from childshield.outbox.models import OutboxItem
from childshield.outbox.services import outbox_enqueue

# The cases' standing people, used here for referrals.
from tests.cases.conftest import commune, focal_point, open_case, school_agency, supervisor  # noqa: F401

ADMIN_EMAIL = "admin@example.org"


@pytest.fixture
def broker_down(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tasks are sent to the broker, not run eagerly, and every send fails as with Redis stopped."""

    def refuse(self, *args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(Task, "apply_async", refuse)
    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = saved


@pytest.fixture
def administrators(settings):
    settings.ADMINS = [("", ADMIN_EMAIL)]
    return ADMIN_EMAIL


@pytest.fixture
def hotline_agency(db: None) -> Agency:
    return Agency.objects.create(country="VN", name="Child Online Hotline (test)", kind=AgencyKind.HOTLINE)


@dataclass
class FlakyHandler:
    """A registered handler that fails while `failing`, and records what it delivered."""

    kind: str = "test.flaky"
    failing: bool = False
    delivered: list[str] = field(default_factory=list)
    during: Callable[[], object] | None = None

    def __call__(self, *, payload: dict[str, object], idempotency_key: str) -> None:
        if self.during is not None:
            self.during()
        if self.failing:
            raise RuntimeError(f"cannot reach {payload.get('to')}")
        self.delivered.append(idempotency_key)

    def enqueue(self, payload: dict[str, object] | None = None, key: str | None = None) -> OutboxItem:
        with transaction.atomic():
            return outbox_enqueue(
                kind=self.kind, payload=payload or {"to": "child@example.org"}, idempotency_key=key
            )


@pytest.fixture
def flaky() -> Iterator[FlakyHandler]:
    handler = FlakyHandler()
    handlers.register(handler.kind, handler)
    yield handler
    handlers.unregister(handler.kind)
