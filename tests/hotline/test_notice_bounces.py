"""A bounce reported by the mail provider marks the notice bounced by itself: the provider's webhook
(here Postmark's, as django-anymail receives it) is posted to the app as the provider would."""

import base64
import json
from datetime import timedelta

import pytest
from django.core import mail

from childshield.audit.models import AuditEvent
from childshield.hotline.models import NoticeState
from childshield.hotline.notice_mail import NOTICE_METADATA_KEY
from childshield.hotline.services import notices
from childshield.hotline.services.notices import items_renotice_due, notice_first_send

from .conftest import T0, confirmed_item

AUTH = "Basic " + base64.b64encode(b"mailhook:test-only-secret").decode()
WEBHOOK = "/mail/postmark/tracking/"


def postmark_event(
    record_type: str, *, email: str, message_id: str = "", metadata: dict | None = None
) -> str:
    event = {
        "RecordType": record_type,
        "ID": 4323372036854775807,
        "MessageID": message_id or "00000000-0000-0000-0000-000000000000",
        "Email": email,
        "Recipient": email,
        "BouncedAt": "2026-12-03T08:00:00Z",
        "DeliveredAt": "2026-12-03T08:00:00Z",
        "Metadata": metadata or {},
    }
    if record_type == "Bounce":
        event |= {"Type": "HardBounce", "Description": "The server was unable to deliver your message"}
    return json.dumps(event)


@pytest.fixture
def sent_notice(analyst, second_analyst, traced_to_provider):
    item = confirmed_item("https://host.example/bounce", analyst=analyst, second=second_analyst)
    notice = notice_first_send(item_id=item.pk, now=T0)
    assert notice.state == NoticeState.SENT
    return notice


def post(client, body: str, auth: str = AUTH):
    return client.post(WEBHOOK, data=body, content_type="application/json", HTTP_AUTHORIZATION=auth)


def test_the_notice_goes_out_with_a_message_id_that_a_bounce_can_name(sent_notice):
    [message] = mail.outbox
    assert sent_notice.message_id and message.extra_headers["Message-ID"] == sent_notice.message_id


def test_a_hard_bounce_reported_by_the_provider_marks_the_notice_bounced(client, sent_notice):
    body = postmark_event(
        "Bounce",
        email="abuse@hosting.example",
        metadata={NOTICE_METADATA_KEY: str(sent_notice.pk)},
    )
    assert post(client, body).status_code == 200
    sent_notice.refresh_from_db()
    assert sent_notice.state == NoticeState.BOUNCED
    assert sent_notice.last_error == "Postmark: bounced (bounced)"
    assert AuditEvent.objects.filter(reason__contains="bounced, reported by Postmark").count() == 1
    # The provider sends the same event again: nothing more happens.
    assert post(client, body).status_code == 200
    assert AuditEvent.objects.filter(reason__contains="bounced, reported by Postmark").count() == 1


def test_a_bounce_found_by_the_message_id_alone(client, sent_notice):
    body = postmark_event("Bounce", email="ABUSE@hosting.example", message_id=sent_notice.message_id)
    assert post(client, body).status_code == 200
    sent_notice.refresh_from_db()
    assert sent_notice.state == NoticeState.BOUNCED


def test_deliveries_other_recipients_and_wrong_credentials_change_nothing(client, sent_notice):
    metadata = {NOTICE_METADATA_KEY: str(sent_notice.pk)}
    assert (
        post(client, postmark_event("Delivery", email="abuse@hosting.example", metadata=metadata)).status_code
        == 200
    )
    assert (
        post(client, postmark_event("Bounce", email="someone@else.example", metadata=metadata)).status_code
        == 200
    )
    wrong = "Basic " + base64.b64encode(b"mailhook:guessed").decode()
    refused = post(
        client, postmark_event("Bounce", email="abuse@hosting.example", metadata=metadata), auth=wrong
    )
    assert refused.status_code in (400, 401, 403)
    sent_notice.refresh_from_db()
    assert sent_notice.state == NoticeState.SENT and sent_notice.last_error == ""


def test_after_a_bounce_the_same_address_is_not_noticed_again_until_the_contact_changes(
    client, sent_notice, provider
):
    post(client, postmark_event("Bounce", email="abuse@hosting.example", message_id=sent_notice.message_id))
    item = sent_notice.item
    assert items_renotice_due(now=T0 + timedelta(hours=48)) == 0
    assert item.notices.count() == 1 and len(mail.outbox) == 1
    provider.abuse_email = "abuse-desk@hosting.example"
    provider.save()
    assert items_renotice_due(now=T0 + timedelta(hours=48)) == 1
    assert mail.outbox[-1].to == ["abuse-desk@hosting.example"]


def test_the_analysts_list_points_at_items_whose_last_notice_bounced(client, sent_notice, analyst, sign_in):
    page = sign_in(analyst).get("/en/hotline/").content.decode()
    assert "data-bounced" not in page
    post(client, postmark_event("Bounce", email="abuse@hosting.example", message_id=sent_notice.message_id))
    analyst_client = sign_in(analyst)
    page = analyst_client.get("/en/hotline/").content.decode()
    assert "Last notice bounced: 1 item" in page
    only = analyst_client.get("/en/hotline/", {"notice_bounced": "on"}).content.decode()
    assert sent_notice.item.number in only and only.count("data-bounced>Last notice bounced<") == 1


def test_items_waiting_for_a_corrected_contact_do_not_take_places_in_the_re_notice_batch(
    client, sent_notice, provider, monkeypatch
):
    post(client, postmark_event("Bounce", email="abuse@hosting.example", message_id=sent_notice.message_id))
    considered = []
    monkeypatch.setattr(notices, "item_renotice", lambda *, item, now: considered.append(item.pk))
    items_renotice_due(now=T0 + timedelta(hours=48))
    assert considered == []
    provider.abuse_email = "new-desk@hosting.example"
    provider.save()
    items_renotice_due(now=T0 + timedelta(hours=48))
    assert considered == [sent_notice.item_id]
