"""Standing people for the suite: a worker, a colleague in the same agency, an outsider agency, and a
helpline with its counsellor and supervisor; and the demo, seeded once for the module that asks for it."""

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest
from django.db import transaction
from django.test import Client
from pytest_django import DjangoDbBlocker

from childshield.accounts.models import Agency, AgencyKind, Membership, Role, User

if TYPE_CHECKING:
    from childshield.demo.services import SeedReport

PASSWORD = "a-long-test-password-1"


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    """Rate-limit counters and remembered answers live in the cache, which outlives each test's
    database (whose ids start again): every test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def no_language_left_active() -> Iterator[None]:
    """A request through the test client activates its page's language in the test's thread and
    leaves it there: the next test would read labels, and resolve "/en/" routes, in Khmer."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def fresh_match_index() -> Iterator[None]:
    """The process's match indexes outlive each test's database, whose ids start again: forget them."""
    from childshield.hashing import matching

    matching.forget_index()
    yield
    matching.forget_index()


@pytest.fixture
def make_member(db: None) -> Callable[..., Membership]:
    def make(
        *,
        email: str,
        role: Role = Role.CASE_WORKER,
        agency: Agency | None = None,
        password: str = PASSWORD,
    ) -> Membership:
        if agency is None:
            agency, _ = Agency.objects.get_or_create(
                country="VN", name="Commune Social Work Office", defaults={"kind": AgencyKind.SOCIAL_SERVICES}
            )
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email=email, password=password, full_name=f"Test {email.split('@')[0].title()}"
        )
        return Membership.objects.create(user=user, agency=agency, role=role)

    return make


@pytest.fixture
def social_agency(db: None) -> Agency:
    return Agency.objects.create(
        country="VN", name="Commune Social Work Office", kind=AgencyKind.SOCIAL_SERVICES
    )


@pytest.fixture
def outsider_agency(db: None) -> Agency:
    return Agency.objects.create(country="VN", name="Provincial Police (test)", kind=AgencyKind.POLICE)


@pytest.fixture
def worker(make_member: Callable[..., Membership], social_agency: Agency) -> Membership:
    return make_member(email="worker@example.org", role=Role.CASE_WORKER, agency=social_agency)


@pytest.fixture
def colleague(make_member: Callable[..., Membership], social_agency: Agency) -> Membership:
    return make_member(email="colleague@example.org", role=Role.CASE_SUPERVISOR, agency=social_agency)


@pytest.fixture
def outsider(make_member: Callable[..., Membership], outsider_agency: Agency) -> Membership:
    return make_member(email="outsider@example.org", role=Role.CASE_WORKER, agency=outsider_agency)


@pytest.fixture
def helpline_agency(db: None) -> Agency:
    return Agency.objects.create(
        country="VN", name="National Child Helpline (test)", kind=AgencyKind.HELPLINE
    )


@pytest.fixture
def counsellor(make_member: Callable[..., Membership], helpline_agency: Agency) -> Membership:
    return make_member(email="counsellor@example.org", role=Role.COUNSELLOR, agency=helpline_agency)


@pytest.fixture
def supervisor(make_member: Callable[..., Membership], helpline_agency: Agency) -> Membership:
    """The helpline's supervisor. Cases' tests have their own `supervisor`, the case supervisor of
    the worker's agency (tests/cases/conftest.py)."""
    return make_member(email="supervisor@example.org", role=Role.HELPLINE_SUPERVISOR, agency=helpline_agency)


@pytest.fixture
def sign_in(client: Client) -> Callable[..., Client]:
    """Signs a member in through the real sign-in page, as a person would."""

    def do(membership: Membership, *, password: str = PASSWORD, language: str = "en") -> Client:
        response = client.post(
            f"/{language}/account/sign-in/", {"username": membership.user.email, "password": password}
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        return client

    return do


# The demo ---------------------------------------------------------------------------------------------

# Modules whose demo transaction is open, by module name.
_SEEDED: set[str] = set()


@pytest.fixture(scope="module")
def _demo_seeded(
    request: pytest.FixtureRequest, django_db_setup: None, django_db_blocker: DjangoDbBlocker
) -> "Iterator[SeedReport]":
    """Seeds the demo (what `manage.py seed_demo` does) once for the module, in a transaction rolled
    back after its last test. Each test runs in a savepoint inside it (see `demo`), so what one test
    changes the next never sees, on SQLite and PostgreSQL alike."""
    from childshield.demo.services import demo_seed

    module = request.module.__name__
    with django_db_blocker.unblock(), transaction.atomic():
        # The figures' thousands of records only for modules that read them (DEMO_FIGURES = True).
        report = demo_seed(figures=getattr(request.module, "DEMO_FIGURES", False))
        _SEEDED.add(module)
        yield report
        _SEEDED.discard(module)
        transaction.set_rollback(True)


@pytest.fixture
def demo(db: None, _demo_seeded: "SeedReport") -> "SeedReport":
    """The seeded demo, and what its one seeding reported (`created`, `kept`)."""
    return _demo_seeded


@pytest.fixture(autouse=True)
def _the_demo_only_where_asked_for(request: pytest.FixtureRequest) -> None:
    """A test that comes after a demo test in the same module would see the demo without asking."""
    if request.module.__name__ in _SEEDED and "_demo_seeded" not in request.fixturenames:
        pytest.fail(
            f"{request.node.nodeid} runs in a module whose demo is seeded: "
            "ask for the `demo` fixture, or move the test to a module without it."
        )
