"""API keys: scopes, expiry, rotation with an overlap, the 401 that says why, and every key call recorded."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from childshield.accounts.models import Agency, AgencyKind
from childshield.audit.models import AuditEvent
from childshield.core.errors import ApplicationError
from childshield.hashing import services
from childshield.hashing.api_keys import key_digest
from childshield.hashing.models import ApiCall, ApiKey, ApiScope, MatchRecord

from .conftest import assert_matches_schema

MD5 = {"hashes": [{"algorithm": "md5", "value": "a" * 32}]}
BEFORE_KEYS_HAD_SCOPES = ("hashing", "0003_live_entry_counts_and_match_scope_version")


@pytest.fixture
def platform_agency(db):
    return Agency.objects.create(country="VN", name="Photo Platform (test)", kind=AgencyKind.PLATFORM)


@pytest.fixture
def admin(make_member, platform_agency):
    return make_member(email="sysadmin@example.org", role="system_admin", agency=platform_agency)


@pytest.fixture
def issue(admin, platform_agency):
    def issue(scopes=(ApiScope.MATCH,), **fields):
        return services.api_key_issue(
            actor=admin, agency=platform_agency, name="uploads", scopes=scopes, **fields
        )

    return issue


def calling(secret):
    return Client(headers={"Authorization": f"Bearer {secret}"})


def match(secret):
    return calling(secret).post("/api/v1/match/hashes/", MD5, content_type="application/json")


def later(**delta):
    """Moves the clock forward: the keys' expiry is compared with `timezone.now()`."""
    return mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(**delta))


# Scopes ------------------------------------------------------------------------------------------


def test_a_key_lists_banks_only_with_the_banks_read_scope(issue, bank, openapi):
    _key, matching_only = issue()
    refused = calling(matching_only).get("/api/v1/banks/")
    assert refused.status_code == 403
    body = refused.json()
    assert (body["code"], body["scope"]) == ("scope_missing", "banks:read")
    assert "banks:read" in body["detail"]
    assert_matches_schema(openapi, refused, "/api/v1/banks/", "get")

    _key, reading = issue(scopes=[ApiScope.MATCH, ApiScope.BANKS_READ])
    listed = calling(reading).get("/api/v1/banks/")
    assert listed.status_code == 200
    assert [b["name"] for b in listed.json()] == ["Confirmed images"]


def test_a_key_without_the_match_scope_may_not_match(issue, openapi):
    _key, secret = issue(scopes=[ApiScope.BANKS_READ])
    response = match(secret)
    assert response.status_code == 403
    assert (response.json()["code"], response.json()["scope"]) == ("scope_missing", "match")
    assert_matches_schema(openapi, response, "/api/v1/match/hashes/")
    vpdq = calling(secret).post("/api/v1/match/vpdq/", {"videos": []}, content_type="application/json")
    assert vpdq.status_code == 403
    assert not MatchRecord.objects.exists()


def test_a_signed_in_analyst_keeps_matching_and_listing_without_any_key(sign_in, analyst, bank):
    client = sign_in(analyst)
    assert client.post("/api/v1/match/hashes/", MD5, content_type="application/json").status_code == 200
    assert client.get("/api/v1/banks/").status_code == 200


def test_a_key_is_issued_only_with_known_scopes_and_at_least_one(issue):
    with pytest.raises(ApplicationError) as unknown:
        issue(scopes=["match", "everything"])
    assert unknown.value.code == "invalid"
    assert "everything" in str(unknown.value.message)
    with pytest.raises(ApplicationError) as none:
        issue(scopes=[])
    assert none.value.code == "invalid"
    assert not ApiKey.objects.exists()


def test_scopes_are_kept_once_each_in_a_fixed_order(issue):
    key, _secret = issue(scopes=["notices", "match", "notices"])
    assert key.scopes == ["match", "notices"]
    assert key.has_scope(ApiScope.NOTICES) and not key.has_scope(ApiScope.BANKS_READ)


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_a_key_that_could_list_banks_the_banks_read_scope(admin, platform_agency):
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE_KEYS_HAD_SCOPES])
    OldKey = executor.loader.project_state([BEFORE_KEYS_HAD_SCOPES]).apps.get_model("hashing", "ApiKey")
    for name, may_list_banks in (("lister", True), ("matcher", False)):
        OldKey.objects.create(
            agency_id=platform_agency.pk,
            name=name,
            prefix=f"cs_{name}"[:11],
            key_digest=key_digest(f"cs_{name}-secret"),
            may_list_banks=may_list_banks,
            created_by_id=admin.user_id,
        )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    scopes = dict(ApiKey.objects.values_list("name", "scopes"))
    assert scopes == {"lister": ["match", "banks:read"], "matcher": ["match"]}
    assert calling("cs_lister-secret").get("/api/v1/banks/").status_code == 200
    assert calling("cs_matcher-secret").get("/api/v1/banks/").status_code == 403
    assert match("cs_matcher-secret").status_code == 200

    # and back: the bank listing comes from the scope
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE_KEYS_HAD_SCOPES])
    OldKey = executor.loader.project_state([BEFORE_KEYS_HAD_SCOPES]).apps.get_model("hashing", "ApiKey")
    assert dict(OldKey.objects.values_list("name", "may_list_banks")) == {"lister": True, "matcher": False}
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


