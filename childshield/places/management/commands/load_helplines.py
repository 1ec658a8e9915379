"""Command door onto helplines_load: load helpline numbers from a JSON or CSV file."""

from argparse import ArgumentParser, RawDescriptionHelpFormatter
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from childshield.places.reference_files import ReferenceDataError
from childshield.places.services.helplines import helplines_load


class Command(BaseCommand):
    help = """Create or update helpline numbers, keyed by country and number, from a UTF-8 file:
a .json file holding a list of objects, or a .csv file whose header names the same fields.

Fields: country (VN, KH; required), number (as dialled, e.g. "111", "+855 92 311 511"; required),
name_vi, name_km, name_en (required), hours_vi, hours_km, hours_en (e.g. "24/7"),
is_free (true/false), channels (e.g. "phone, chat"; default "phone"), order (whole number).

Every entry is checked first; if any is wrong, every problem is listed and nothing is written.
Numbers not in the file are left as they are."""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help="the JSON or CSV file to load")
        parser.add_argument("--dry-run", action="store_true", help="check the file and count, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = helplines_load(path=options["file"], dry_run=options["dry_run"])
        except ReferenceDataError as exc:
            raise CommandError(exc.report()) from exc
        prefix = "(dry run) " if options["dry_run"] else ""
        self.stdout.write(self.style.SUCCESS(prefix + result.summary()))
