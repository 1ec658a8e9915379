"""Create a platform (if new) and an API key of it with every scope; print the key last.

    manage.py create_platform_credential "Example Video App"
    manage.py create_platform_credential "Example Video App" --scope match --expires-days 90
    manage.py create_platform_credential "Example Video App" --sandbox

The last line printed is the key alone, usable as `Authorization: Bearer <key>`; it is shown only
once (only its digest is kept). With --sandbox it is a sandbox key (every scope unless named, for
90 days unless told): it matches the synthetic bank alone and its reports reach no one.
"""

from argparse import ArgumentParser
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from childshield.core.errors import ApplicationError
from childshield.hashing.models import ApiScope
from childshield.platforms.services.credentials import platform_credential_create
from childshield.platforms.services.sandbox import SANDBOX_KEY_DAYS


class Command(BaseCommand):
    help = "Create a platform (if new) and an API key of it; the key is printed as the last line."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("name", help="The platform's name, e.g. the company or the app.")
        parser.add_argument(
            "--country", default=settings.CHILDSHIELD_COUNTRY, help="ISO code (default: this country's)."
        )
        parser.add_argument(
            "--scope",
            action="append",
            choices=ApiScope.values,
            help="What the key may do (repeat); every scope when none is named.",
        )
        parser.add_argument(
            "--expires-days",
            type=int,
            default=None,
            help=f"The key stops working after this many days (0: never; sandbox: {SANDBOX_KEY_DAYS}).",
        )
        parser.add_argument(
            "--sandbox",
            action="store_true",
            help="A sandbox key: it matches the synthetic bank alone and its reports reach no one.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        scopes = options["scope"] or list(ApiScope.values)
        sandbox = options["sandbox"]
        days = options["expires_days"]
        if days is None:
            days = SANDBOX_KEY_DAYS if sandbox else 0
        if days < 0:
            raise CommandError("--expires-days cannot be negative.")
        expires_at = timezone.now() + timedelta(days=days) if days else None
        try:
            platform, _key, secret = platform_credential_create(
                name=options["name"],
                country=options["country"],
                scopes=scopes,
                expires_at=expires_at,
                sandbox=sandbox,
            )
        except ApplicationError as error:
            raise CommandError(str(error.message)) from None
        self.stdout.write(f"Platform: {platform.name} ({platform.country}), agency {platform.pk}")
        self.stdout.write(f"Scopes: {', '.join(scopes)}")
        if sandbox:
            self.stdout.write("Sandbox key: matches the synthetic bank only; its reports reach no one.")
        if expires_at is not None:
            self.stdout.write(f"Expires: {expires_at:%Y-%m-%d %H:%M} UTC")
        self.stdout.write("The key below is shown once; send it as: Authorization: Bearer <key>")
        self.stdout.write(secret)
