"""Video PDQ (vPDQ): hashing videos held in memory, the reference's frame-list format, and matching.

This follows Meta's vPDQ (https://github.com/facebook/ThreatExchange/tree/main/vpdq): frames
decoded from the video are hashed with PDQ, one frame every `seconds_per_hash` seconds; each
frame keeps (frame number, quality, PDQ hash, timestamp), written one line per frame as
"frame_number,quality,hash,timestamp"; two videos are compared as bags of unique frame hashes,
leaving out frames of quality under 50, a frame matching when its PDQ hash is at most 31 bits
from one of the other video's. Frames are decoded with PyAV, whose wheels carry FFmpeg, so that
nothing has to be compiled (decision 0004); they are hashed exactly as images are
(`imaging.pdq_from_array`).

vPDQ is Copyright (c) 2017- Meta Platforms, Inc. and affiliates, under the BSD license:
  Redistribution and use in source and binary forms, with or without modification, are
  permitted provided that the following conditions are met: redistributions of source code
  must retain the above copyright notice, this list of conditions and the following
  disclaimer; redistributions in binary form must reproduce the above copyright notice, this
  list of conditions and the following disclaimer in the documentation and/or other materials
  provided with the distribution; neither the name Facebook nor the names of its contributors
  may be used to endorse or promote products derived from this software without specific prior
  written permission. THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS
  IS" AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
  WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE DISCLAIMED.
This module is a re-implementation in Python; it holds no code copied from vPDQ.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO

import av
import numpy as np
from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from childshield.core.errors import ApplicationError
from childshield.hashing.imaging import pdq_from_array

# Defaults as vPDQ and HMA (python-threatexchange's vpdq extension) set them; the match thresholds
# and the limits on what is hashed are settings (HASHING_VPDQ_*_MATCH_PERCENT, HASHING_VIDEO_MAX_*).
QUALITY_THRESHOLD = 50
DISTANCE_THRESHOLD = 31
SECONDS_PER_HASH = 1.0
TIMESTAMP_PRECISION = 3

MAX_FRAMES_PER_SECOND = 120  # decoding more frames than this per allowed second is refused
MIN_FRAME_SIDE = 5  # the reference cannot hash a frame narrower or lower than this

# Containers we open, told apart by their first bytes; FFmpeg is then given the demuxer by name,
# so that it never guesses a format that reads other files or URLs (playlists, concat lists).
_ASF_GUID = bytes.fromhex("3026b2758e66cf11a6d900aa0062ce6c")
_MOV_ATOMS = {b"ftyp", b"moov", b"mdat", b"free", b"wide", b"skip", b"pnot"}


class VideoRejected(ApplicationError):
    """A video that cannot be hashed; `code` says why (too_large, too_long, not_a_video, …)."""

    TOO_BIG = {"too_large", "too_long", "too_many_pixels"}

    def __init__(self, message: str | Promise, code: str) -> None:
        super().__init__(message, code=code)


class InvalidFrameList(ValueError):
    """A vPDQ frame list that cannot be read; `line` is the line (from 1) at fault."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(frozen=True)
class VideoFrameHash:
    frame_number: int
    quality: int
    pdq: str  # 64 lower-case hex digits
    timestamp: float  # seconds from the start

    def line(self) -> str:
        return f"{self.frame_number},{self.quality},{self.pdq},{self.timestamp:.{TIMESTAMP_PRECISION}f}"


# Hashing -----------------------------------------------------------------------------------------


def container_format(head: bytes) -> str | None:
    """The FFmpeg demuxer for a file starting with `head`, or None if it is not a video we read."""
    if head[4:8] in _MOV_ATOMS:
        return "mov"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "matroska"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "avi"
    if head[:3] == b"FLV":
        return "flv"
    if head[:16] == _ASF_GUID:
        return "asf"
    if head[:4] == b"\x00\x00\x01\xba":
        return "mpeg"
    if len(head) > 376 and head[0] == head[188] == head[376] == 0x47:
        return "mpegts"
    return None


