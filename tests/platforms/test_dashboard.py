"""A platform's staff see their own platform's page: the notices sent to it and how it answered, the
reports it sent and each address's state, its keys and webhooks; the regulator sees every platform's,
read only; no one else sees any."""

from datetime import timedelta

import pytest
from django.utils import timezone

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.hotline.models import ContentItem, HostingProvider, Notice, NoticeState, RecipientKind
from childshield.hotline.services.notices import notice_first_send
from childshield.platforms.models import NoticeResponse, PlatformHost, ResponseKind, WebhookSubscription
from tests.hotline.conftest import confirmed_item
from tests.platforms.conftest import post

PAGE = "/en/platforms/dashboard/"


@pytest.fixture
def answered_notice(hotline, credential):
    """A notice sent to the platform yesterday: acknowledged after an hour, removal reported after 5."""
    platform, key, _secret = credential
    provider = HostingProvider.objects.create(name="Video App hosting", is_platform=True)
    PlatformHost.objects.create(platform=platform, provider=provider)
    sent = timezone.now() - timedelta(days=1)
    item = ContentItem.objects.create(
        agency=hotline,
        url="https://video.example/watch/1",
        url_key="key-1",
        host="video.example",
        display_host="video.example",
        provider=provider,
    )
    notice = Notice.objects.create(
        item=item,
        sequence=1,
        recipient_kind=RecipientKind.PLATFORM,
        recipient_name="Video App",
        recipient_email="abuse@video.example",
        state=NoticeState.SENT,
        sent_at=sent,
    )
    for kind, hours in ((ResponseKind.ACKNOWLEDGED, 1), (ResponseKind.REMOVED, 5)):
        at = sent + timedelta(hours=hours)
        NoticeResponse.objects.create(
            notice=notice, platform=platform, api_key=key, kind=kind, acted_at=at, received_at=at
        )
    return notice


@pytest.fixture
def other(hotline):
    return Agency.objects.create(country="VN", name="Other App (test)", kind=AgencyKind.PLATFORM)


def test_platform_staff_see_their_notices_reports_keys_and_webhooks(
    platform, credential, answered_notice, other, make_member, sign_in
):
    own, key, _secret = credential
    post(
        platform, "/api/v1/reports/", {"incident_type": "abuse_material", "urls": ["https://video.example/x"]}
    )
    WebhookSubscription.objects.create(platform=own, url="https://hooks.video.example/cs", secret="whsec_x")
    client = sign_in(make_member(email="staff@video.example", role=Role.PLATFORM_STAFF, agency=own))

    page = client.get(PAGE, {"platform": other.pk}).content.decode()  # another platform's: their own instead

    assert "Video App (test)" in page and "Other App (test)" not in page
    assert f'data-notice="{answered_notice.pk}"' in page
    assert "5.0 h" in page  # from the notice to the removal reported
    assert "https://video.example/x" in page
    assert "Waiting for an analyst <code data-state>received</code>" in page
    assert key.prefix in page
    assert "https://hooks.video.example/cs" in page
    assert f"/en/platforms/{own.pk}/keys/" in page  # they manage their keys
    assert f"/en/platforms/record/?platform={own.pk}" in page


def test_the_regulator_sees_every_platform_read_only(
    credential, answered_notice, other, make_member, sign_in
):
    regulator_agency = Agency.objects.create(country="VN", name="Regulator (test)", kind=AgencyKind.REGULATOR)
    client = sign_in(make_member(email="regulator@example.org", role=Role.REGULATOR, agency=regulator_agency))

    chosen = client.get(PAGE, {"platform": credential[0].pk}).content.decode()
    other_page = client.get(PAGE, {"platform": other.pk}).content.decode()

    assert f'data-notice="{answered_notice.pk}"' in chosen
    assert "/keys/" not in chosen and '<form method="post"' not in chosen
    assert "Other App (test)" in other_page and f'data-notice="{answered_notice.pk}"' not in other_page
    assert client.get(f"/en/platforms/{credential[0].pk}/keys/").status_code == 403


@pytest.mark.parametrize("role", [Role.HOTLINE_LEAD, Role.HOTLINE_ANALYST, Role.COUNSELLOR])
def test_no_one_else_sees_a_platforms_dashboard(hotline, credential, make_member, sign_in, role):
    client = sign_in(make_member(email="someone@example.org", role=role, agency=hotline))

    assert client.get(PAGE).status_code == 403


def test_the_dashboard_reads_in_a_fixed_number_of_queries(
    platform, credential, answered_notice, make_member, sign_in, django_assert_max_num_queries
):
    for number in range(5):
        post(
            platform,
            "/api/v1/reports/",
            {"incident_type": "other", "urls": [f"https://video.example/{number}"]},
        )
    client = sign_in(make_member(email="staff@video.example", role=Role.PLATFORM_STAFF, agency=credential[0]))

    with django_assert_max_num_queries(20):
        page = client.get(PAGE).content.decode()

    assert page.count("data-report=") == 5


def test_each_notice_shows_its_purpose_and_a_request_its_answer_in_place_of_a_removal(
    platform, credential, hosted, analysts, make_member, sign_in
):
    from childshield.hotline.services.notices import notice_send
    from childshield.hotline.services.requests import notice_request

    item = confirmed_item("https://m.video.example/watch/9", analyst=analysts[0], second=analysts[1])
    takedown = notice_first_send(item_id=item.pk)
    item.refresh_from_db()
    sent = {}
    for purpose, fields in (("preservation", {"preserve_days": 30}), ("file_request", {})):
        asked = notice_request(acting=analysts[0], item=item, purpose=purpose, **fields)
        sent[purpose] = notice_send(notice_id=asked.pk)
    until = (timezone.localdate() + timedelta(days=30)).isoformat()
    kept = post(
        platform,
        f"/api/v1/notices/{sent['preservation'].pk}/preservation/",
        {"preserved": True, "preserved_until": until},
    )
    assert kept.status_code == 201, kept.content
    removed = post(platform, f"/api/v1/notices/{takedown.pk}/removal/", {"removed": True})
    assert removed.status_code == 201, removed.content
    client = sign_in(make_member(email="staff@video.example", role=Role.PLATFORM_STAFF, agency=credential[0]))

    page = client.get(PAGE).content.decode()

    purposes = ("takedown", "preservation", "file_request")
    rows = {purpose: _row(page, f'data-purpose="{purpose}"') for purpose in purposes}
    assert "Take down" in rows["takedown"] and " h</td>" in rows["takedown"]
    assert "data-removal" in rows["takedown"] and "data-answer" not in rows["takedown"]
    assert (
        "Preservation request" in rows["preservation"] and f"Preserved until {until}" in rows["preservation"]
    )
    assert "File request" in rows["file_request"] and "Not answered yet" in rows["file_request"]
    for request in ("preservation", "file_request"):
        assert "data-removal" not in rows[request] and " h</td>" not in rows[request]
        assert "not a takedown" in rows[request]
    assert f"{item.number}-P1" in rows["preservation"] and f"{item.number}-F1" in rows["file_request"]


def _row(page, marker):
    start = page.index(marker)
    return page[start : page.index("</tr>", start)]