# Why a key is refused ------------------------------------------------------------------------------


def test_an_unknown_key_is_a_401_saying_so(openapi, db):
    response = match("cs_not-a-key-anyone-was-given")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json()["code"] == "key_unknown"
    assert_matches_schema(openapi, response, "/api/v1/match/hashes/")


def test_a_revoked_key_is_a_401_with_the_day_it_was_revoked(issue, admin, openapi):
    key, secret = issue()
    services.api_key_revoke(actor=admin, key=key)
    response = match(secret)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    body = response.json()
    assert body["code"] == "key_revoked"
    assert key.revoked_at.strftime("%Y-%m-%d") in body["detail"]
    assert body["revoked_at"].startswith(key.revoked_at.strftime("%Y-%m-%dT"))
    assert_matches_schema(openapi, response, "/api/v1/match/hashes/")


def test_a_key_stops_working_when_it_expires(issue, openapi):
    expires_at = timezone.now() + timedelta(days=30)
    _key, secret = issue(expires_at=expires_at)
    assert match(secret).status_code == 200
    with later(days=30, seconds=1):
        response = match(secret)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    body = response.json()
    assert body["code"] == "key_expired"
    assert expires_at.strftime("%Y-%m-%d") in body["detail"]
    assert_matches_schema(openapi, response, "/api/v1/match/hashes/")


def test_a_key_cannot_be_issued_already_expired(issue):
    with pytest.raises(ApplicationError):
        issue(expires_at=timezone.now() - timedelta(minutes=1))
    assert not ApiKey.objects.exists()


# Rotation ------------------------------------------------------------------------------------------


def test_after_rotation_both_keys_work_during_the_overlap_and_only_the_new_one_after(issue, admin):
    old, old_secret = issue(scopes=[ApiScope.MATCH, ApiScope.BANKS_READ])
    new, new_secret = services.api_key_rotate(actor=admin, key=old, overlap_hours=24)
    assert (new.name, new.scopes, new.agency_id) == (old.name, old.scopes, old.agency_id)
    assert new_secret != old_secret
    old.refresh_from_db()
    assert old.replaced_by == new
    assert match(old_secret).status_code == 200
    assert match(new_secret).status_code == 200
    with later(hours=23):
        assert match(old_secret).status_code == 200
    with later(hours=24, seconds=1):
        assert match(old_secret).json()["code"] == "key_expired"
        assert calling(new_secret).get("/api/v1/banks/").status_code == 200
    assert AuditEvent.objects.filter(object_id=str(old.pk), reason__startswith="rotated").exists()


def test_a_rotation_without_overlap_stops_the_old_key_at_once(issue, admin):
    old, old_secret = issue()
    _new, new_secret = services.api_key_rotate(actor=admin, key=old, overlap_hours=0)
    assert match(old_secret).json()["code"] == "key_expired"
    assert match(new_secret).status_code == 200


def test_the_new_key_keeps_the_old_ones_expiry_and_the_overlap_never_lengthens_it(issue, admin):
    expires_at = timezone.now() + timedelta(hours=2)
    old, _secret = issue(expires_at=expires_at)
    new, _secret = services.api_key_rotate(actor=admin, key=old, overlap_hours=24)
    old.refresh_from_db()
    assert new.expires_at == expires_at
    assert old.expires_at == expires_at


