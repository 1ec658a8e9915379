"""From an item's page an analyst asks the platform hosting it to preserve its data for the police or
to send the file; the page shows each notice's purpose and the platform's answer."""

from datetime import date

import pytest
from django.core import mail

from childshield.accounts.models import Agency, AgencyKind
from childshield.hotline.models import ItemStatus, Notice, NoticePurpose
from childshield.hotline.services.hosting import hosting_trace
from childshield.hotline.services.items import content_item_report
from childshield.hotline.services.notices import notice_first_send, notice_send
from childshield.hotline.services.requests import notice_file_receive, notice_preservation_answer
from childshield.platforms.models import PlatformHost

from .conftest import confirmed_item
from .test_evidence import synthetic_png


@pytest.fixture
def on_platform(analyst, traced_to_provider):
    """An item whose host is a platform connected to childshield."""
    platform = Agency.objects.create(country="VN", name="Video App (test)", kind=AgencyKind.PLATFORM)
    PlatformHost.objects.create(platform=platform, provider=traced_to_provider)
    item = content_item_report(acting=analyst, url="https://m.video.example/watch/1", source="analyst")
    hosting_trace(acting=analyst, item=item)
    item.refresh_from_db()
    return item


def page_of(client, item):
    return client.get(f"/en/hotline/items/{item.pk}/").content.decode()


def test_an_analyst_asks_the_platform_to_preserve_the_data_and_sees_its_answer(analyst, on_platform, sign_in):
    client = sign_in(analyst)
    assert "The request goes to Video App (test)" in page_of(client, on_platform)

    sent = client.post(f"/en/hotline/items/{on_platform.pk}/request/", {"purpose": "preservation"})

    assert sent.status_code == 302
    notice = Notice.objects.get()
    assert notice.purpose == NoticePurpose.PRESERVATION and notice.preserve_days == 90  # the default
    assert notice.platform.name == "Video App (test)" and notice.recipient_email == "abuse@hosting.example"
    notice = notice_send(notice_id=notice.pk)
    assert "preserve" in mail.outbox[0].subject
    page = page_of(client, on_platform)
    assert "Preservation request" in page and "90 days" in page and "Not answered yet" in page
    notice_preservation_answer(notice=notice, preserved_until=date(2027, 3, 1))
    assert "Preserved until 2027-03-01" in page_of(client, on_platform)
    on_platform.refresh_from_db()
    assert on_platform.status == ItemStatus.NEW and on_platform.notice_count == 0


def test_a_file_received_links_to_the_evidence(analyst, on_platform, sign_in):
    client = sign_in(analyst)
    client.post(f"/en/hotline/items/{on_platform.pk}/request/", {"purpose": "file_request", "file_hash": ""})
    notice = notice_send(notice_id=Notice.objects.get().pk)

    evidence = notice_file_receive(notice=notice, content=synthetic_png(seed=5))

    page = page_of(client, on_platform)
    assert "File request" in page and "File received" in page
    assert f'href="#evidence-slot-{evidence.pk}"' in page and f'id="evidence-slot-{evidence.pk}"' in page


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"purpose": "preservation", "preserve_days": "400"}, "less than or equal to 365"),
        ({"purpose": "preservation", "preserve_days": "3"}, "greater than or equal to 7"),
        ({"purpose": "file_request", "file_hash": "not-a-hash"}, "Give an MD5"),
        ({"purpose": "takedown"}, "Select a valid choice"),
    ],
)
def test_a_bad_request_is_shown_again_with_what_is_wrong(analyst, on_platform, sign_in, data, error):
    response = sign_in(analyst).post(f"/en/hotline/items/{on_platform.pk}/request/", data)

    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Notice.objects.exists()


def test_without_a_platform_there_is_no_one_to_ask(analyst, sign_in):
    item = content_item_report(acting=analyst, url="https://host.example/a", source="analyst")
    client = sign_in(analyst)

    assert "there is no one to ask" in page_of(client, item)
    refused = client.post(f"/en/hotline/items/{item.pk}/request/", {"purpose": "preservation"})

    assert refused.status_code == 400 and not Notice.objects.exists()


def test_another_hotline_cannot_ask_about_the_item(foreign_analyst, on_platform, sign_in):
    response = sign_in(foreign_analyst).post(
        f"/en/hotline/items/{on_platform.pk}/request/", {"purpose": "preservation"}
    )

    assert response.status_code == 404
    assert not Notice.objects.exists()


def test_a_request_made_first_does_not_hold_back_the_takedown_notice(
    analyst, second_analyst, traced_to_provider
):
    platform = Agency.objects.create(country="VN", name="Video App (test)", kind=AgencyKind.PLATFORM)
    PlatformHost.objects.create(platform=platform, provider=traced_to_provider)
    item = confirmed_item("https://m.video.example/watch/2", analyst=analyst, second=second_analyst)
    hosting_trace(acting=analyst, item=item)
    item.refresh_from_db()
    from childshield.hotline.services.requests import notice_request

    notice_send(
        notice_id=notice_request(acting=analyst, item=item, purpose="preservation", preserve_days=90).pk
    )

    takedown = notice_first_send(item_id=item.pk)

    assert takedown is not None and takedown.purpose == NoticePurpose.TAKEDOWN and takedown.sequence == 1
    item.refresh_from_db()
    assert item.status == ItemStatus.NOTICE_SENT and item.notice_count == 1
    assert "N1" in mail.outbox[-1].subject
