"""Helpline supervisors set chat channels up in the app (issue 19): added, changed, switched off, their
tokens and secrets encrypted and never shown back; `manage.py channel_add` prints the webhook address."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from childshield.messaging.models import ChatChannel

pytestmark = pytest.mark.django_db


def test_a_supervisor_adds_a_channel_whose_secrets_are_encrypted_and_never_shown_again(sign_in, supervisor):
    client = sign_in(supervisor)
    response = client.post(
        "/en/helpline/channels/new/",
        {
            "kind": "telegram",
            "name": "111 Telegram",
            "enabled": "on",
            "token": "123:bot-token",
            "secret": "hook-secret",
        },
    )
    assert response.status_code == 302
    channel = ChatChannel.objects.get()
    assert (channel.token, channel.secret, channel.enabled) == ("123:bot-token", "hook-secret", True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT token, secret FROM messaging_chatchannel")
        token, secret = cursor.fetchone()
    assert "bot-token" not in token and "hook-secret" not in secret

    listing = client.get("/en/helpline/channels/").content.decode()
    assert f"/messaging/hooks/{channel.webhook_key}/" in listing
    page = client.get(f"/en/helpline/channels/{channel.pk}/").content.decode()
    assert "bot-token" not in page and "hook-secret" not in page

    # Changed with the secrets left empty: the stored ones are kept; switched off.
    response = client.post(f"/en/helpline/channels/{channel.pk}/", {"name": "111 Telegram (old bot)"})
    assert response.status_code == 302
    channel.refresh_from_db()
    assert (channel.name, channel.enabled, channel.token, channel.secret) == (
        "111 Telegram (old bot)",
        False,
        "123:bot-token",
        "hook-secret",
    )


def test_a_channel_without_what_its_provider_needs_is_refused_with_a_clear_message(sign_in, supervisor):
    client = sign_in(supervisor)
    response = client.post(
        "/en/helpline/channels/new/", {"kind": "zalo", "name": "111 Zalo", "secret": "oa-secret"}
    )
    assert response.status_code == 400
    assert "This channel also needs: app_id." in response.content.decode()
    response = client.post(
        "/en/helpline/channels/new/", {"kind": "telegram", "name": "No secret", "token": "t"}
    )
    assert "A secret is needed" in response.content.decode()
    assert not ChatChannel.objects.exists()


def test_channel_add_prints_the_webhook_address_to_give_the_provider(settings, db):
    settings.SITE_URL = "https://helpline.example.org"
    out = io.StringIO()
    call_command(
        "channel_add",
        "messenger",
        "--name",
        "111 Messenger",
        "--token",
        "page-token",
        "--secret",
        "app-secret",
        "--set",
        "verify_token=handshake-word",
        "--hours",
        "07:00-22:00",
        stdout=out,
    )
    channel = ChatChannel.objects.get()
    assert (
        out.getvalue().splitlines()[-1]
        == f"https://helpline.example.org/messaging/hooks/{channel.webhook_key}/"
    )
    assert channel.config == {"verify_token": "handshake-word"} and channel.opens_at.hour == 7
    with pytest.raises(CommandError, match="verify_token"):
        call_command("channel_add", "messenger", "--name", "x", "--secret", "s", stdout=io.StringIO())


def test_the_ids_of_old_deliveries_are_forgotten_and_recent_ones_kept(make_channel):
    from datetime import timedelta

    from django.utils import timezone

    from childshield.messaging.models import ChannelKind, InboundEvent
    from childshield.messaging.tasks import inbound_events_purge

    channel = make_channel(ChannelKind.TELEGRAM)
    old = InboundEvent.objects.create(
        channel=channel, event_id="old", received_at=timezone.now() - timedelta(days=8)
    )
    recent = InboundEvent.objects.create(channel=channel, event_id="recent")
    assert inbound_events_purge() == 1
    assert list(InboundEvent.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not InboundEvent.objects.filter(pk=old.pk).exists()
