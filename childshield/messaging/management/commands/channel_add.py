"""Add a chat channel and print the webhook address to give the provider.

    manage.py channel_add telegram --name "111 Telegram" --token 123:ABC --secret s3cret
    manage.py channel_add zalo --name "111 Zalo" --secret OA_SECRET --set app_id=123 --set app_secret=… \\
        --set refresh_token=…
    manage.py channel_add messenger --name "111 Messenger" --token PAGE_TOKEN --secret APP_SECRET \\
        --set verify_token=…
"""

from argparse import ArgumentParser
from datetime import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from childshield.core.errors import ApplicationError
from childshield.messaging.models import ChannelKind, ChatChannel
from childshield.messaging.services import channel_save


def _hours(value: str) -> tuple[time, time]:
    try:
        start, end = value.split("-")
        return time.fromisoformat(start.strip()), time.fromisoformat(end.strip())
    except ValueError:
        raise CommandError("--hours takes two times, e.g. 07:00-22:00.") from None


class Command(BaseCommand):
    help = "Add a chat channel (Telegram, Messenger, Zalo, SMS) and print its webhook address."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("kind", choices=[kind.value for kind in ChannelKind])
        parser.add_argument("--name", required=True)
        parser.add_argument("--token", default="", help="What the provider gave to send messages.")
        parser.add_argument("--secret", default="", help="What proves a call comes from the provider.")
        parser.add_argument(
            "--set", action="append", default=[], metavar="NAME=VALUE", help="A setting of the kind (repeat)."
        )
        parser.add_argument(
            "--hours", default="", help="When counsellors answer, e.g. 07:00-22:00 (default always)."
        )
        parser.add_argument("--shared-account-warning", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        config: dict[str, str] = {}
        for pair in options["set"]:
            name, sep, value = pair.partition("=")
            if not sep or not name:
                raise CommandError(f"--set takes NAME=VALUE, not {pair!r}.")
            config[name.strip()] = value
        channel = ChatChannel(
            kind=options["kind"],
            name=options["name"],
            token=options["token"],
            secret=options["secret"],
            config=config,
            shared_account_warning=options["shared_account_warning"],
        )
        if options["hours"]:
            channel.opens_at, channel.closes_at = _hours(options["hours"])
        try:
            channel_save(acting=None, channel=channel)
        except ApplicationError as error:
            raise CommandError(str(error.message)) from None
        path = reverse("messaging:webhook", kwargs={"key": channel.webhook_key})
        address = f"{settings.SITE_URL or 'https://<your server>'}{path}"
        self.stdout.write(f"Added {channel.get_kind_display()} channel {channel.name!r} (id {channel.pk}).")
        if channel.kind == ChannelKind.TELEGRAM:
            self.stdout.write(
                "Register it with Telegram (the secret is sent back in every call's "
                "X-Telegram-Bot-Api-Secret-Token header):\n"
                f"  curl -F url={address} -F secret_token=<the secret> "
                "https://api.telegram.org/bot<the token>/setWebhook"
            )
        self.stdout.write("Give the provider this webhook address:")
        self.stdout.write(address)
