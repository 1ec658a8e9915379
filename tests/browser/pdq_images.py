"""Synthetic images for the PDQ agreement tests: gradients, noise, shapes, text, photo-like textures."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

Painter = Callable[[np.random.Generator, int, int], Image.Image]


@dataclass(frozen=True)
class Synthetic:
    name: str
    width: int
    height: int
    paint: Painter
    seed: int

    def image(self) -> Image.Image:
        """The RGB image, the same on every call."""
        image = self.paint(np.random.default_rng(self.seed), self.width, self.height)
        assert image.mode == "RGB" and image.size == (self.width, self.height)
        return image


def _gradient(rng: np.random.Generator, width: int, height: int) -> Image.Image:
    angle = rng.uniform(0, 2 * np.pi)
    along_x = (np.arange(width, dtype=np.float32) / max(width - 1, 1)) * np.float32(np.cos(angle))
    along_y = (np.arange(height, dtype=np.float32) / max(height - 1, 1)) * np.float32(np.sin(angle))
    t = along_y[:, None] + along_x[None, :]
    t -= t.min()
    t /= max(float(t.max()), 1e-9)
    start, end = rng.integers(0, 256, 3), rng.integers(0, 256, 3)
    pixels = np.empty((height, width, 3), dtype=np.uint8)
    for channel in range(3):
        pixels[..., channel] = np.rint(start[channel] + (int(end[channel]) - int(start[channel])) * t)
    return Image.fromarray(pixels, "RGB")


def _radial(rng: np.random.Generator, width: int, height: int) -> Image.Image:
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    cx, cy = rng.uniform(0, width), rng.uniform(0, height)
    r = np.hypot(x - cx, y - cy) / max(width, height)
    waves = rng.uniform(1, 6)
    pixels = np.stack(
        [127.5 + 127.5 * np.cos(2 * np.pi * waves * r + phase) for phase in rng.uniform(0, 2 * np.pi, 3)], -1
    )
    return Image.fromarray(np.round(pixels).astype(np.uint8), "RGB")


def _noise(rng: np.random.Generator, width: int, height: int) -> Image.Image:
    return Image.fromarray(rng.integers(0, 256, (height, width, 3), dtype=np.uint8), "RGB")


def _flat(rng: np.random.Generator, width: int, height: int) -> Image.Image:
    return Image.new("RGB", (width, height), tuple(int(v) for v in rng.integers(0, 256, 3)))


def _stripes(rng: np.random.Generator, width: int, height: int) -> Image.Image:
    y, x = np.mgrid[0:height, 0:width]
    period = int(rng.integers(2, 24))
    on = ((x + y * int(rng.integers(0, 3))) // period) % 2 == 0
    ink, paper = rng.integers(0, 256, 3), rng.integers(0, 256, 3)
    return Image.fromarray(np.where(on[..., None], ink, paper).astype(np.uint8), "RGB")


def _shapes(rng: np.random.Generator, width: int, height: int) -> Image.Image:
    image = _gradient(rng, width, height)
    draw = ImageDraw.Draw(image)
    for _ in range(int(rng.integers(3, 12))):
        x0, x1 = sorted(rng.uniform(-0.1, 1.1, 2) * width)
        y0, y1 = sorted(rng.uniform(-0.1, 1.1, 2) * height)
        fill = tuple(int(v) for v in rng.integers(0, 256, 3))
        kind = rng.integers(0, 3)
        if kind == 0:
            draw.ellipse((x0, y0, x1, y1), fill=fill)
        elif kind == 1:
            draw.rectangle((x0, y0, x1, y1), fill=fill)
        else:
            points = [(float(rng.uniform(0, width)), float(rng.uniform(0, height))) for _ in range(5)]
            draw.polygon(points, fill=fill)
    return image


def _text(rng: np.random.Generator, width: int, height: int) -> Image.Image:
    paper = tuple(int(v) for v in rng.integers(150, 256, 3))
    image = Image.new("RGB", (width, height), paper)
    draw = ImageDraw.Draw(image)
    size = max(4, int(min(width, height) * rng.uniform(0.05, 0.25)))
    font = ImageFont.load_default(size=size)
    words = ["hello", "PDQ", "childshield", "xin chào", "safe", "0123456789", "sky", "tree"]
    for line in range(int(rng.integers(1, 8))):
        text = " ".join(str(w) for w in rng.choice(words, int(rng.integers(1, 4))))
        ink = tuple(int(v) for v in rng.integers(0, 120, 3))
        draw.text((rng.uniform(-0.1, 0.7) * width, line * size * 1.2), text, fill=ink, font=font)
    return image


def _photo_like(rng: np.random.Generator, width: int, height: int) -> Image.Image:
    """Smooth blobs of colour over a gradient, with a little sensor-like grain."""
    coarse = rng.normal(0, 1, (max(2, height // 64), max(2, width // 64), 3))
    coarse = (coarse - coarse.min()) / max(np.ptp(coarse), 1e-9) * 255
    blobs = Image.fromarray(coarse.astype(np.uint8), "RGB").resize((width, height), Image.Resampling.BICUBIC)
    blobs = blobs.filter(ImageFilter.GaussianBlur(radius=max(1, min(width, height) // 100)))
    mixed = np.asarray(Image.blend(blobs, _gradient(rng, width, height), 0.3), dtype=np.int16)
    grain = rng.integers(-6, 7, mixed.shape, dtype=np.int16)
    return Image.fromarray(np.clip(mixed + grain, 0, 255).astype(np.uint8), "RGB")


PAINTERS: dict[str, Painter] = {
    "gradient": _gradient,
    "radial": _radial,
    "noise": _noise,
    "flat": _flat,
    "stripes": _stripes,
    "shapes": _shapes,
    "text": _text,
    "photo": _photo_like,
}

# Small and medium sizes, odd ones, the reference's special 64x64 case and the sizes around it,
# long thin images; then a handful of camera-sized ones.
SMALL_SIZES = [
    (16, 16), (17, 23), (31, 16), (48, 48), (63, 64), (64, 64), (64, 63), (65, 65), (100, 75),
    (127, 129), (128, 128), (129, 127), (200, 150), (250, 333), (256, 256), (300, 200),
    (320, 240), (333, 500), (480, 640), (500, 500), (512, 384), (640, 480), (700, 123),
    (16, 900), (900, 16), (800, 600), (1000, 1000), (1024, 768),
]  # fmt: skip
# Below the reference's minimum of 5 pixels a side the hash is all zeros; 5 is the smallest hashed.
EDGE_SIZES = [(4, 7), (5, 5), (6, 300)]
LARGE_SIZES = [(1280, 720), (1920, 1080), (1536, 2048), (2592, 1944), (4000, 3000)]


def agreement_set() -> Iterator[Synthetic]:
    """At least 200 images: every painter at every small size, and the large sizes twice over."""
    seed = 0
    for width, height in SMALL_SIZES:
        for name, paint in PAINTERS.items():
            seed += 1
            yield Synthetic(f"{name}-{width}x{height}", width, height, paint, seed)
    for width, height in EDGE_SIZES:
        for name in ("noise", "gradient"):
            seed += 1
            yield Synthetic(f"{name}-{width}x{height}", width, height, PAINTERS[name], seed)
    for index, (width, height) in enumerate(LARGE_SIZES):
        for name in ("photo", "shapes") if index % 2 == 0 else ("noise", "text"):
            seed += 1
            yield Synthetic(f"{name}-{width}x{height}", width, height, PAINTERS[name], seed)
    yield Synthetic("photo-3000x4000", 3000, 4000, _photo_like, seed + 1)