@pytest.mark.parametrize("state", ["revoked", "replaced", "expired"])
def test_a_key_revoked_replaced_or_expired_cannot_be_rotated(issue, admin, state):
    key, _secret = issue()
    if state == "revoked":
        services.api_key_revoke(actor=admin, key=key)
    elif state == "replaced":
        services.api_key_rotate(actor=admin, key=key)
    else:
        ApiKey.objects.filter(pk=key.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    keys = ApiKey.objects.count()
    with pytest.raises(ApplicationError):
        services.api_key_rotate(actor=admin, key=key)
    assert ApiKey.objects.count() == keys


def test_another_agencys_lead_cannot_rotate_a_key(issue, lead):
    key, _secret = issue()
    with pytest.raises(ApplicationError) as refused:
        services.api_key_rotate(actor=lead, key=key)
    assert refused.value.code == "forbidden"


# Every call recorded with its key ------------------------------------------------------------------


def test_a_refused_or_malformed_key_call_is_recorded_with_its_key(issue):
    key, secret = issue()
    assert calling(secret).get("/api/v1/banks/").status_code == 403
    bad = calling(secret).post("/api/v1/match/hashes/", {"hashes": []}, content_type="application/json")
    assert bad.status_code == 400
    calls = list(ApiCall.objects.order_by("pk").values_list("key", "operation", "method", "status"))
    assert calls == [(key.pk, "list_banks", "GET", 403), (key.pk, "match_hashes", "POST", 400)]


def test_a_successful_match_is_recorded_by_its_match_records_alone(issue, settings):
    key, secret = issue()
    with CaptureQueriesContext(connection) as queries:
        assert match(secret).status_code == 200
    assert not ApiCall.objects.exists()
    assert list(MatchRecord.objects.values_list("api_key", flat=True)) == [key.pk]
    assert not [q for q in queries if "apicall" in q["sql"].lower()]


def test_a_call_past_the_limit_is_recorded(issue, settings):
    settings.HASHING_API_CALLS_PER_MINUTE = 1
    _key, secret = issue()
    assert [match(secret).status_code for _ in range(2)] == [200, 429]
    assert list(ApiCall.objects.values_list("status", flat=True)) == [429]


def test_a_staff_call_with_the_session_records_no_key_call(sign_in, analyst):
    sign_in(analyst).post("/api/v1/match/hashes/", {"hashes": []}, content_type="application/json")
    assert not ApiCall.objects.exists()


# The staff page ------------------------------------------------------------------------------------


def test_a_lead_issues_a_key_with_scopes_and_an_expiry(sign_in, lead):
    client = sign_in(lead)
    page = client.get("/en/hashing/api-keys/").content.decode()
    assert 'name="scopes" value="match" id="id_scopes_0" checked' in page
    day = timezone.localdate() + timedelta(days=40)
    response = client.post(
        "/en/hashing/api-keys/",
        {"agency": lead.agency_id, "name": "scanner", "scopes": ["match", "banks:read"], "expires_at": day},
    )
    key = ApiKey.objects.get()
    assert (key.scopes, timezone.localtime(key.expires_at).date()) == (["match", "banks:read"], day)
    page = response.content.decode()
    assert "shown only once" in page
    assert f"expires {day:%Y-%m-%d}" in page
    assert "Read the banks&#x27; hash lists" in page


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"scopes": ["match", "everything"]}, "There is no such scope"),
        ({"scopes": []}, "Choose at least one thing the key may do."),
        ({"scopes": ["match"], "expires_at": "2001-01-01"}, "Choose a day after today."),
    ],
)
def test_the_issue_form_refuses_bad_input_and_saves_nothing(sign_in, lead, fields, error):
    response = sign_in(lead).post("/en/hashing/api-keys/", {"agency": lead.agency_id, "name": "x", **fields})
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not ApiKey.objects.exists()


def test_a_lead_rotates_a_key_on_the_page_and_sees_the_new_secret_once(sign_in, lead):
    old, _secret = services.api_key_issue(actor=lead, agency=lead.agency, name="scanner")
    client = sign_in(lead)
    assert f"/en/hashing/api-keys/{old.pk}/rotate/" in client.get("/en/hashing/api-keys/").content.decode()
    response = client.post(f"/en/hashing/api-keys/{old.pk}/rotate/", {"overlap_hours": "6"})
    page = response.content.decode()
    new = ApiKey.objects.exclude(pk=old.pk).get()
    old.refresh_from_db()
    assert old.replaced_by == new
    assert timedelta(hours=5, minutes=59) < old.expires_at - timezone.now() <= timedelta(hours=6)
    assert "shown only once" in page
    assert "keeps working until" in page
    assert "replaced by" in page and new.prefix in page
    again = client.get("/en/hashing/api-keys/").content.decode()
    assert "shown only once" not in again
    assert f"/en/hashing/api-keys/{old.pk}/rotate/" not in again  # a replaced key is not rotated twice
    assert f"/en/hashing/api-keys/{new.pk}/rotate/" in again


@pytest.mark.parametrize("overlap", ["169", "-1", "", "soon"])
def test_an_overlap_out_of_range_is_refused_on_the_page(sign_in, lead, overlap):
    key, _secret = services.api_key_issue(actor=lead, agency=lead.agency, name="scanner")
    response = sign_in(lead).post(f"/en/hashing/api-keys/{key.pk}/rotate/", {"overlap_hours": overlap})
    assert response.status_code == 200
    assert "was not rotated" in response.content.decode()
    assert ApiKey.objects.count() == 1
    key.refresh_from_db()
    assert (key.replaced_by, key.expires_at) == (None, None)


def test_rotating_a_revoked_key_on_the_page_says_why_not(sign_in, lead):
    key, _secret = services.api_key_issue(actor=lead, agency=lead.agency, name="scanner")
    services.api_key_revoke(actor=lead, key=key)
    response = sign_in(lead).post(f"/en/hashing/api-keys/{key.pk}/rotate/", {"overlap_hours": "24"})
    assert "A revoked key cannot be rotated." in response.content.decode()
    assert ApiKey.objects.count() == 1


def test_an_expired_key_shows_as_expired(sign_in, lead):
    key, _secret = services.api_key_issue(actor=lead, agency=lead.agency, name="scanner")
    ApiKey.objects.filter(pk=key.pk).update(expires_at=timezone.now() - timedelta(days=1))
    page = sign_in(lead).get("/en/hashing/api-keys/").content.decode()
    assert ">expired<" in page
    assert f"/en/hashing/api-keys/{key.pk}/rotate/" not in page
