"""Command door onto country_set_up: a country's reference data, core agencies and first administrator."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from childshield.operations.country_setup import CountrySetupError, country_set_up
from childshield.places.reference_files import ReferenceDataError


class Command(BaseCommand):
    help = (
        "Set up a country on a new server: load its reference data (areas with their history, helpline "
        "numbers; contact categories if missing), create its national helpline and hotline agencies if "
        "missing, and its first system administrator, who gets a one-time link to set a password and "
        "then two-factor. Never takes or prints a password. Safe to run again: it says what it did, or "
        "that nothing changed."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("country", help="the country's ISO code: VN or KH")
        parser.add_argument("--admin-email", required=True, help="the first system administrator's e-mail")
        parser.add_argument("--admin-name", default="", help="their full name")
        parser.add_argument("--helpline-name", default="", help="the national helpline agency's name")
        parser.add_argument("--hotline-name", default="", help="the national hotline agency's name")
        parser.add_argument(
            "--new-link",
            action="store_true",
            help="print a new one-time link for an administrator who has not set a password yet",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            done = country_set_up(
                country=options["country"],
                admin_email=options["admin_email"],
                admin_name=options["admin_name"],
                helpline_name=options["helpline_name"],
                hotline_name=options["hotline_name"],
                new_link=options["new_link"],
            )
        except ReferenceDataError as exc:
            raise CommandError(exc.report()) from exc
        except CountrySetupError as exc:
            raise CommandError(f"{exc.message} (nothing was written)") from exc
        for line in done.lines:
            self.stdout.write(line)
        if done.changed:
            self.stdout.write(self.style.SUCCESS(f"{done.country} set up."))
        else:
            self.stdout.write(self.style.SUCCESS(f"{done.country} was already set up: nothing changed."))
        if done.password_link:
            hours = int(done.link_expires_in.total_seconds() // 3600)
            self.stdout.write(
                f"\nOne-time link for {done.admin.email} to set a password, then two-factor at first "
                f"sign-in; it expires in {hours} hours, or as soon as it is used:\n{done.password_link}\n"
                "Give it to them alone: whoever opens it can set the password."
            )
