"""Staff pages: banks, hashes, imports, match history and API keys, each for those allowed."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from childshield.audit.models import AuditEvent
from childshield.hashing import services
from childshield.hashing.models import (
    ApiKey,
    HashBank,
    HashEntry,
    HashImport,
    MatchChannel,
    MatchRecord,
    SharingPolicy,
)

MD5 = "d41d8cd98f00b204e9800998ecf8427e"


def test_the_bank_list_needs_signing_in(client):
    response = client.get("/en/hashing/banks/")
    assert response.status_code == 302
    assert "sign-in" in response["Location"]


def test_a_case_worker_cannot_open_the_banks(sign_in, worker):
    assert sign_in(worker).get("/en/hashing/banks/").status_code == 403


def test_an_analyst_creates_a_bank_and_adds_a_hash(sign_in, analyst):
    client = sign_in(analyst)
    response = client.post(
        "/en/hashing/banks/",
        {"name": "Confirmed", "source": "hotline_confirmed", "sharing": "trusted_platforms"},
    )
    bank = HashBank.objects.get()
    assert response["Location"] == f"/en/hashing/banks/{bank.pk}/"
    response = client.post(response["Location"], {"add-algorithm": "md5", "add-value": MD5.upper()})
    assert response.status_code == 302
    page = client.get(f"/en/hashing/banks/{bank.pk}/").content.decode()
    assert MD5 in page
    assert "The hash was added." in page


def test_a_malformed_hash_is_explained_on_the_page(sign_in, analyst, bank):
    response = sign_in(analyst).post(
        f"/en/hashing/banks/{bank.pk}/", {"add-algorithm": "md5", "add-value": "xyz"}
    )
    assert response.status_code == 200
    assert "A MD5 hash has 32 hex digits; this one has 3." in response.content.decode()
    assert not HashEntry.objects.exists()


def test_removing_a_hash_needs_a_reason_and_keeps_it_listed_as_removed(sign_in, analyst, bank):
    entry = services.entry_add(actor=analyst, bank=bank, algorithm="md5", value=MD5)
    client = sign_in(analyst)
    client.post(f"/en/hashing/entries/{entry.pk}/remove/", {"remove-reason": ""})
    entry.refresh_from_db()
    assert entry.removed_at is None
    client.post(f"/en/hashing/entries/{entry.pk}/remove/", {"remove-reason": "duplicate of another bank"})
    entry.refresh_from_db()
    assert entry.removed_at is not None
    page = client.get(f"/en/hashing/banks/{bank.pk}/?show=removed").content.decode()
    assert "duplicate of another bank" in page


def test_another_hotline_cannot_see_the_bank(sign_in, other_analyst, bank):
    client = sign_in(other_analyst)
    assert client.get(f"/en/hashing/banks/{bank.pk}/").status_code == 404
    assert "Confirmed images" not in client.get("/en/hashing/banks/").content.decode()


def test_an_import_with_bad_lines_shows_them_by_number(sign_in, analyst, bank):
    client = sign_in(analyst)
    upload = io.BytesIO(f"{MD5}\nnot-a-hash\n".encode())
    upload.name = "list.txt"
    response = client.post(
        f"/en/hashing/banks/{bank.pk}/import/", {"import-fmt": "md5_list", "import-file": upload}
    )
    record = HashImport.objects.get()
    assert response["Location"] == f"/en/hashing/imports/{record.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Rejected: nothing was imported" in page
    assert "<td>2</td>" in page
    assert not HashEntry.objects.exists()
    assert "list.txt" in client.get("/en/hashing/imports/").content.decode()


def test_an_export_downloads_the_live_hashes(sign_in, analyst, bank):
    services.entry_add(actor=analyst, bank=bank, algorithm="md5", value=MD5)
    response = sign_in(analyst).get(f"/en/hashing/banks/{bank.pk}/export/?format=md5_list")
    assert response.status_code == 200
    assert response.content.decode() == MD5 + "\n"
    assert "attachment" in response["Content-Disposition"]


def test_a_lead_switches_a_bank_off(sign_in, lead, bank):
    sign_in(lead).post(f"/en/hashing/banks/{bank.pk}/switch/")
    bank.refresh_from_db()
    assert not bank.is_enabled


def test_a_lead_shares_a_bank_with_platforms_and_their_next_match_uses_it(
    sign_in, lead, analyst, bank, platform
):
    bank.sharing = SharingPolicy.NOT_SHARED
    bank.save()
    services.entry_add(actor=analyst, bank=bank, algorithm="md5", value=MD5)

    def platform_match():
        body = {"hashes": [{"algorithm": "md5", "value": MD5}]}
        return platform.post("/api/v1/match/hashes/", body, content_type="application/json").json()

    assert platform_match()["results"][0]["status"] == "no_match"
    client = sign_in(lead)
    page = client.get(f"/en/hashing/banks/{bank.pk}/")
    assert "Who may match against this bank" in page.content.decode()
    response = client.post(
        f"/en/hashing/banks/{bank.pk}/sharing/", {"sharing-sharing": "trusted_platforms"}, follow=True
    )
    assert "Sharing changed: Shared with vetted platforms." in response.content.decode()
    assert platform_match()["results"][0]["status"] == "matched"
    assert AuditEvent.objects.filter(object_id=str(bank.pk), reason="sharing: trusted_platforms").exists()


def test_a_sharing_that_does_not_exist_is_explained_and_changes_nothing(sign_in, lead, bank):
    before = bank.sharing
    response = sign_in(lead).post(
        f"/en/hashing/banks/{bank.pk}/sharing/", {"sharing-sharing": "everyone"}, follow=True
    )
    assert "Choose who may match against this bank." in response.content.decode()
    bank.refresh_from_db()
    assert bank.sharing == before


def test_an_analyst_cannot_change_a_banks_sharing(sign_in, analyst, bank):
    before = bank.sharing
    response = sign_in(analyst).post(
        f"/en/hashing/banks/{bank.pk}/sharing/", {"sharing-sharing": "all_platforms"}
    )
    assert response.status_code == 403
    bank.refresh_from_db()
    assert bank.sharing == before


def test_match_history_shows_hash_and_result_with_few_queries(sign_in, analyst, bank):
    services.entry_add(actor=analyst, bank=bank, algorithm="md5", value=MD5)
    for _ in range(3):
        services.hashes_match(
            queries=[services.HashQuery("md5", MD5), services.HashQuery("md5", "0" * 32)],
            bank_ids=[bank.pk],
            channel=MatchChannel.API,
            agency=analyst.agency,
        )
    client = sign_in(analyst)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/en/hashing/matches/")
    page = response.content.decode()
    assert page.count(MD5) == 3
    assert page.count("No match") == 3
    assert len(queries) <= 12


def test_the_bank_list_takes_few_queries_however_many_banks(sign_in, analyst):
    for number in range(5):
        services.bank_create(
            actor=analyst, name=f"Bank {number}", source="imported_list", sharing="not_shared"
        )
    client = sign_in(analyst)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/en/hashing/banks/")
    assert response.content.decode().count("/en/hashing/banks/") >= 5
    assert len(queries) <= 12


def test_a_lead_issues_a_key_shown_once_and_revokes_it(sign_in, lead):
    client = sign_in(lead)
    response = client.post(
        "/en/hashing/api-keys/", {"agency": lead.agency_id, "name": "uploads", "scopes": ["match"]}
    )
    page = response.content.decode()
    key = ApiKey.objects.get()
    assert "shown only once" in page
    assert key.prefix in page
    assert "shown only once" not in client.get("/en/hashing/api-keys/").content.decode()
    client.post(f"/en/hashing/api-keys/{key.pk}/revoke/")
    key.refresh_from_db()
    assert key.revoked_at is not None


def test_an_analyst_cannot_manage_api_keys(sign_in, analyst):
    assert sign_in(analyst).get("/en/hashing/api-keys/").status_code == 403


@pytest.mark.parametrize(
    ("fixture", "visible"),
    [("analyst", {"Hash banks", "Match history"}), ("lead", {"Hash banks", "Match history", "API keys"})],
)
def test_the_navigation_shows_hashing_pages_to_those_allowed(request, sign_in, fixture, visible):
    page = sign_in(request.getfixturevalue(fixture)).get("/en/account/").content.decode()
    for label in {"Hash banks", "Match history", "API keys"}:
        assert (label in page) == (label in visible), label


def test_an_analyst_looks_up_a_pdq_hash_and_sees_the_distance(sign_in, analyst, bank):
    value = "a" * 64
    near = "b" + "a" * 63  # 0xa and 0xb differ in one bit
    entry = services.entry_add(actor=analyst, bank=bank, algorithm="pdq", value=value, quality=90)
    response = sign_in(analyst).post("/en/hashing/check/", {"algorithm": "pdq", "value": near})
    page = response.content.decode()
    assert f"Confirmed images, entry #{entry.pk}, 1 bit apart" in page
    record = MatchRecord.objects.get()
    assert (record.channel, record.value, record.matched) == ("staff", near, True)


def test_a_lookup_of_a_malformed_hash_explains_itself(sign_in, analyst):
    response = sign_in(analyst).post("/en/hashing/check/", {"algorithm": "sha256", "value": "abc"})
    assert "A SHA256 hash has 64 hex digits; this one has 3." in response.content.decode()


def test_a_case_worker_cannot_look_hashes_up(sign_in, worker):
    assert sign_in(worker).get("/en/hashing/check/").status_code == 403
