"""Count the records into the indicators' monthly counts and publish them again, now rather than at
the next scheduled run; `--final` publishes final years again too."""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from childshield.core.periods import FIRST_YEAR, LAST_YEAR
from childshield.insights.figures.publication import final_on, is_final
from childshield.insights.figures.refresh import refresh


class Command(BaseCommand):
    help = (
        "Count the records again and publish the figures of every year (or of --year). A final year "
        "(FIGURES_FINAL_AFTER_DAYS after it ended) keeps what was published of it, unless --final: "
        "use that only when the way figures are published has changed, as it changes figures already out."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--year", type=int, action="append", default=[], help="this year only (repeatable)"
        )
        parser.add_argument("--final", action="store_true", help="publish final years again too")

    def handle(self, *args: Any, **options: Any) -> None:
        years = sorted(set(options["year"]))
        if any(not FIRST_YEAR <= year <= LAST_YEAR for year in years):
            raise CommandError(f"A year is written with four digits, between {FIRST_YEAR} and {LAST_YEAR}.")
        months = [date(year, month, 1) for year in years for month in range(1, 13)] if years else None
        rows = refresh(months, final_too=options["final"])
        self.stdout.write(f"Counted {rows} monthly rows and published the figures.")
        for year in years:
            if is_final(year) and not options["final"]:
                self.stdout.write(
                    f"{year} is final since {final_on(year):%Y-%m-%d}: what was published of it is kept "
                    "(--final to publish it again)."
                )
