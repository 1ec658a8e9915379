"""A platform's engineer tries everything with a sandbox key: it matches the synthetic bank alone (and
a live key never does), its reports are answered as real ones and reach neither the hotline nor the
helpline nor the platform's record, it answers no real notice, and a test notice reaches the
platform's webhook signed as a real one."""

import hashlib
import io
import json
import re

import pytest
from django.core.management import call_command
from django.test import Client

from childshield.accounts.models import Role
from childshield.hashing import services as hashing
from childshield.hashing.models import ApiKey, BankSource, HashBank, SharingPolicy
from childshield.hotline.models import ContentItem, ContentItemSource
from childshield.intake.models import Report
from childshield.outbox.models import OutboxItem, OutboxState
from childshield.platforms.models import NoticeResponse, PlatformReportItem
from childshield.platforms.record import platform_record
from childshield.platforms.services.sandbox import WEBHOOK_TEST, sandbox_picture
from tests.platforms.conftest import post
from tests.platforms.test_api_docs import DOC, verify_snippet
from tests.platforms.test_dashboard import answered_notice  # noqa: F401 (a fixture)
from tests.platforms.test_webhooks import local_webhooks, receiver  # noqa: F401 (fixtures)

SANDBOX_MD5 = hashlib.md5(sandbox_picture(0), usedforsecurity=False).hexdigest()
LIVE_MD5 = "ab" * 16


def sandbox_secret(name="Video App (test)"):
    out = io.StringIO()
    call_command("create_platform_credential", name, "--sandbox", stdout=out)
    return out.getvalue().strip().splitlines()[-1]


