"""The hotline's analysts and leads read a platform's report in full (who uploaded it, where the child
may be, which files the banks knew, each address's item), list them by platform, and reach them from
an item's page; the read is audited. Another hotline, a sandbox report, a platform's own staff, the
regulator and the helpline see none of it."""

import re

import pytest
from django.test import Client

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.audit.models import AuditAction, AuditEvent
from childshield.hashing.models import ApiKey, ApiScope
from childshield.hotline.models import ContentItem
from childshield.platforms.models import PlatformReport
from childshield.platforms.services.credentials import platform_credential_create
from tests.conftest import PASSWORD
from tests.platforms.conftest import post
from tests.platforms.test_sandbox import LIVE_MD5, live_bank, sandbox_secret  # noqa: F401 (a fixture)

LIST = "/en/platforms/reports/"
KNOWN_MD5 = LIVE_MD5
UNKNOWN_MD5 = "cd" * 16
A_REPORT = {
    "incident_type": "sextortion",
    "external_id": "vid-77",
    "urls": ["https://video.example/watch/1", "https://video.example/watch/2"],
    "file_hashes": [{"algorithm": "md5", "value": KNOWN_MD5}, {"algorithm": "md5", "value": UNKNOWN_MD5}],
    "uploader": {"username": "made_up_uploader", "email": "uploader@example.org", "ip_address": "192.0.2.7"},
    "location": {"country": "vn", "city": "Đà Nẵng", "note": "Made up: sign-in city."},
    "reviewed_by_platform": True,
    "apparent_age": "pubescent",
    "description": "Made up: an account asked a child for pictures.",
}


