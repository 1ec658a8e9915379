"""The administrators' view of the outbox: items listed and read without their payloads; dead letters
replayed from the list, audited."""

import pytest
from django.db import transaction

from childshield.audit.models import AuditEvent
from childshield.outbox.models import OutboxItem, OutboxState
from childshield.outbox.services import email_enqueue

pytestmark = pytest.mark.django_db


def _dead_email():
    with transaction.atomic():
        item = email_enqueue(subject="About case C-7", body="Sign in to read it.", to=["teacher@example.org"])
    OutboxItem.objects.filter(pk=item.pk).update(
        state=OutboxState.DEAD, attempts=8, last_error="SMTPServerDisconnected"
    )
    return item


def test_the_outbox_pages_never_show_a_payload(admin_client):
    item = _dead_email()
    listing = admin_client.get("/en/admin/outbox/outboxitem/?state__exact=dead").content.decode()
    assert "SMTPServerDisconnected" in listing and f"/outboxitem/{item.pk}/change/" in listing
    page = admin_client.get(f"/en/admin/outbox/outboxitem/{item.pk}/change/").content.decode()
    assert "SMTPServerDisconnected" in page
    for secret in ("teacher@example.org", "About case C-7", "Sign in to read it."):
        assert secret not in listing and secret not in page


def test_an_administrator_replays_a_dead_letter_from_the_list(admin_client, admin_user):
    item = _dead_email()
    response = admin_client.post(
        "/en/admin/outbox/outboxitem/", {"action": "replay", "_selected_action": [str(item.pk)]}, follow=True
    )
    assert "Dead letters put back to be tried again: 1." in response.content.decode()
    item.refresh_from_db()
    assert (item.state, item.attempts) == (OutboxState.PENDING, 0)
    event = AuditEvent.objects.get(object_type="outbox.OutboxItem", object_id=str(item.pk))
    assert event.actor_id == str(admin_user.pk) and "replayed (admin)" in event.reason
