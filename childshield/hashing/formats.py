"""Hash values and the list formats people exchange: parsing (with errors by line) and writing."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from childshield.hashing.models import HEX_LENGTH, PDQ_MIN_QUALITY, Algorithm, ImportFormat
from childshield.hashing.video import (
    InvalidFrameList,
    VideoFrameHash,
    canonical_frames,
    parse_frame_line,
    parse_frame_list,
)

_HEX = re.compile(r"[0-9a-f]+")
_VIDEO_MARK = re.compile(r"#\s*video\b", re.IGNORECASE)

# Signal type names in HMA / ThreatExchange files, and what childshield calls them.
SIGNAL_TYPES = {
    "pdq": Algorithm.PDQ,
    "md5": Algorithm.MD5,
    "photo_md5": Algorithm.MD5,
    "video_md5": Algorithm.MD5,
    "sha256": Algorithm.SHA256,
    "sha-256": Algorithm.SHA256,
    "vpdq": Algorithm.VPDQ,
}
STOPNCII_TYPES = {"ImagePDQ": Algorithm.PDQ, "VideoMD5": Algorithm.MD5}
STOPNCII_GONE = {"Withdrawn", "Deleted"}


class InvalidHash(ValueError):
    """A hash value that cannot be used; the message says why, in words for people."""


def normalise_value(algorithm: str, value: str) -> str:
    """The value in lower-case hex, or InvalidHash."""
    if algorithm not in HEX_LENGTH:
        if algorithm == Algorithm.VPDQ:
            raise InvalidHash(_("A vPDQ hash is a list of frame hashes: send the frames, not one value."))
        raise InvalidHash(_("Unknown algorithm “%(algorithm)s”.") % {"algorithm": algorithm[:20]})
    value = value.strip().lower()
    expected = HEX_LENGTH[Algorithm(algorithm)]
    if len(value) != expected:
        raise InvalidHash(
            _("A %(algorithm)s hash has %(expected)d hex digits; this one has %(found)d.")
            % {"algorithm": algorithm.upper(), "expected": expected, "found": len(value)}
        )
    if not _HEX.fullmatch(value):
        raise InvalidHash(_("A hash may hold only the hex digits 0-9 and a-f."))
    return value


def check_quality(algorithm: str, quality: int | None) -> None:
    if quality is None:
        return
    if not 0 <= quality <= 100:
        raise InvalidHash(_("PDQ quality runs from 0 to 100."))
    if algorithm == Algorithm.PDQ and quality < PDQ_MIN_QUALITY:
        raise InvalidHash(
            _("PDQ quality %(quality)d is under %(minimum)d: such hashes match too loosely to use.")
            % {"quality": quality, "minimum": PDQ_MIN_QUALITY}
        )


@dataclass(frozen=True)
class ParsedHash:
    line: int
    algorithm: str
    value: str
    quality: int | None = None
    frames: str = ""  # vPDQ: the canonical frame list, whose SHA-256 is `value`


def video_hash_entry(line: int, frames: list[VideoFrameHash]) -> ParsedHash:
    text, digest = canonical_frames(frames)
    return ParsedHash(line, Algorithm.VPDQ, digest, None, text)


@dataclass(frozen=True)
class LineError:
    line: int
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"line": self.line, "message": self.message}


@dataclass(frozen=True)
class ParsedList:
    hashes: list[ParsedHash]
    errors: list[LineError]
    lines: int


def parse_list(text: str, fmt: str) -> ParsedList:
    """Every hash in a list, or the errors of every bad line (by number, from 1)."""
    if fmt == ImportFormat.STOPNCII:
        return _parse_stopncii(text)
    if fmt == ImportFormat.VPDQ:
        return _parse_vpdq(text)
    hashes: list[ParsedHash] = []
    errors: list[LineError] = []
    lines = text.splitlines()
    delimiter = "\t" if any("\t" in line for line in lines[:20]) else ","
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            if fmt == ImportFormat.MD5_LIST:
                hashes.append(ParsedHash(number, Algorithm.MD5, normalise_value(Algorithm.MD5, line)))
            elif fmt == ImportFormat.SHA256_LIST:
                hashes.append(ParsedHash(number, Algorithm.SHA256, normalise_value(Algorithm.SHA256, line)))
            elif fmt == ImportFormat.SIGNALS:
                parsed = _parse_signal_line(number, line, delimiter)
                if parsed is not None:
                    hashes.append(parsed)
            else:
                raise InvalidHash(_("Unknown list format."))
        except InvalidHash as error:
            errors.append(LineError(number, str(error)))
    return ParsedList(hashes, errors, len(lines))


def _parse_signal_line(number: int, line: str, delimiter: str) -> ParsedHash | None:
    cells = [cell.strip() for cell in next(csv.reader([line], delimiter=delimiter))]
    if len(cells) < 2:
        raise InvalidHash(_("Expected a signal type and a value, separated by a comma or a tab."))
    kind = cells[0].lower()
    if number == 1 and kind in {"signal_type", "type", "signal type"}:
        return None  # a header
    if kind not in SIGNAL_TYPES:
        raise InvalidHash(_("Unknown signal type “%(kind)s”.") % {"kind": cells[0][:30]})
    algorithm = SIGNAL_TYPES[kind]
    if algorithm == Algorithm.VPDQ:
        return video_hash_entry(number, _hma_vpdq_frames(cells[1]))
    quality = _quality(cells[2]) if len(cells) > 2 and cells[2] else None
    check_quality(algorithm, quality)
    return ParsedHash(number, algorithm, normalise_value(algorithm, cells[1]), quality)


def _hma_vpdq_frames(signal: str) -> list[VideoFrameHash]:
    """HMA's vPDQ signal: a JSON list of "hash,quality,timestamp" strings, frames in order."""
    try:
        listed = json.loads(signal)
    except json.JSONDecodeError:
        raise InvalidHash(_("A vpdq signal is a JSON list of “hash,quality,timestamp” strings.")) from None
    if not isinstance(listed, list) or not listed or not all(isinstance(item, str) for item in listed):
        raise InvalidHash(_("A vpdq signal is a JSON list of “hash,quality,timestamp” strings."))
    frames = []
    for number, item in enumerate(listed):
        cells = item.split(",")
        if len(cells) != 3:
            raise InvalidHash(_("A vpdq signal is a JSON list of “hash,quality,timestamp” strings."))
        pdq, quality, timestamp = cells
        try:
            frames.append(parse_frame_line(f"{number},{quality},{pdq},{timestamp}"))
        except InvalidFrameList as error:
            raise InvalidHash(error.message) from None
    return frames


