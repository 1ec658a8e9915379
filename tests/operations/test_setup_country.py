"""manage.py setup_country: a country's reference data, core agencies and first administrator, once;
refusals that write nothing; the administrator's one-time link used through the real pages."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from childshield.accounts.models import Agency, AgencyKind, Membership, Role, User
from childshield.audit.models import AuditEvent
from childshield.places.models import Area, HelplineNumber

pytestmark = pytest.mark.django_db

SITE = "https://childshield.example"
PASSWORD = "kite-river-lantern-47"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def setup_country(*args: str) -> str:
    out = StringIO()
    call_command("setup_country", *args, stdout=out)
    return out.getvalue()


def link_in(output: str) -> str:
    found = re.search(rf"^{re.escape(SITE)}(/\S+)$", output, re.MULTILINE)
    assert found, output
    return found.group(1)


def everything() -> tuple[int, ...]:
    return tuple(
        model.objects.count() for model in (Area, HelplineNumber, Agency, User, Membership, AuditEvent)
    )


def test_it_sets_up_viet_nam_then_cambodia():
    vn = setup_country("vn", "--admin-email", "Admin.VN@example.org", "--admin-name", "An Nguyen")
    kh = setup_country("KH", "--admin-email", "admin.kh@example.org")

    assert Area.objects.filter(country="VN").count() == 74
    assert Area.objects.filter(country="KH").count() == 26
    assert set(HelplineNumber.objects.filter(country="VN").values_list("number", flat=True)) == {"111"}
    assert set(HelplineNumber.objects.filter(country="KH").values_list("number", flat=True)) == {
        "+855 92 311 511",
        "1280",
    }
    assert set(Agency.objects.values_list("country", "kind", "name")) == {
        ("VN", AgencyKind.HELPLINE, "National Child Protection Hotline 111"),
        ("VN", AgencyKind.HOTLINE, "Viet Nam online child sexual abuse reporting hotline"),
        ("KH", AgencyKind.HELPLINE, "Child Helpline Cambodia"),
        ("KH", AgencyKind.HOTLINE, "Cambodia online child sexual abuse reporting hotline"),
    }
    for country, email, output in (("VN", "admin.vn@example.org", vn), ("KH", "admin.kh@example.org", kh)):
        admin = User.objects.get(email=email)
        assert not admin.has_usable_password()
        assert admin.is_staff and admin.is_superuser
        membership = admin.memberships.get()
        assert (membership.role, membership.agency.country, membership.agency.kind) == (
            Role.SYSTEM_ADMIN,
            country,
            AgencyKind.HELPLINE,
        )
        assert f"{country} set up." in output
        assert "expires in 72 hours" in output
        assert link_in(output).startswith("/en/account/password-reset/")
    assert User.objects.get(email="admin.vn@example.org").full_name == "An Nguyen"
    assert AuditEvent.objects.filter(reason__startswith="set up VN:").count() == 5


def test_a_second_run_changes_nothing_and_says_so():
    setup_country("VN", "--admin-email", "admin@example.org")
    before = everything()

    again = setup_country("VN", "--admin-email", "admin@example.org")

    assert everything() == before
    assert "VN was already set up: nothing changed." in again
    assert "has not set a password yet: give --new-link" in again
    assert "/password-reset/" not in again


def test_the_options_name_the_agencies():
    setup_country(
        "KH", "--admin-email", "a@example.org", "--helpline-name", "Line 1280", "--hotline-name", "KH hotline"
    )

    assert set(Agency.objects.values_list("kind", "name")) == {
        (AgencyKind.HELPLINE, "Line 1280"),
        (AgencyKind.HOTLINE, "KH hotline"),
    }


def test_the_link_lets_the_administrator_set_a_password_once(client):
    link = link_in(setup_country("VN", "--admin-email", "admin@example.org"))

    form = client.get(link, follow=True)
    assert form.context["validlink"] is True
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": PASSWORD, "new_password2": PASSWORD}, follow=True
    )

    assert done.redirect_chain[-1][0].endswith("/account/password-reset/done/")
    assert User.objects.get(email="admin@example.org").check_password(PASSWORD)
    client.logout()
    assert client.get(link, follow=True).context["validlink"] is False
    assert "already has a password" in setup_country("VN", "--admin-email", "admin@example.org", "--new-link")


def test_a_new_link_is_printed_only_when_asked():
    first = link_in(setup_country("VN", "--admin-email", "admin@example.org"))

    again = setup_country("VN", "--admin-email", "admin@example.org", "--new-link")

    assert link_in(again).startswith("/en/account/password-reset/")
    assert link_in(again).split("/")[-3] == first.split("/")[-3]  # the same person


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("XX", "--admin-email", "a@example.org"),
            "unknown country code 'XX': childshield can set up KH, VN",
        ),
        (("VN", "--admin-email", "not-an-address"), "'not-an-address' is not an e-mail address"),
        (
            ("KH", "--admin-email", "admin@example.org"),
            "admin@example.org is already a system administrator in VN",
        ),
        (
            ("VN", "--admin-email", "other@example.org"),
            "VN already has a system administrator (admin@example.org)",
        ),
        (
            (
                "VN",
                "--admin-email",
                "admin@example.org",
                "--hotline-name",
                "National Child Protection Hotline 111",
            ),
            "an agency named 'National Child Protection Hotline 111' already exists in VN as a helpline",
        ),
    ],
)
def test_it_refuses_bad_input_and_writes_nothing(args, message):
    setup_country("VN", "--admin-email", "admin@example.org")
    before = everything()

    with pytest.raises(CommandError) as refused:
        setup_country(*args)

    assert message in str(refused.value)
    assert "nothing was written" in str(refused.value)
    assert everything() == before
