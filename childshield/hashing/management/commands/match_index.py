"""`manage.py match_index [--if-behind] [--follow]`: write the host's PDQ match index, for its processes."""

import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from childshield.hashing import index_files
from childshield.hashing.matching import build_host_index, host_index_behind


class Command(BaseCommand):
    verbosity = 1
    help = (
        "Write the host's PDQ match index into HASHING_INDEX_DIR, where every web worker maps it "
        "(docs/decisions/0006-one-match-index-per-host.md)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--if-behind",
            action="store_true",
            help="only if there is none, or the history is HASHING_INDEX_REBUILD_AFTER changes past it",
        )
        parser.add_argument(
            "--follow",
            action="store_true",
            help="keep running: check every --every seconds, and write a new index when it is behind",
        )
        parser.add_argument("--every", type=float, default=60.0, help="seconds between checks (--follow)")

    def handle(
        self, *args: Any, if_behind: bool, follow: bool, every: float, verbosity: int = 1, **options: Any
    ) -> None:
        self.verbosity = verbosity
        if not settings.HASHING_INDEX_DIR:
            raise CommandError("HASHING_INDEX_DIR is not set: each process builds its own index.")
        directory = Path(settings.HASHING_INDEX_DIR)
        if not follow:
            self.build(directory, only_if_behind=if_behind, read_ahead=True)
            return
        while True:
            try:
                self.build(directory, only_if_behind=True, read_ahead=False)
            except Exception as error:  # the database may be away for a while; try again later
                self.stderr.write(f"match index: {type(error).__name__}, trying again in {every:.0f} s")
            finally:
                connections.close_all()
            time.sleep(every)

    def build(self, directory: Path, *, only_if_behind: bool, read_ahead: bool) -> None:
        behind = host_index_behind(directory)
        if only_if_behind and behind is not None and behind < settings.HASHING_INDEX_REBUILD_AFTER:
            name = index_files.current_name(directory)
            generation = index_files.read_generation(directory, name) if name else None
            if generation is not None and read_ahead:  # after a reboot the page cache is cold
                index_files.read_ahead(directory, generation)
            if self.verbosity > 1:
                self.stdout.write(f"match index {name}: {behind} changes behind, kept")
            return
        started = time.monotonic()
        generation = build_host_index(directory)
        if generation is None:
            self.stdout.write("match index: another process is writing it")
            return
        if self.verbosity:
            self.stdout.write(
                f"match index {generation.name}: {generation.size} hashes, history to {generation.through}, "
                f"written in {time.monotonic() - started:.1f} s"
            )
