"""A platform reports an incident: its addresses become hotline items, its hashes are matched, a child
at risk reaches the helpline, and the platform reads where its report stands."""

import pytest

from childshield.accounts.models import AgencyKind
from childshield.hashing import services as hashing
from childshield.hashing.models import Algorithm, BankSource, MatchRecord, SharingPolicy
from childshield.hotline.models import ContentItem, ItemStatus, SourceKind
from childshield.intake.models import Channel, Report
from childshield.platforms.models import PlatformReport
from tests.platforms.conftest import post

REPORTS = "/api/v1/reports/"

A_REPORT = {
    "external_id": "case-20261207-0042",
    "incident_type": "abuse_material",
    "incident_at": "2026-12-06T21:14:00Z",
    "urls": ["https://files.example.net/a/1.jpg", "http://WWW.Example.org/photo?id=7"],
    "file_hashes": [{"algorithm": "md5", "value": "0" * 31 + "1"}],
    "uploader": {"account_id": "88120931", "username": "made_up_uploader", "ip_address": "198.51.100.23"},
    "reviewed_by_platform": True,
    "apparent_age": "pubescent",
    "location": {"country": "vn", "region": "Hà Nội"},
    "description": "Shared in a public group; account suspended.",
}


def test_each_address_becomes_a_hotline_item_and_the_report_says_so(platform, hotline):
    response = post(platform, REPORTS, A_REPORT)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"].startswith("P-")
    assert body["external_id"] == "case-20261207-0042"
    assert body["status"] == "received"
    assert [item["url"] for item in body["items"]] == A_REPORT["urls"]
    assert {item["status"] for item in body["items"]} == {"received"}
    assert body["forwarded_to_helpline"] is False
    items = ContentItem.objects.filter(agency=hotline)
    assert items.count() == 2
    assert {source.kind for item in items for source in item.sources.all()} == {SourceKind.PLATFORM}
    assert {source.reference for item in items for source in item.sources.all()} == {body["number"]}


def test_the_uploader_and_the_platforms_words_are_kept_encrypted(platform, hotline):
    from django.db import connection

    post(platform, REPORTS, A_REPORT)

    with connection.cursor() as cursor:
        cursor.execute("SELECT uploader, location, description FROM platforms_platformreport")
        stored = " ".join(str(value) for value in cursor.fetchone())
    for secret in ("made_up_uploader", "198.51.100.23", "Hà Nội", "suspended"):
        assert secret not in stored
    report = PlatformReport.objects.get()
    assert report.uploader["username"] == "made_up_uploader"
    assert report.location == {"country": "VN", "region": "Hà Nội"}


def test_an_address_reported_before_is_one_more_report_of_the_same_item(platform, other_platform, hotline):
    post(
        platform, REPORTS, {"incident_type": "abuse_material", "urls": ["https://files.example.net/a/1.jpg"]}
    )
    post(
        other_platform,
        REPORTS,
        {"incident_type": "abuse_material", "urls": ["https://FILES.example.net/a/1.jpg"]},
    )
    post(
        platform,
        REPORTS,
        {"incident_type": "abuse_material", "urls": ["https://files.example.net/a/1.jpg"] * 2},
    )

    item = ContentItem.objects.get()
    assert item.sources.count() == 3


def test_file_hashes_are_matched_against_every_bank_on_arrival(platform, hotline, make_member):
    lead = make_member(email="lead@example.org", role="hotline_lead", agency=hotline)
    bank = hashing.bank_create(
        actor=lead, name="Hotline only", source=BankSource.HOTLINE_CONFIRMED, sharing=SharingPolicy.NOT_SHARED
    )
    hashing.entry_add(actor=lead, bank=bank, algorithm=Algorithm.MD5, value="ab" * 16)

    response = post(
        platform,
        REPORTS,
        {
            "incident_type": "abuse_material",
            "file_hashes": [
                {"algorithm": "md5", "value": "AB" * 16},
                {"algorithm": "md5", "value": "cd" * 16},
            ],
        },
    )

    assert response.status_code == 201, response.content
    assert response.json()["file_hashes"] == 2
    assert (
        "known" not in response.content.decode()
    )  # what a bank not shared with them holds stays the hotline's
    assert PlatformReport.objects.get().known_files == 1
    assert MatchRecord.objects.filter(value="ab" * 16, matched=True).exists()


def test_a_child_at_risk_reaches_the_helpline_queue_as_urgent(platform, hotline):
    response = post(
        platform,
        REPORTS,
        {
            "incident_type": "sextortion",
            "child_at_risk": True,
            "apparent_age": "pubescent",
            "location": {"region": "Đà Nẵng", "note": "The child said they are alone at home."},
            "description": "Messages threaten to post pictures unless the child pays.",
            "urls": ["https://chat.example.com/u/4711"],
        },
    )

    assert response.status_code == 201, response.content
    assert response.json()["forwarded_to_helpline"] is True
    report = Report.objects.get()
    assert report.channel == Channel.PLATFORM
    assert report.is_urgent
    assert report.harms == ["threatened"]
    assert "Video App (test)" in report.description
    assert "Đà Nẵng" in report.description
    assert "alone at home" in report.description
    assert report.urls == []  # the addresses are the hotline's already, filed once


