"""The host's match index on disk: written by `manage.py match_index`, mapped read-only by every process.

HASHING_INDEX_DIR holds generations, each a directory with the index's arrays (`PdqIndex.save`)
and a meta.json saying how far into the banks' history it goes. `current` is a symbolic link to
the generation in use; a new generation is written beside it and the link replaced in one
rename, so a process reads either the old generation or the new one, never half of one. Older
generations are deleted then: a process that still maps one keeps its pages until it lets go
(an unlinked file lives on while it is mapped). One build at a time: `build.lock`, held with
flock(2), which the kernel releases however the builder ends.

The files hold the banks' hashes, which are shared only with vetted platforms: they are readable
by their owner and group only, like the database's own files.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from childshield.hashing.index import PdqIndex

FORMAT = 1
CURRENT = "current"
LOCK = "build.lock"
_PREFIX = "gen-"
_DIRECTORY_MODE = 0o750
_FILE_MODE = 0o640


@dataclass(frozen=True)
class Generation:
    """One written index: its directory name, and what it holds of the history."""

    name: str
    through: int  # every history id up to this one is in it, except the gaps
    gaps: tuple[tuple[int, int, float], ...]  # (first, last, when first missed: time.time())
    fingerprint: str  # the history row at `through` ("id at"), to tell its database from another
    radius: int
    size: int
    built_at: float  # time.time()

    def as_dict(self) -> dict[str, object]:
        return {
            "format": FORMAT,
            "through": self.through,
            "gaps": [list(gap) for gap in self.gaps],
            "fingerprint": self.fingerprint,
            "radius": self.radius,
            "size": self.size,
            "built_at": self.built_at,
        }


def current_name(directory: Path) -> str | None:
    """The name of the generation in use, or None when none was written (one system call)."""
    try:
        return os.readlink(directory / CURRENT)
    except OSError:
        return None


def read_generation(directory: Path, name: str) -> Generation | None:
    """The generation's description, or None if it is gone, unfinished or of another format."""
    try:
        data = json.loads((directory / name / "meta.json").read_text())
    except (OSError, ValueError):
        return None
    if data.get("format") != FORMAT:
        return None
    return Generation(
        name=name,
        through=int(data["through"]),
        gaps=tuple((int(a), int(b), float(c)) for a, b, c in data["gaps"]),
        fingerprint=str(data["fingerprint"]),
        radius=int(data["radius"]),
        size=int(data["size"]),
        built_at=float(data["built_at"]),
    )


def open_generation(directory: Path, generation: Generation) -> PdqIndex:
    """The generation's index, mapped read-only (OSError or ValueError if it cannot be read)."""
    return PdqIndex.open_mapped(directory / generation.name / "index")


def write_generation(
    directory: Path,
    index: PdqIndex,
    *,
    through: int,
    gaps: tuple[tuple[int, int, float], ...],
    fingerprint: str,
) -> Generation:
    """Write the index as a new generation, make it the current one and delete the others."""
    directory.mkdir(mode=_DIRECTORY_MODE, parents=True, exist_ok=True)
    name = f"{_PREFIX}{through}-{time.time_ns()}"
    scratch = directory / f".tmp-{uuid.uuid4().hex}"
    try:
        scratch.mkdir(mode=_DIRECTORY_MODE)
        (scratch / "index").mkdir(mode=_DIRECTORY_MODE)
        index.save(scratch / "index")
        generation = Generation(name, through, gaps, fingerprint, index.radius, len(index), time.time())
        with open(scratch / "meta.json", "w") as out:
            json.dump(generation.as_dict(), out)
            out.flush()
            os.fsync(out.fileno())
        for path in [scratch, scratch / "index", *scratch.rglob("*")]:  # whatever the umask said
            path.chmod(_DIRECTORY_MODE if path.is_dir() else _FILE_MODE)
        os.rename(scratch, directory / name)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    link = directory / f".{CURRENT}-{uuid.uuid4().hex}"
    os.symlink(name, link)
    os.replace(link, directory / CURRENT)
    _sync_directory(directory)
    for old in directory.iterdir():
        if old.name != name and (old.name.startswith(_PREFIX) or old.name.startswith(".tmp-")):
            shutil.rmtree(old, ignore_errors=True)
    return generation


def _sync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


@contextmanager
def build_lock(directory: Path) -> Iterator[bool]:
    """Holds the host's build lock for the block if no other process holds it; yields whether it does."""
    directory.mkdir(mode=_DIRECTORY_MODE, parents=True, exist_ok=True)
    descriptor = os.open(directory / LOCK, os.O_RDWR | os.O_CREAT, 0o660)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(descriptor)  # closing the only descriptor lets go of the lock


def read_ahead(directory: Path, generation: Generation) -> None:
    """Ask the kernel to bring the generation's files into the page cache (after a reboot, say)."""
    for path in (directory / generation.name / "index").iterdir():
        descriptor = os.open(path, os.O_RDONLY)
        try:
            os.posix_fadvise(descriptor, 0, 0, os.POSIX_FADV_WILLNEED)
        finally:
            os.close(descriptor)
