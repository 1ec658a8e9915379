"""`manage.py vpdq_hash FILE...`: each video's vPDQ hash, in the format vPDQ's tools write and read."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from childshield.hashing.video import VideoRejected, format_frame_list, video_hash


class Command(BaseCommand):
    help = (
        "Print the vPDQ hash of each video: one 'frame_number,quality,hash,timestamp' line per hashed "
        "frame. With several files, each video starts with a '# video PATH' line (childshield's vPDQ "
        "list format); with --output-dir, one file per video, exactly as vPDQ's vpdq-hash-video writes."
    )
    # It reads files and no database: the project's checks (half its start-up) are for the server.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--seconds-per-hash", type=float, default=1.0)
        parser.add_argument("--output-dir", type=Path, help="write VIDEO.txt files here instead")

    def handle(
        self, *args: Any, files: list[Path], seconds_per_hash: float, output_dir: Path | None, **options: Any
    ) -> None:
        failed = 0
        for path in files:
            try:
                # the limits are the server's, raised tenfold: an analyst's own machine, own files
                frames = video_hash(
                    path.read_bytes(),
                    seconds_per_hash=seconds_per_hash,
                    max_bytes=settings.HASHING_VIDEO_MAX_BYTES * 10,
                    max_seconds=settings.HASHING_VIDEO_MAX_SECONDS * 10,
                    max_pixels=settings.HASHING_VIDEO_MAX_FRAME_PIXELS * 10,
                )
            except (OSError, VideoRejected) as error:
                failed += 1
                self.stderr.write(f"{path}: {getattr(error, 'message', error)}")
                continue
            text = format_frame_list(frames)
            if output_dir is not None:
                (output_dir / f"{path.stem}.txt").write_text(text)
            else:
                self.stdout.write((f"# video {path}\n" if len(files) > 1 else "") + text, ending="")
        if failed:
            raise CommandError(f"{failed} of {len(files)} files could not be hashed")
