"""Image hashing benchmark: peak memory and time of hashing an encoded image, old path and new.

    .venv/bin/python bench/imaging.py --megapixels 1 12 25 49 --rounds 3 [--thin]

Makes synthetic images (a gradient with shapes, which compresses to a small file like the one of
issue 14; and uniform noise), as PNG and JPEG, at each size, and hashes each in a fresh Python
process per case, so that no case inherits another's memory:

- "pdqhash": the path before issue 14: Image.open, load, ImageOps.exif_transpose,
  convert("RGB"), numpy array, pdqhash.compute;
- "new": `childshield.hashing.imaging.pdq_from_bytes` (strips of luminance, `hashing/pdq.py`);
- "decode": Image.open and load only, what Pillow's decoded picture alone takes.

In the child, after imports and reading the file, the peak resident memory (VmHWM) is reset
through /proc/self/clear_refs; "extra" is the peak during the case minus the resident memory
before it. Both paths must give the same hash. Each case runs --rounds times, interleaved;
the table shows the best time and the largest peak. The last line is JSON.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# bench/http.py shares its name with the standard library's `http` package: this folder must not be
# on the path, or every `import http.client` would find that script.
sys.path.remove(str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))

SIZES = {1: (1155, 866), 12: (4000, 3000), 25: (5774, 4330), 49: (7000, 7000)}
THIN = (9_800_000, 5)  # --thin: 49 megapixels 5 rows high, and 5 columns wide
PATHS = ("pdqhash", "new", "decode")


def _memory() -> dict[str, int]:
    status = Path("/proc/self/status").read_text()
    return {key: int(re.search(key + r":\s+(\d+)", status).group(1)) * 1024 for key in ("VmRSS", "VmHWM")}


def child(path: str, how: str) -> None:
    """One case, in this fresh process: prints {"seconds", "extra_bytes", "hash"} as JSON."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "childshield.settings.dev")
    import django

    django.setup()
    import numpy as np
    import pdqhash
    from PIL import Image, ImageOps

    from childshield.hashing.imaging import pdq_from_bytes

    Image.MAX_IMAGE_PIXELS = None
    data = Path(path).read_bytes()
    Path("/proc/self/clear_refs").write_text("5")
    before = _memory()["VmRSS"]
    start = time.perf_counter()
    value = ""
    if how == "pdqhash":
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            rgb = ImageOps.exif_transpose(image).convert("RGB")
        bits, quality = pdqhash.compute(np.ascontiguousarray(np.asarray(rgb), dtype=np.uint8))
        value = np.packbits(np.asarray(bits, dtype=np.uint8)).tobytes().hex() + f"/{int(quality)}"
    elif how == "new":
        hashed = pdq_from_bytes(data, max_bytes=len(data), max_pixels=10**9)
        value = f"{hashed.value}/{hashed.quality}"
    else:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
    seconds = time.perf_counter() - start
    peak = _memory()["VmHWM"]
    print(json.dumps({"seconds": seconds, "extra_bytes": peak - before, "hash": value}))


def make_images(directory: Path, megapixels: list[int], thin: bool) -> list[tuple[str, int, Path]]:
    """(name, pixels, file) for each size, kind and format; files already there are kept."""
    import numpy as np
    from PIL import Image, ImageDraw

    made = []
    shapes = [(SIZES[size], ("gradient", "noise"), (("PNG", "png"), ("JPEG", "jpg"))) for size in megapixels]
    if thin:
        shapes += [(THIN, ("gradient",), (("PNG", "png"),)), (THIN[::-1], ("gradient",), (("PNG", "png"),))]
    for (width, height), kinds, formats in shapes:
        for kind in kinds:
            for fmt, suffix in formats:
                file = directory / f"{kind}-{width}x{height}.{suffix}"
                if not file.exists():
                    rng = np.random.default_rng(width * height)
                    if kind == "noise":
                        pixels = rng.integers(0, 256, (height, width, 3), dtype=np.uint8)
                    else:
                        y = np.linspace(0, 255, height, dtype=np.float32)[:, None]
                        x = np.linspace(0, 255, width, dtype=np.float32)[None, :]
                        pixels = np.stack([x + 0 * y, y + 0 * x, (x + y) / 2], -1).astype(np.uint8)
                    image = Image.fromarray(pixels, "RGB")
                    del pixels
                    draw = ImageDraw.Draw(image)
                    for _ in range(8):
                        x0, y0 = int(rng.integers(0, width)), int(rng.integers(0, height))
                        box = (x0, y0, x0 + max(width // 5, 1), y0 + max(height // 5, 1))
                        draw.ellipse(box, fill=tuple(int(c) for c in rng.integers(0, 256, 3)))
                    image.save(file, fmt, **({"quality": 90} if fmt == "JPEG" else {}))
                label = f"{kind} {fmt}" if min(width, height) > 5 else f"{kind} {fmt} {width}x{height}"
                made.append((label, width * height, file))
    return made


def run_case(file: Path, how: str, environment: dict[str, str]) -> dict[str, Any]:
    output = subprocess.run(
        [sys.executable, __file__, "--child", str(file), how],
        capture_output=True,
        text=True,
        check=True,
        env=environment,
    ).stdout
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--megapixels", type=int, nargs="+", default=[1, 12, 25, 49], choices=sorted(SIZES))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--thin", action="store_true", help="also a 9,800,000 x 5 and a 5 x 9,800,000 PNG")
    parser.add_argument(
        "--images", type=Path, help="where to keep the generated images (default: a temp dir)"
    )
    parser.add_argument("--child", nargs=2, metavar=("FILE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory() as scratch:
        images = args.images or Path(scratch)
        images.mkdir(parents=True, exist_ok=True)
        environment = {**os.environ, "HASHING_SLOT_DIR": str(Path(scratch) / "slots")}
        cases = make_images(images, args.megapixels, args.thin)
        results: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for _ in range(args.rounds):
            for _name, _pixels, file in cases:
                for how in PATHS:
                    results.setdefault((file.name, how), []).append(run_case(file, how, environment))
        rows = []
        print("| image | file MB | megapixels | path | extra MB | bytes/pixel | seconds | speed vs pdqhash |")
        print("|---|---:|---:|---|---:|---:|---:|---:|")
        for name, pixels, file in cases:
            old = min(r["seconds"] for r in results[(file.name, "pdqhash")])
            hashes = {r["hash"] for how in ("pdqhash", "new") for r in results[(file.name, how)]}
            assert len(hashes) == 1, (file.name, hashes)
            for how in PATHS:
                runs = results[(file.name, how)]
                seconds = min(r["seconds"] for r in runs)
                extra = max(r["extra_bytes"] for r in runs)
                speed = f"{old / seconds:.2f}x" if how != "decode" else ""
                print(
                    f"| {name} | {file.stat().st_size / 2**20:.1f} | {pixels / 1e6:.1f} | {how} "
                    f"| {extra / 2**20:.0f} | {extra / pixels:.1f} | {seconds:.2f} | {speed} |"
                )
                rows.append(
                    {"image": name, "pixels": pixels, "path": how, "extra_bytes": extra, "seconds": seconds}
                )
        print(json.dumps(rows))


if __name__ == "__main__":
    main()