def match(client, value):
    response = client.post(
        "/api/v1/match/hashes/",
        {"hashes": [{"algorithm": "md5", "value": value}]},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()["results"][0]["status"]


@pytest.fixture
def live_bank(hotline, make_member):
    lead = make_member(email="lead@example.org", role=Role.HOTLINE_LEAD, agency=hotline)
    bank = hashing.bank_create(
        actor=lead,
        name="Shared",
        source=BankSource.HOTLINE_CONFIRMED,
        sharing=SharingPolicy.TRUSTED_PLATFORMS,
    )
    hashing.entry_add(actor=lead, bank=bank, algorithm="md5", value=LIVE_MD5)
    return bank


@pytest.fixture
def sandbox(credential):
    return Client(headers={"Authorization": f"Bearer {sandbox_secret()}"})


def test_the_command_gives_a_sandbox_key_of_the_same_platform(credential):
    token = sandbox_secret()

    key = ApiKey.objects.get(agency=credential[0], is_sandbox=True)
    assert token.startswith("cs_") and key.expires_at is not None
    assert HashBank.objects.get(source=BankSource.SYNTHETIC).live_entries > 0


def test_a_sandbox_key_matches_the_synthetic_bank_and_nothing_else(sandbox, platform, live_bank):
    assert match(sandbox, SANDBOX_MD5) == "matched"
    assert match(sandbox, LIVE_MD5) == "no_match"
    assert match(platform, LIVE_MD5) == "matched"
    assert match(platform, SANDBOX_MD5) == "no_match"  # a live key never sees the synthetic bank
    banks = sandbox.get("/api/v1/banks/").json()
    assert [bank["name"] for bank in banks] == ["Sandbox bank (synthetic hashes)"]


def test_a_sandbox_report_is_answered_and_kept_apart(sandbox, credential):
    response = post(
        sandbox,
        "/api/v1/reports/",
        {"incident_type": "sextortion", "urls": ["https://video.example/test"], "child_at_risk": True},
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"].startswith("P-") and body["status"] == "received"
    assert body["forwarded_to_helpline"] is False and body["sandbox"] is True
    assert sandbox.get(f"/api/v1/reports/{body['id']}/").status_code == 200
    assert not ContentItem.objects.exists()
    assert not ContentItemSource.objects.exists()
    assert not Report.objects.exists()
    assert sum(month.reports for month in platform_record(platform=credential[0])) == 0
    bad = post(sandbox, "/api/v1/reports/", {"incident_type": "other", "urls": ["ftp://nope"]})
    assert bad.status_code == 400  # checked as in live


SANDBOX_URLS = ["https://video.example/b", "https://video.example/a", "https://video.example/b"]


def test_a_sandbox_reports_addresses_are_kept_and_read_back_as_received(sandbox, platform, credential):
    created = post(sandbox, "/api/v1/reports/", {"incident_type": "other", "urls": SANDBOX_URLS})
    live = post(platform, "/api/v1/reports/", {"incident_type": "other", "urls": SANDBOX_URLS[:1]})

    read = sandbox.get(f"/api/v1/reports/{created.json()['id']}/").json()

    expected = [{"url": url, "status": "received"} for url in SANDBOX_URLS]  # as sent, in order
    assert created.json()["items"] == expected and read["items"] == expected
    assert read["status"] == "received" and read["sandbox"] is True
    assert live.json()["sandbox"] is False
    # No hotline item, no source: the live report's address is the only one the hotline has.
    assert list(ContentItem.objects.values_list("url", flat=True)) == ["https://video.example/b"]
    assert ContentItemSource.objects.get().reference == live.json()["number"]
    sandboxed = PlatformReportItem.objects.filter(report_id=created.json()["id"])
    assert sandboxed.count() == 3 and not sandboxed.filter(item__isnull=False).exists()


def test_a_sandbox_reports_answer_matches_the_openapi_description(sandbox):
    from drf_spectacular.generators import SchemaGenerator

    from tests.hashing.conftest import assert_matches_schema

    openapi = SchemaGenerator().get_schema(request=None, public=True)
    created = post(sandbox, "/api/v1/reports/", {"incident_type": "other", "urls": SANDBOX_URLS})
    read = sandbox.get(f"/api/v1/reports/{created.json()['id']}/")

    assert_matches_schema(openapi, created, "/api/v1/reports/")
    assert_matches_schema(openapi, read, "/api/v1/reports/{report_id}/", method="get")


def test_the_dashboard_shows_a_sandbox_reports_addresses(sandbox, credential, make_member, sign_in):
    post(sandbox, "/api/v1/reports/", {"incident_type": "other", "urls": SANDBOX_URLS[:1]})
    client = sign_in(make_member(email="staff@video.example", role=Role.PLATFORM_STAFF, agency=credential[0]))

    page = client.get("/en/platforms/dashboard/").content.decode()

    assert "data-sandbox" in page
    assert "https://video.example/b" in page and "<code data-state>received</code>" in page


def test_a_sandbox_key_answers_no_real_notice(sandbox, platform, answered_notice):  # noqa: F811
    new_notice = answered_notice.pk
    NoticeResponse.objects.filter(notice_id=new_notice).delete()

    refused = post(sandbox, f"/api/v1/notices/{new_notice}/acknowledge/", {})

    assert refused.status_code == 403
    assert not NoticeResponse.objects.filter(notice_id=new_notice).exists()
    assert post(platform, f"/api/v1/notices/{new_notice}/acknowledge/", {}).status_code == 201


def test_a_test_notice_reaches_the_webhook_signed_and_marked_sandbox(
    platform,
    credential,
    make_member,
    sign_in,
    local_webhooks,  # noqa: F811
    receiver,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    server = receiver()
    created = post(platform, "/api/v1/webhooks/", {"url": server.url}).json()
    client = sign_in(make_member(email="staff@video.example", role=Role.PLATFORM_STAFF, agency=credential[0]))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/en/platforms/{credential[0].pk}/webhooks/test/", {"webhook": created["id"]})

    assert response.status_code == 302
    assert OutboxItem.objects.get(kind=WEBHOOK_TEST).state == OutboxState.DELIVERED
    [(headers, body)] = server.received
    assert verify_snippet()(created["secret"], body, headers["Childshield-Signature"])
    sent = json.loads(body)
    assert sent["sandbox"] is True and sent["event"] == "notice"
    assert sent["item"]["url"].startswith("https://sandbox.childshield.test/")


def test_the_keys_page_issues_a_sandbox_key(credential, make_member, sign_in):
    client = sign_in(make_member(email="staff@video.example", role=Role.PLATFORM_STAFF, agency=credential[0]))

    page = client.post(f"/en/platforms/{credential[0].pk}/keys/sandbox/").content.decode()

    key = ApiKey.objects.get(agency=credential[0], is_sandbox=True)
    assert "sandbox key" in page and "cs_" in page
    assert sorted(key.scopes) == sorted(ApiKey.objects.get(pk=credential[1].pk).scopes)


def test_the_docs_sandbox_example_is_matched_by_a_sandbox_key_only(sandbox, platform):
    section = DOC.read_text().split("## Try it in the sandbox", 1)[1]
    [value] = re.findall(r'"value": "([0-9a-f]{64})"', section)
    body = {"hashes": [{"algorithm": "pdq", "value": value, "quality": 100}]}

    def status(client):
        answer = client.post("/api/v1/match/hashes/", body, content_type="application/json")
        return answer.json()["results"][0]["status"]

    assert status(sandbox) == "matched"
    assert status(platform) == "no_match"