def test_the_status_follows_the_hotlines_work(platform, hotline):
    created = post(platform, REPORTS, A_REPORT).json()
    first, second = (
        ContentItem.objects.get(pk=row.item_id) for row in PlatformReport.objects.get().items.all()
    )
    first.status = ItemStatus.REMOVED
    first.save()
    second.status = ItemStatus.NOTICE_SENT
    second.save()

    response = platform.get(f"{REPORTS}{created['id']}/")

    assert response.status_code == 200
    body = response.json()
    assert [item["status"] for item in body["items"]] == ["removed", "confirmed"]
    assert body["status"] == "in_review"
    second.status = ItemStatus.OUT_OF_SCOPE
    second.save()
    assert platform.get(f"{REPORTS}{created['id']}/").json()["status"] == "done"


def test_a_platform_never_sees_another_platforms_report(platform, other_platform, hotline):
    created = post(platform, REPORTS, A_REPORT).json()

    response = other_platform.get(f"{REPORTS}{created['id']}/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({**A_REPORT, "colour": "red"}, "/colour"),
        ({**A_REPORT, "uploader": {"username": "x", "shoe_size": 42}}, "/uploader/shoe_size"),
        ({**A_REPORT, "incident_type": "prank"}, "/incident_type"),
        ({**A_REPORT, "urls": ["https://ok.example.com/", "not an address"]}, "/urls/1"),
        ({**A_REPORT, "file_hashes": [{"algorithm": "md5", "value": "xyz"}]}, "/file_hashes/0/value"),
        ({**A_REPORT, "incident_at": "2999-01-01T00:00:00Z"}, "/incident_at"),
        ({**A_REPORT, "urls": "https://one.example.com/"}, "/urls"),
        ({"incident_type": "other"}, "/"),
    ],
)
def test_bad_input_is_a_precise_problem_and_saves_nothing(platform, hotline, body, pointer):
    response = post(platform, REPORTS, body)

    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["code"] == "invalid"
    assert pointer in [error["pointer"] for error in problem["errors"]], problem
    assert not PlatformReport.objects.exists()
    assert not ContentItem.objects.exists()


def test_a_body_that_is_not_json_is_a_problem(platform, hotline):
    response = platform.post(
        REPORTS, "{not json", content_type="application/json", headers={"Idempotency-Key": "k1"}
    )

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")


def test_an_oversized_body_is_refused(platform, hotline, settings):
    settings.PLATFORMS_MAX_BODY_BYTES = 2000
    response = post(platform, REPORTS, {**A_REPORT, "description": "x" * 3000})

    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert not PlatformReport.objects.exists()


def test_addresses_without_a_hotline_save_nothing(platform, hotline):
    hotline.kind = AgencyKind.NGO
    hotline.save()

    response = post(platform, REPORTS, A_REPORT)

    assert response.status_code == 400
    assert response.json()["code"] == "no_hotline"
    assert not PlatformReport.objects.exists()


def test_only_a_platforms_key_with_the_reports_scope_may_report(hotline, make_member, client):
    from django.test import Client

    from childshield.platforms.services.credentials import platform_credential_create

    _p, _k, match_only = platform_credential_create(name="Match Only (test)", country="VN", scopes=["match"])
    lead = make_member(email="lead@example.org", role="hotline_lead", agency=hotline)
    _key, hotline_secret = hashing.api_key_issue(
        actor=lead, agency=hotline, name="hotline's own", scopes=["reports:write"]
    )

    nobody = post(client, REPORTS, A_REPORT)
    lacking = post(Client(headers={"Authorization": f"Bearer {match_only}"}), REPORTS, A_REPORT)
    not_a_platform = post(Client(headers={"Authorization": f"Bearer {hotline_secret}"}), REPORTS, A_REPORT)

    assert nobody.status_code == 401
    assert nobody["WWW-Authenticate"] == "Bearer"
    assert lacking.status_code == 403
    assert lacking.json()["code"] == "scope_missing"
    assert not_a_platform.status_code == 403
    assert not PlatformReport.objects.exists()


def test_answers_are_what_the_openapi_schema_says(platform, hotline, tmp_path):
    from django.core.management import call_command
    from drf_spectacular.generators import SchemaGenerator

    from tests.hashing.conftest import assert_matches_schema

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    openapi = SchemaGenerator().get_schema(request=None, public=True)
    created = post(platform, REPORTS, A_REPORT)
    refused = post(platform, REPORTS, {**A_REPORT, "colour": "red"})
    read = platform.get(f"{REPORTS}{created.json()['id']}/")
    missing = platform.get(f"{REPORTS}999999/")

    assert_matches_schema(openapi, created, "/api/v1/reports/")
    assert_matches_schema(openapi, refused, "/api/v1/reports/")
    assert_matches_schema(openapi, read, "/api/v1/reports/{report_id}/", method="get")
    assert_matches_schema(openapi, missing, "/api/v1/reports/{report_id}/", method="get")


def test_an_address_the_api_does_not_have_answers_a_problem_and_a_page_address_a_page(platform, client):
    api = platform.get("/api/v1/reports/not-a-number/")
    page = client.get("/en/no-such-page/")

    assert api.status_code == 404 and page.status_code == 404
    assert api["Content-Type"] == "application/problem+json"
    assert api.json()["code"] == "not_found"
    assert page["Content-Type"].startswith("text/html")
