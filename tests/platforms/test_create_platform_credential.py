"""`manage.py create_platform_credential NAME`: a platform and a key of every scope, the key printed last."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from childshield.accounts.models import Agency, AgencyKind
from childshield.hashing.models import ApiKey, ApiScope


def run(*args):
    out = io.StringIO()
    call_command("create_platform_credential", *args, stdout=out)
    return out.getvalue().strip().splitlines()


def test_the_last_line_is_a_key_that_works_as_a_bearer_token(db):
    lines = run("Example Video App")

    token = lines[-1]
    platform = Agency.objects.get(name="Example Video App")
    assert platform.kind == AgencyKind.PLATFORM
    key = ApiKey.objects.get(agency=platform)
    assert sorted(key.scopes) == sorted(ApiScope.values)
    assert token not in key.key_digest
    response = Client(headers={"Authorization": f"Bearer {token}"}).get("/api/v1/banks/")
    assert response.status_code == 200


def test_run_again_it_gives_the_same_platform_another_key(db):
    first = run("Example Video App")[-1]
    second = run("Example Video App")[-1]

    assert first != second
    assert Agency.objects.filter(name="Example Video App").count() == 1
    assert ApiKey.objects.filter(agency__name="Example Video App").count() == 2


def test_scopes_and_expiry_can_be_limited(db):
    run("Example Video App", "--scope", "match", "--expires-days", "30")

    key = ApiKey.objects.get()
    assert key.scopes == ["match"]
    assert key.expires_at is not None


def test_an_agency_of_another_kind_is_never_made_a_platform(db):
    Agency.objects.create(country="VN", name="Youth NGO", kind=AgencyKind.NGO)

    with pytest.raises(CommandError, match="not a platform"):
        run("Youth NGO")
    assert not ApiKey.objects.exists()
