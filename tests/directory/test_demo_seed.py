"""The demo directory: twenty made-up services in the pilot areas, added once, found by the search."""

import pytest

from childshield.accounts.models import Agency, Membership, Role, User
from childshield.demo.accounts import AGENCIES
from childshield.demo.directory import KEEPER_EMAIL, RESOURCES, seed_directory
from childshield.directory.models import Resource, ServiceKind
from childshield.directory.selectors import resource_search

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_agencies(places) -> dict[str, Agency]:
    agencies = {
        spec.key: Agency.objects.create(country="VN", name=spec.name, kind=spec.kind) for spec in AGENCIES
    }
    user = User.objects.create_user(email=KEEPER_EMAIL, password="x-long-password-1", full_name="Vy Demo")
    Membership.objects.create(user=user, agency=agencies["helpline"], role=Role.SYSTEM_ADMIN)
    return agencies


def test_the_demo_services_are_added_once_and_cover_every_kind(demo_agencies, worker, places):
    assert seed_directory() == len(RESOURCES) >= 20
    assert seed_directory() == 0

    assert {row.kind for resource in Resource.objects.all() for row in resource.kinds.all()} == set(
        ServiceKind.values
    )
    kim_thuy = resource_search(acting=worker, area=places("VN44-LT-KIMTHUY"), kinds=["health"])
    assert "Kim Thuy Commune Health Station (demo)" in {resource.name_en for resource in kim_thuy}
    assert Resource.objects.get(name_en="Kon Ray Health Centre (demo)").agency == demo_agencies["health"]


def test_nothing_is_added_without_the_demo_accounts(places):
    assert seed_directory() == 0
