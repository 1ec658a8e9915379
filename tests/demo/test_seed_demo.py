"""The demo: every agency kind of the pilot, one account per role, seeded again without change.

The demo is seeded once for this module (the `demo` fixture); each test sees it fresh."""

from io import StringIO

import pytest
from django.core.management import call_command

from childshield.accounts.models import Agency, AgencyKind, Membership, Role, User
from childshield.accounts.navigation import navigation_for
from childshield.demo.accounts import ACCOUNTS
from childshield.insights.scope import figures_scope
from childshield.settings.demo_secrets import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

# `manage.py seed_demo` seeds the figures too: this module's demo has them, so a second seed adds nothing.
DEMO_FIGURES = True


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_the_demo_has_every_agency_kind_of_the_pilot_and_one_account_per_role(demo):
    kinds = set(Agency.objects.values_list("kind", flat=True))
    assert {
        AgencyKind.SCHOOL,
        AgencyKind.SOCIAL_SERVICES,
        AgencyKind.HELPLINE,
        AgencyKind.HOTLINE,
        AgencyKind.HEALTH,
        AgencyKind.POLICE,
        AgencyKind.NGO,
        AgencyKind.PLATFORM,
    } <= kinds
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Role.values)


def test_seeding_twice_changes_nothing_and_says_so(demo):
    user = User.objects.get(email="counsellor@demo.childshield.test")
    user.set_password("changed-by-the-person-1")
    user.save()
    counts = (Agency.objects.count(), User.objects.count(), Membership.objects.count())
    output = _seed()
    assert "already there (nothing changed)" in output
    assert (Agency.objects.count(), User.objects.count(), Membership.objects.count()) == counts
    assert User.objects.get(pk=user.pk).check_password("changed-by-the-person-1")


@pytest.mark.parametrize("account", ACCOUNTS, ids=lambda account: account.email.split("@")[0])
def test_each_demo_account_signs_in_and_sees_the_pages_of_its_role(demo, client, account):
    response = client.post("/en/account/sign-in/", {"username": account.email, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    home = client.get("/en/account/")
    if len(account.memberships) > 1:
        # Someone in two agencies first chooses which one they act for.
        assert "Choose the agency you act for" in home.content.decode()
        first = Membership.objects.filter(user__email=account.email).order_by("pk").first()
        client.post("/en/account/acting-for/", {"membership": first.pk})
        home = client.get("/en/account/")
    html = home.content.decode()
    membership = home.wsgi_request.membership
    assert membership is not None
    assert f'data-role="{membership.role}"' in html
    for item in navigation_for(membership):
        page = client.get(f"/en/{_path(item.url_name)}")
        assert page.status_code == 200, item.url_name
    hidden = {"accounts:members", "accounts:agencies"} - {
        item.url_name for item in navigation_for(membership)
    }
    for url_name in hidden:
        assert client.get(f"/en/{_path(url_name)}").status_code == 403


def _path(url_name: str) -> str:
    from django.urls import reverse

    return reverse(url_name).split("/", 2)[2]


def test_the_demo_has_a_programme_manager_for_one_province(demo):
    limited = Membership.objects.get(user__email="province.manager@demo.childshield.test")
    national = Membership.objects.get(user__email="programme.manager@demo.childshield.test")
    province = figures_scope(limited).province
    assert province is not None and province.code == "VN45"
    assert figures_scope(national).province is None