def _read(data: bytes | IO[bytes], max_bytes: int) -> bytes:
    content = data if isinstance(data, bytes) else data.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise VideoRejected(
            _("The video is larger than the limit of %(mb)d MB.") % {"mb": max_bytes // 2**20}, "too_large"
        )
    return content


def _too_long(max_seconds: float) -> VideoRejected:
    return VideoRejected(
        _("The video is longer than the limit of %(minutes)s minutes.")
        % {"minutes": f"{max_seconds / 60:g}"},
        "too_long",
    )


def _too_many_pixels(width: int, height: int, max_pixels: int) -> VideoRejected:
    return VideoRejected(
        _("The video's frames have %(pixels)s pixels; the limit is %(limit)s.")
        % {"pixels": f"{width * height:,}", "limit": f"{max_pixels:,}"},
        "too_many_pixels",
    )


def video_hash(
    data: bytes | IO[bytes],
    *,
    seconds_per_hash: float = SECONDS_PER_HASH,
    max_bytes: int | None = None,
    max_seconds: float | None = None,
    max_pixels: int | None = None,
) -> list[VideoFrameHash]:
    """The vPDQ hash of an encoded video, decoded in memory: one frame every `seconds_per_hash`.

    As the reference does, frames are counted in decoding order from 0 and frame n is hashed when
    n is a multiple of int(seconds_per_hash * frame rate); its timestamp is n / frame rate.
    VideoRejected says precisely why a video cannot be hashed. Nothing is written anywhere. Limits
    not given are the settings' (HASHING_VIDEO_MAX_BYTES, _MAX_SECONDS, _MAX_FRAME_PIXELS).
    """
    max_bytes = settings.HASHING_VIDEO_MAX_BYTES if max_bytes is None else max_bytes
    max_seconds = settings.HASHING_VIDEO_MAX_SECONDS if max_seconds is None else max_seconds
    max_pixels = settings.HASHING_VIDEO_MAX_FRAME_PIXELS if max_pixels is None else max_pixels
    if not seconds_per_hash > 0:
        raise ApplicationError(_("Seconds per hash must be more than 0."), code="invalid")
    content = _read(data, max_bytes)
    fmt = container_format(content[:512])
    if fmt is None:
        raise VideoRejected(
            _("The file is not a video in a format we read (MP4, MOV, WebM, MKV, AVI, FLV, MPEG, WMV)."),
            "not_a_video",
        )
    try:
        return _hash_container(content, fmt, seconds_per_hash, max_seconds, max_pixels)
    except (av.FFmpegError, ValueError, IndexError, ZeroDivisionError) as error:
        raise VideoRejected(_("The video is damaged and cannot be read."), "corrupt_video") from error


def _hash_container(
    content: bytes, fmt: str, seconds_per_hash: float, max_seconds: float, max_pixels: int
) -> list[VideoFrameHash]:
    with av.open(io.BytesIO(content), mode="r", format=fmt) as container:
        if not container.streams.video:
            raise VideoRejected(_("The file holds no video."), "not_a_video")
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        width, height = stream.codec_context.width, stream.codec_context.height
        if width * height > max_pixels:
            raise _too_many_pixels(width, height, max_pixels)
        if container.duration is not None and container.duration / av.time_base > max_seconds:
            raise _too_long(max_seconds)
        rate = stream.average_rate or stream.base_rate
        if not rate or float(rate) <= 0:
            raise VideoRejected(_("The video's frame rate cannot be read."), "corrupt_video")
        frame_rate = float(rate)
        every = max(int(seconds_per_hash * frame_rate), 1)
        max_frames = int(max_seconds * min(frame_rate, MAX_FRAMES_PER_SECOND)) + 1
        frames: list[VideoFrameHash] = []
        number = -1
        for number, frame in enumerate(container.decode(stream)):
            if number > max_frames or (frame.time is not None and frame.time > max_seconds + 1):
                raise _too_long(max_seconds)
            if frame.width * frame.height > max_pixels:
                raise _too_many_pixels(frame.width, frame.height, max_pixels)
            if number % every:
                continue
            if frame.width < MIN_FRAME_SIDE or frame.height < MIN_FRAME_SIDE:
                raise VideoRejected(_("The video's frames are too small to hash."), "too_small")
            # SWS_AREA, as the reference converts frames to RGB
            hashed = pdq_from_array(frame.to_ndarray(format="rgb24", interpolation="AREA"))
            frames.append(VideoFrameHash(number, hashed.quality, hashed.value, number / frame_rate))
        if number < 0:
            raise VideoRejected(_("The video holds no frame that can be decoded."), "corrupt_video")
        return frames


# The reference's frame-list format ---------------------------------------------------------------

_HEX64 = re.compile(r"[0-9a-f]{64}")


def parse_frame_line(line: str, number: int = 1) -> VideoFrameHash:
    """One "frame_number,quality,hash,timestamp" line, as the reference writes it."""
    cells = [cell.strip() for cell in line.split(",")]
    if len(cells) != 4:
        raise InvalidFrameList(
            number, str(_("Expected frame number, quality, hash and timestamp, separated by commas."))
        )
    frame_text, quality_text, pdq, time_text = cells
    try:
        frame_number, quality, timestamp = int(frame_text), int(quality_text), float(time_text)
    except ValueError:
        raise InvalidFrameList(
            number, str(_("The frame number and quality must be whole numbers, the timestamp a number."))
        ) from None
    pdq = pdq.lower()
    if not _HEX64.fullmatch(pdq):
        raise InvalidFrameList(number, str(_("A PDQ hash has 64 hex digits (0-9, a-f).")))
    if frame_number < 0 or not 0 <= quality <= 100 or not 0 <= timestamp < 10**7:
        raise InvalidFrameList(
            number,
            str(_("The frame number and timestamp cannot be negative; quality runs from 0 to 100.")),
        )
    return VideoFrameHash(frame_number, quality, pdq, round(timestamp, TIMESTAMP_PRECISION))


def parse_frame_list(text: str, *, first_line: int = 1) -> list[VideoFrameHash]:
    """Every frame of a reference vPDQ file (blank lines skipped); InvalidFrameList on a bad line."""
    frames = [
        parse_frame_line(line, number)
        for number, line in enumerate(text.splitlines(), start=first_line)
        if line.strip()
    ]
    if not frames:
        raise InvalidFrameList(first_line, str(_("The frame list is empty.")))
    return frames


def format_frame_list(frames: Iterable[VideoFrameHash]) -> str:
    """Frames as the reference writes them: one "frame_number,quality,hash,timestamp" line each."""
    return "".join(frame.line() + "\n" for frame in frames)


def unique_frames(frames: Sequence[VideoFrameHash]) -> list[VideoFrameHash]:
    """The frames without those whose hash repeats the one kept just before (a still scene)."""
    kept: list[VideoFrameHash] = []
    for frame in frames:
        if not kept or kept[-1].pdq != frame.pdq:
            kept.append(frame)
    return kept


def canonical_frames(frames: Sequence[VideoFrameHash]) -> tuple[str, str]:
    """(the frame list kept for a video, its digest): the same frames always give the same digest.

    The digest is the SHA-256 of the kept frames as HMA writes them ("hash,quality,timestamp",
    one a line), which leaves frame numbers out: HMA's vPDQ signals carry none, so a video
    exchanged through HMA keeps its digest.
    """
    kept = unique_frames(frames)
    compact = "".join(f"{f.pdq},{f.quality},{f.timestamp:.{TIMESTAMP_PRECISION}f}\n" for f in kept)
    return format_frame_list(kept), hashlib.sha256(compact.encode()).hexdigest()


# Matching ----------------------------------------------------------------------------------------


def frame_words(frames: Iterable[VideoFrameHash], *, min_quality: int = QUALITY_THRESHOLD) -> np.ndarray:
    """The unique PDQ hashes of frames of quality at least `min_quality`, as rows of 4 uint64."""
    seen: dict[str, None] = {}
    for frame in frames:
        if frame.quality >= min_quality:
            seen.setdefault(frame.pdq, None)
    raw = b"".join(bytes.fromhex(value) for value in seen)
    return np.frombuffer(raw, dtype=">u8").astype(np.uint64).reshape(-1, 4)


def distances(query: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Bits that differ between every query row and every target row (len(query) by len(target))."""
    if not len(query) or not len(target):
        return np.zeros((len(query), len(target)), dtype=np.uint16)
    total = np.zeros((len(query), len(target)), dtype=np.uint16)
    for word in range(4):
        total += np.bitwise_count(query[:, word, None] ^ target[None, :, word]).astype(np.uint16)
    return total


def video_match(
    query: Sequence[VideoFrameHash],
    target: Sequence[VideoFrameHash],
    *,
    distance_threshold: int = DISTANCE_THRESHOLD,
    quality_threshold: int = QUALITY_THRESHOLD,
) -> tuple[float, float]:
    """(query %, target %): the share of each video's unique good frames found in the other.

    vPDQ's brute-force comparison: frames under `quality_threshold` are left out, repeats count
    once, and a frame is found when some frame of the other video is at most `distance_threshold`
    bits away. Either video without a good frame gives (0, 0).
    """
    q = frame_words(query, min_quality=quality_threshold)
    t = frame_words(target, min_quality=quality_threshold)
    if not len(q) or not len(t):
        return 0.0, 0.0
    close = distances(q, t) <= distance_threshold
    return int(close.any(axis=1).sum()) * 100 / len(q), int(close.any(axis=0).sum()) * 100 / len(t)


def is_video_match(
    query_percent: float,
    target_percent: float,
    *,
    query_threshold: float | None = None,
    target_threshold: float | None = None,
) -> bool:
    """vPDQ's rule: both shares at least their thresholds (by default the settings
    HASHING_VPDQ_QUERY_MATCH_PERCENT and _TARGET_MATCH_PERCENT, HMA's 80% and 0% unless set)."""
    if query_threshold is None:
        query_threshold = settings.HASHING_VPDQ_QUERY_MATCH_PERCENT
    if target_threshold is None:
        target_threshold = settings.HASHING_VPDQ_TARGET_MATCH_PERCENT
    return query_percent > 0 and query_percent >= query_threshold and target_percent >= target_threshold