def hma_vpdq_signal(frames: list[VideoFrameHash]) -> str:
    return json.dumps([f"{frame.pdq},{frame.quality},{frame.timestamp:.3f}" for frame in frames])


def _parse_vpdq(text: str) -> ParsedList:
    """Frame lists in the reference's format; a line "# video" (and any label) starts each video.

    A file without such a line is one video, exactly as vPDQ's tools write it. Other lines that
    start with "#" are comments.
    """
    hashes: list[ParsedHash] = []
    errors: list[LineError] = []
    lines = text.splitlines()
    blocks: list[tuple[int, list[VideoFrameHash], bool]] = [(0, [], False)]  # (marker line, frames, bad)
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if _VIDEO_MARK.match(line):
            blocks.append((number, [], False))
        elif line and not line.startswith("#"):
            try:
                blocks[-1][1].append(parse_frame_line(line, number))
            except InvalidFrameList as error:
                errors.append(LineError(number, error.message))
                blocks[-1] = (blocks[-1][0], blocks[-1][1], True)
    for marker, frames, bad in blocks:
        if frames and not bad:
            hashes.append(video_hash_entry(marker or 1, frames))
        elif marker and not frames and not bad:
            errors.append(LineError(marker, _("This video has no frames.")))
    return ParsedList(hashes, errors, len(lines))


