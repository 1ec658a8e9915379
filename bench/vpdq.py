"""Video PDQ benchmark: hashing speed on a synthetic video, and brute-force matching against N videos.

    .venv/bin/python bench/vpdq.py --videos 100 1000 10000 --frames 60 --queries 20

1. Encodes a synthetic video (640x360, 30 fps, 60 s by default: drifting gradients, boxes and
   noise) with PyAV in memory, then hashes it with `childshield.hashing.video.video_hash`, once
   with one hash a second (the default) and once hashing every frame; reports decoded and hashed
   frames per second.
2. For each N, fills a `VideoIndex` with N videos of F random unique frames, and times queries of
   F frames of which half share frames (0-31 bits flipped) with a stored video: build seconds,
   p50 / p95 milliseconds per query, frames compared per second, memory per stored frame.
3. With --reference DIR (vPDQ's tmk/sample-videos/*.mp4 beside vpdq/sample-hashes/*.txt, e.g. from
   a clone of facebook/ThreatExchange), hashes every frame of each sample and compares with the
   reference's hashes.

The last line is JSON.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

# bench/http.py shares its name with the standard library's `http` package: this folder must not be
# on the path, or every `import http.client` would find that script.
sys.path.remove(str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "childshield.settings.dev")

import av
import django

django.setup()

from childshield.hashing.matching import VideoIndex  # noqa: E402
from childshield.hashing.video import (  # noqa: E402
    distances,
    frame_words,
    parse_frame_list,
    video_hash,
    video_match,
)


def synthetic_video(width: int, height: int, fps: int, seconds: int, seed: int = 0) -> bytes:
    """Moving gradients, boxes and noise; a new arrangement every two seconds. Never real footage."""
    rng = np.random.default_rng(seed)
    out = io.BytesIO()
    ys, xs = np.mgrid[0:height, 0:width]
    with av.open(out, mode="w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        boxes = rng.integers(0, [width, height, 40, 40], size=(6, 4))
        colours = rng.integers(0, 256, size=(6, 3))
        for number in range(fps * seconds):
            if number % (2 * fps) == 0:
                boxes = rng.integers(0, [width, height, 40, 40], size=(6, 4)) + np.array([0, 0, 20, 20])
                colours = rng.integers(0, 256, size=(6, 3))
            t = number / fps
            picture = np.empty((height, width, 3), dtype=np.uint8)
            picture[..., 0] = ((xs + 40 * t) % width) * 255 // width
            picture[..., 1] = ((ys + 25 * t) % height) * 255 // height
            picture[..., 2] = 128
            for (x, y, w, h), colour in zip(boxes, colours, strict=True):
                x = int(x + 30 * t) % width
                picture[y : y + h, x : x + w] = colour
            picture ^= rng.integers(0, 16, size=picture.shape, dtype=np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(picture, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return out.getvalue()


def hashing_speed(width: int, height: int, fps: int, seconds: int) -> dict[str, float]:
    started = time.perf_counter()
    video = synthetic_video(width, height, fps, seconds)
    print(
        f"encoded {width}x{height} {fps} fps {seconds} s: {len(video) / 2**20:.1f} MiB "
        f"in {time.perf_counter() - started:.1f} s"
    )
    limits = {"max_seconds": seconds + 1, "max_pixels": width * height}
    decoded = fps * seconds
    started = time.perf_counter()
    frames = video_hash(video, **limits)
    per_second = time.perf_counter() - started
    started = time.perf_counter()
    every = video_hash(video, seconds_per_hash=1 / fps / 2, **limits)
    every_frame = time.perf_counter() - started
    result = {
        "hash_1s_seconds": round(per_second, 2),
        "hash_1s_decoded_fps": round(decoded / per_second, 1),
        "hash_1s_frames": len(frames),
        "hash_every_frame_seconds": round(every_frame, 2),
        "hash_every_frame_fps": round(len(every) / every_frame, 1),
        "realtime_factor_1s": round(seconds / per_second, 1),
    }
    print(
        f"one hash a second: {len(frames)} frames hashed, {decoded} decoded, {per_second:.2f} s "
        f"({decoded / per_second:.0f} decoded frames/s, {seconds / per_second:.1f}x real time)"
    )
    print(
        f"every frame: {len(every)} frames hashed in {every_frame:.2f} s "
        f"({len(every) / every_frame:.0f} frames/s)"
    )
    return result


def random_words(rng: np.random.Generator, count: int) -> np.ndarray:
    return rng.integers(0, 2**64, size=(count, 4), dtype=np.uint64)


def flip(words: np.ndarray, bits: int, rng: np.random.Generator) -> np.ndarray:
    flipped = words.copy()
    for bit in rng.choice(256, size=bits, replace=False):
        flipped[bit // 64] ^= np.uint64(1) << np.uint64(63 - bit % 64)
    return flipped


def matching_speed(videos: int, frames: int, queries: int, seed: int = 1) -> dict[str, float]:
    rng = np.random.default_rng(seed)
    index = VideoIndex()
    stored = [random_words(rng, frames) for _ in range(videos)]
    started = time.perf_counter()
    index.build(dict(enumerate(stored)))
    build = time.perf_counter() - started
    timings, found = [], 0
    for number in range(queries):
        if number % 2 == 0:
            source = stored[int(rng.integers(videos))]
            query = np.stack([flip(row, int(rng.integers(0, 32)), rng) for row in source])
        else:
            query = random_words(rng, frames)
        started = time.perf_counter()
        hits = index.search(query)
        timings.append(time.perf_counter() - started)
        found += any(hit.query_percent == 100 for hit in hits)
    p50 = statistics.median(timings)
    comparisons = frames * videos * frames
    result = {
        "videos": videos,
        "frames_per_video": frames,
        "build_seconds": round(build, 3),
        "p50_ms": round(p50 * 1000, 2),
        "p95_ms": round(sorted(timings)[int(0.95 * (len(timings) - 1))] * 1000, 2),
        "frame_pairs_per_second": round(comparisons / p50),
        "bytes_per_frame": round(index.frames.nbytes / (videos * frames), 1),
        "found": found,
    }
    print(
        f"N={videos:>7} videos x {frames} frames: build {build:.3f} s, query p50 {p50 * 1000:.1f} ms, "
        f"p95 {result['p95_ms']} ms, {comparisons / p50 / 1e6:.0f} M frame pairs/s, "
        f"{found}/{(queries + 1) // 2} planted found"
    )
    return result


def reference_check(directory: Path) -> list[dict[str, object]]:
    rows = []
    for video in sorted(directory.glob("*.mp4")):
        listed = directory / f"{video.stem}.txt"
        if not listed.exists():
            continue
        ours = video_hash(video.read_bytes(), seconds_per_hash=0.001, max_pixels=4096 * 2304)
        theirs = parse_frame_list(listed.read_text())
        pairs = list(zip(ours, theirs, strict=False))
        gaps = [
            int(distances(frame_words([a], min_quality=0), frame_words([b], min_quality=0))[0, 0])
            for a, b in pairs
        ]
        good = [gap for gap, (_a, b) in zip(gaps, pairs, strict=True) if b.quality >= 50]
        row = {
            "video": video.stem,
            "frames": [len(ours), len(theirs)],
            "same_numbers_and_times": all(
                a.frame_number == b.frame_number and abs(a.timestamp - b.timestamp) < 0.001 for a, b in pairs
            ),
            "identical_hashes": sum(a.pdq == b.pdq for a, b in pairs),
            "max_bits_quality_50": max(good, default=0),
            "mean_bits": round(float(np.mean(gaps)), 2),
            "match": video_match(ours, theirs),
        }
        print(row)
        rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", default="640x360")
    parser.add_argument("--fps", type=int, default=30)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--videos", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--frames", type=int, default=60, help="unique frames per stored and query video")
    parser.add_argument("--queries", type=int, default=20)
    parser.add_argument("--reference", type=Path, help="vPDQ's sample videos and hashes, side by side")
    args = parser.parse_args()
    width, height = (int(side) for side in args.size.split("x"))
    summary: dict[str, object] = {"hashing": hashing_speed(width, height, args.fps, args.seconds)}
    summary["matching"] = [matching_speed(n, args.frames, args.queries) for n in args.videos]
    if args.reference:
        summary["reference"] = reference_check(args.reference)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
