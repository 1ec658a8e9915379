"""Standing people for the suite: a worker, a colleague in the same agency, and an outsider agency."""

from collections.abc import Callable, Iterator

import pytest
from django.test import Client

from childshield.accounts.models import Agency, AgencyKind, Membership, Role, User

PASSWORD = "a-long-test-password-1"


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
def sign_in(client: Client) -> Callable[..., Client]:
    """Signs a member in through the real sign-in page, as a person would."""

    def do(membership: Membership, *, password: str = PASSWORD, language: str = "en") -> Client:
        response = client.post(
            f"/{language}/account/sign-in/", {"username": membership.user.email, "password": password}
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        return client

    return do