def write_vpdq_list(videos: Iterable[tuple[str, str]]) -> str:
    """Videos (value, frame list) as "# video <value>" blocks that `parse_list` reads back."""
    return "".join(f"# video {value}\n{frames}" for value, frames in videos)


def _quality(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise InvalidHash(_("The quality must be a whole number.")) from None


def _parse_stopncii(text: str) -> ParsedList:
    """A FetchHashes response ({"hashRecords": [...]}) or one hash record per line (JSON Lines)."""
    hashes: list[ParsedHash] = []
    errors: list[LineError] = []
    records: list[tuple[int, object]]
    stripped = text.strip()
    if stripped.startswith("{") and "hashRecords" in stripped[:2000] and "\n{" not in stripped:
        try:
            body = json.loads(stripped)
        except json.JSONDecodeError as error:
            return ParsedList([], [LineError(error.lineno, _("The file is not valid JSON."))], 1)
        listed = body.get("hashRecords") if isinstance(body, dict) else None
        if not isinstance(listed, list):
            return ParsedList([], [LineError(1, _("Expected a list under “hashRecords”."))], 1)
        records = list(enumerate(listed, start=1))
    else:
        records = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                records.append((number, json.loads(line)))
            except json.JSONDecodeError:
                errors.append(LineError(number, _("This line is not valid JSON.")))
    for number, record in records:
        try:
            if not isinstance(record, dict):
                raise InvalidHash(_("Expected a hash record (a JSON object)."))
            kind = str(record.get("signalType", ""))
            if kind not in STOPNCII_TYPES:
                raise InvalidHash(_("Unknown signal type “%(kind)s”.") % {"kind": kind[:30]})
            if record.get("hashStatus") in STOPNCII_GONE:
                continue
            algorithm = STOPNCII_TYPES[kind]
            quality = record.get("quality")
            if quality is not None and not isinstance(quality, int):
                raise InvalidHash(_("The quality must be a whole number."))
            check_quality(algorithm, quality)
            hashes.append(
                ParsedHash(
                    number, algorithm, normalise_value(algorithm, str(record.get("hashValue", ""))), quality
                )
            )
        except InvalidHash as error:
            errors.append(LineError(number, str(error)))
    return ParsedList(hashes, errors, len(records))


def write_list(entries: Iterable[tuple[str, str, int | None, str | None]], fmt: str) -> str:
    """Entries (algorithm, value, quality, vPDQ frame list or None) in a format `parse_list` reads back."""
    out = io.StringIO()
    if fmt == ImportFormat.SIGNALS:
        writer = csv.writer(out, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE, quotechar=None)
        writer.writerow(["signal_type", "signal", "quality"])
        for algorithm, value, quality, frames in entries:
            if algorithm == Algorithm.VPDQ:
                value = hma_vpdq_signal(parse_frame_list(frames or ""))
            writer.writerow([algorithm, value, "" if quality is None else quality])
    elif fmt in {ImportFormat.MD5_LIST, ImportFormat.SHA256_LIST}:
        wanted = Algorithm.MD5 if fmt == ImportFormat.MD5_LIST else Algorithm.SHA256
        for entry in entries:
            if entry[0] == wanted:
                out.write(entry[1] + "\n")
    elif fmt == ImportFormat.STOPNCII:
        names: dict[str, str] = {algorithm: name for name, algorithm in STOPNCII_TYPES.items()}
        for algorithm, value, quality, _frames in entries:
            if algorithm in names:
                record: dict[str, object] = {"signalType": names[algorithm], "hashValue": value}
                if quality is not None:
                    record["quality"] = quality
                out.write(json.dumps(record) + "\n")
    elif fmt == ImportFormat.VPDQ:
        out.write(
            write_vpdq_list(
                (value, frames or "")
                for algorithm, value, _q, frames in entries
                if algorithm == Algorithm.VPDQ
            )
        )
    else:
        raise ValueError(fmt)
    return out.getvalue()