def signed_in(member):
    client = Client()
    response = client.post("/en/account/sign-in/", {"username": member.user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def report(platform, live_bank):  # noqa: F811
    created = post(platform, "/api/v1/reports/", A_REPORT)
    assert created.status_code == 201, created.content
    return PlatformReport.objects.get(pk=created.json()["id"])


def test_an_analyst_reads_the_report_in_full_and_the_read_is_audited(report, analysts):
    client = signed_in(analysts[0])

    response = client.get(f"{LIST}{report.pk}/")

    assert response.status_code == 200
    page = response.content.decode()
    assert report.number in page and "Video App (test)" in page and "vid-77" in page
    for shown in ("made_up_uploader", "uploader@example.org", "192.0.2.7", "VN", "Đà Nẵng", "sign-in city"):
        assert shown in page
    assert "Made up: an account asked a child for pictures." in page
    assert "Sexual extortion of a child" in page and "Pubescent" in page
    for item in ContentItem.objects.order_by("pk"):
        assert f'href="/en/hotline/items/{item.pk}/"' in page and item.number in page
    assert page.count('data-status="new"') == 2
    assert re.search(rf'data-hash="{KNOWN_MD5}".*?<strong>known</strong>', page, re.DOTALL)
    assert re.search(rf'data-hash="{UNKNOWN_MD5}".*?not known', page, re.DOTALL)
    event = AuditEvent.objects.get(
        object_type="platforms.PlatformReport", object_id=str(report.pk), action=AuditAction.VIEW
    )
    assert event.actor_id == str(analysts[0].user_id)
    assert "uploader" in event.reason


def test_a_hotline_lead_reads_it_too(report, hotline, make_member):
    lead = make_member(email="second.lead@example.org", role=Role.HOTLINE_LEAD, agency=hotline)

    assert signed_in(lead).get(f"{LIST}{report.pk}/").status_code == 200


def test_the_list_is_newest_first_paged_and_filtered_by_platform(
    platform,
    other_platform,
    analysts,
    live_bank,  # noqa: F811
    django_assert_max_num_queries,
):
    for number in range(3):
        post(platform, "/api/v1/reports/", {**A_REPORT, "external_id": f"mine-{number}"})
    post(other_platform, "/api/v1/reports/", {"incident_type": "other", "description": "Made up."})
    numbers = list(PlatformReport.objects.order_by("-received_at", "-pk").values_list("pk", flat=True))
    client = signed_in(analysts[0])

    # 13: a staff page's own (session, user, each two-factor device kind, membership) and the list's.
    with django_assert_max_num_queries(13):
        every = client.get(LIST).content.decode()
    chat_app = Agency.objects.get(name="Chat App (test)")
    filtered = client.get(LIST, {"platform": chat_app.pk}).content.decode()

    shown = [int(pk) for pk in re.findall(r'href="/en/platforms/reports/(\d+)/"', every)]
    assert shown == numbers
    assert filtered.count("data-report=") == 1 and "Chat App (test)" in filtered
    assert AuditEvent.objects.filter(object_type="platforms.PlatformReport", object_id="").count() == 2


def test_another_hotline_and_a_sandbox_report_are_not_found(report, analysts, make_member):
    kh_hotline = Agency.objects.create(country="KH", name="KH Hotline (test)", kind=AgencyKind.HOTLINE)
    outsider = make_member(email="kh@example.org", role=Role.HOTLINE_ANALYST, agency=kh_hotline)
    analyst = analysts[0]
    sandbox = Client(headers={"Authorization": f"Bearer {sandbox_secret()}"})
    tried = post(sandbox, "/api/v1/reports/", {"incident_type": "other", "urls": ["https://video.example/t"]})

    assert signed_in(outsider).get(f"{LIST}{report.pk}/").status_code == 404
    assert report.number not in signed_in(outsider).get(LIST).content.decode()
    assert signed_in(analyst).get(f"{LIST}{tried.json()['id']}/").status_code == 404
    assert tried.json()["number"] not in signed_in(analyst).get(LIST).content.decode()


@pytest.mark.parametrize("role", [Role.PLATFORM_STAFF, Role.REGULATOR, Role.COUNSELLOR])
def test_a_platforms_staff_the_regulator_and_the_helpline_may_not_open_the_pages(
    report, credential, hotline, make_member, role
):
    agency = {
        Role.PLATFORM_STAFF: credential[0],  # the report's own platform
        Role.REGULATOR: Agency.objects.create(
            country="VN", name="Regulator (test)", kind=AgencyKind.REGULATOR
        ),
        Role.COUNSELLOR: Agency.objects.create(
            country="VN", name="Helpline (test)", kind=AgencyKind.HELPLINE
        ),
    }[role]
    client = signed_in(make_member(email="someone@example.org", role=role, agency=agency))

    assert client.get(f"{LIST}{report.pk}/").status_code == 403
    assert client.get(LIST).status_code == 403


def test_the_item_page_links_to_each_platform_report_that_named_it(
    platform,
    other_platform,
    analysts,
    live_bank,  # noqa: F811
):
    first = post(platform, "/api/v1/reports/", A_REPORT).json()
    second = post(
        other_platform, "/api/v1/reports/", {"incident_type": "other", "urls": A_REPORT["urls"][:1]}
    ).json()
    item = ContentItem.objects.order_by("pk").first()  # the first address, named by both
    assert item.url == "https://video.example/watch/1"

    page = signed_in(analysts[0]).get(f"/en/hotline/items/{item.pk}/").content.decode()

    for sent, platform_name in ((first, "Video App (test)"), (second, "Chat App (test)")):
        link = re.search(rf'<a href="/en/platforms/reports/{sent["id"]}/">([^<]*)</a>', page)
        assert link is not None
        assert link.group(1).startswith(f"Reported by {platform_name} on ")
        assert link.group(1).endswith("see the report")


def test_a_report_without_addresses_is_filed_with_the_countrys_hotline(platform, hotline):
    """A report with only a description is filed with the country's hotline, as the items are."""
    created = post(platform, "/api/v1/reports/", {"incident_type": "other", "description": "Made up."})

    assert PlatformReport.objects.get(pk=created.json()["id"]).hotline == hotline


def test_a_report_where_no_hotline_works_is_no_hotlines(db):
    _platform, _key, secret = platform_credential_create(
        name="Lonely App (test)", country="VN", scopes=list(ApiScope.values)
    )
    client = Client(headers={"Authorization": f"Bearer {secret}"})

    created = post(client, "/api/v1/reports/", {"incident_type": "other", "description": "Made up."})

    assert created.status_code == 201
    assert PlatformReport.objects.get().hotline is None


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_reports_received_before_their_hotline(hotline, credential):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from childshield.platforms.services.reports import PlatformReportData, platform_report_receive

    other_hotline = Agency.objects.create(country="VN", name="Second Hotline (test)", kind=AgencyKind.HOTLINE)
    live = platform_report_receive(
        key=credential[1], data=PlatformReportData(incident_type="other", urls=["https://video.example/1"])
    )
    ContentItem.objects.update(agency=other_hotline)  # its item went to another hotline: that one's
    bare = platform_report_receive(key=credential[1], data=PlatformReportData(incident_type="other"))
    sandbox_secret()
    tried = platform_report_receive(
        key=ApiKey.objects.get(is_sandbox=True), data=PlatformReportData(incident_type="other")
    )
    executor = MigrationExecutor(connection)
    executor.migrate([("platforms", "0006_sandbox_addresses_kept")])
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    hotlines = dict(PlatformReport.objects.values_list("pk", "hotline"))
    assert hotlines == {live.pk: other_hotline.pk, bare.pk: hotline.pk, tried.pk: None}
