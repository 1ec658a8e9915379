"""A platform reads the notices sent to it and answers them: received, removed (checked by the hotline
at once), or not removed with a reason."""

from datetime import timedelta

import pytest
from django.utils import timezone

from childshield.hotline.models import ItemStatus, RemovalCheck
from childshield.hotline.probe import ProbeResult
from childshield.outbox.models import OutboxItem
from childshield.outbox.services import outbox_item_deliver
from childshield.platforms.models import NoticeResponse
from childshield.platforms.services.notices import REMOVAL_VERIFY
from tests.hotline.conftest import confirmed_item
from tests.platforms.conftest import post

NOTICES = "/api/v1/notices/"


@pytest.fixture
def noticed(hosted, analysts):
    """Sends the first notice for an address on the platform; returns the notice."""
    from childshield.hotline.services.notices import notice_first_send

    def send(url="https://m.video.example/watch/1"):
        item = confirmed_item(url, analyst=analysts[0], second=analysts[1])
        return notice_first_send(item_id=item.pk, now=timezone.now() - timedelta(hours=3))

    return send


def test_a_platform_reads_the_notices_sent_to_it(platform, other_platform, noticed):
    first, second = noticed("https://m.video.example/watch/1"), noticed("https://m.video.example/watch/2")

    listed = platform.get(NOTICES)

    assert listed.status_code == 200
    body = listed.json()
    assert [notice["id"] for notice in body["notices"]] == [first.pk, second.pk]
    assert body["notices"][0]["item"]["url"] == "https://m.video.example/watch/1"
    assert body["notices"][0]["item"]["status"] == "confirmed"
    assert body["next_after"] is None
    paged = platform.get(NOTICES, {"limit": 1}).json()
    assert [n["id"] for n in paged["notices"]] == [first.pk] and paged["next_after"] == first.pk
    assert [n["id"] for n in platform.get(NOTICES, {"after": first.pk}).json()["notices"]] == [second.pk]
    assert other_platform.get(NOTICES).json()["notices"] == []
    assert other_platform.get(f"{NOTICES}{first.pk}/").status_code == 404


def test_a_removal_is_recorded_and_checked_by_the_hotline_at_once(platform, noticed, monkeypatch):
    notice = noticed()
    acted = timezone.now() - timedelta(hours=1)
    checked = []
    monkeypatch.setattr(
        "childshield.hotline.probe.check_url",
        lambda url, timeout: checked.append(url) or ProbeResult(state="removed", status_code=404),
    )

    response = post(
        platform, f"{NOTICES}{notice.pk}/removal/", {"removed": True, "acted_at": acted.isoformat()}
    )

    assert response.status_code == 201, response.content
    assert [r["kind"] for r in response.json()["responses"]] == ["removed"]
    recorded = NoticeResponse.objects.get()
    assert abs((recorded.acted_at - acted).total_seconds()) < 1
    verify = OutboxItem.objects.get(kind=REMOVAL_VERIFY)
    outbox_item_deliver(item_id=verify.pk)
    assert checked == ["https://m.video.example/watch/1"]
    notice.item.refresh_from_db()
    assert notice.item.status == ItemStatus.REMOVED
    assert platform.get(f"{NOTICES}{notice.pk}/").json()["item"]["status"] == "removed"


def test_a_removal_the_hotline_still_finds_online_does_not_count(platform, noticed, monkeypatch):
    notice = noticed()
    monkeypatch.setattr(
        "childshield.hotline.probe.check_url",
        lambda url, timeout: ProbeResult(state="online", status_code=200),
    )

    post(platform, f"{NOTICES}{notice.pk}/removal/", {"removed": True})
    outbox_item_deliver(item_id=OutboxItem.objects.get(kind=REMOVAL_VERIFY).pk)

    notice.item.refresh_from_db()
    assert notice.item.status != ItemStatus.REMOVED
    assert RemovalCheck.objects.get(item=notice.item).state == "online"


def test_acknowledged_then_refused_with_a_reason(platform, noticed):
    notice = noticed()

    received = post(platform, f"{NOTICES}{notice.pk}/acknowledge/", {})
    again = post(platform, f"{NOTICES}{notice.pk}/acknowledge/", {"note": "again"})
    no_reason = post(platform, f"{NOTICES}{notice.pk}/removal/", {"removed": False})
    refused = post(
        platform, f"{NOTICES}{notice.pk}/removal/", {"removed": False, "note": "Lawful in our view."}
    )

    assert received.status_code == 201
    assert again.status_code == 200  # the same answer once
    assert no_reason.status_code == 400
    assert [e["pointer"] for e in no_reason.json()["errors"]] == ["/note"]
    assert refused.status_code == 201
    assert [r["kind"] for r in refused.json()["responses"]] == ["acknowledged", "not_removed"]
    assert NoticeResponse.objects.get(kind="not_removed").note == "Lawful in our view."


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"removed": True, "colour": "red"}, "/colour"),
        ({"removed": "maybe"}, "/removed"),
        ({"removed": True, "acted_at": "2999-01-01T00:00:00Z"}, "/"),
    ],
)
def test_bad_answers_are_precise_problems_and_record_nothing(platform, noticed, body, pointer):
    notice = noticed()

    response = post(platform, f"{NOTICES}{notice.pk}/removal/", body)

    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    assert pointer in [e["pointer"] for e in response.json().get("errors", [{"pointer": "/"}])]
    assert not NoticeResponse.objects.exists()


def test_another_platform_cannot_answer_a_notice(other_platform, noticed):
    notice = noticed()

    response = post(other_platform, f"{NOTICES}{notice.pk}/removal/", {"removed": True})

    assert response.status_code == 404
    assert not NoticeResponse.objects.exists()


@pytest.mark.parametrize("query", [{"limit": "0"}, {"limit": "5000"}, {"after": "x"}])
def test_bad_paging_is_a_problem(platform, query):
    response = platform.get(NOTICES, query)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
