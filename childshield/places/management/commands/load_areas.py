"""Command door onto areas_load_csv: load administrative areas from a CSV file."""

from argparse import ArgumentParser, RawDescriptionHelpFormatter
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from childshield.places.reference_files import ReferenceDataError
from childshield.places.services.areas import areas_load_csv


class Command(BaseCommand):
    help = """Create or update administrative areas from a UTF-8 CSV file, keyed by code.

The first line must be a header naming these columns (any order):
  code              unique; country prefix + national code, e.g. VN44, KH12, VN44-LT
  country           ISO 3166-1 alpha-2, e.g. VN, KH
  level             country, province, district, commune or village
  parent_code       code of the area above (in the database or anywhere in this file);
                    empty only for a country
  name_vi           Vietnamese name (may be empty)
  name_km           Khmer name (may be empty)
  name_en           English name (required)
  valid_from        first day, YYYY-MM-DD; empty: since before the data begins
  valid_to          last day, YYYY-MM-DD; empty: still valid
  replaced_by_code  code of the area this one was merged into (same country and level)

Every row is checked first; if any row is wrong, every problem is listed with its line number
and nothing is written. An empty cell clears the stored value."""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # Keep the column table of the help readable.
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help="the CSV file to load")
        parser.add_argument("--dry-run", action="store_true", help="check the file and count, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = areas_load_csv(path=options["file"], dry_run=options["dry_run"])
        except ReferenceDataError as exc:
            raise CommandError(exc.report()) from exc
        prefix = "(dry run) " if options["dry_run"] else ""
        self.stdout.write(self.style.SUCCESS(prefix + result.summary()))
