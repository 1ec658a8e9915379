"""An image is hashed from its luminance a strip at a time, with pdqhash's hash bit for bit.

The reference is what the banks' hashes were made with: pdqhash.compute of the image turned
upright from its EXIF orientation and converted to RGB, as a whole. Synthetic pictures only.
"""

import io
import tracemalloc

import numpy as np
import pdqhash
import pytest
from PIL import Image, ImageDraw, ImageOps

from childshield.hashing import pdq
from childshield.hashing.imaging import PdqHash, pdq_from_bytes, pdq_from_image
from tests.browser.pdq_images import agreement_set


def reference(data: bytes) -> PdqHash:
    """The hash as it was made before: the whole picture upright, then RGB, then pdqhash."""
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        rgb = np.asarray(ImageOps.exif_transpose(image).convert("RGB"))
    return pdqhash_of(rgb)


def pdqhash_of(rgb: np.ndarray) -> PdqHash:
    bits, quality = pdqhash.compute(np.ascontiguousarray(rgb, dtype=np.uint8))
    return PdqHash(np.packbits(np.asarray(bits, dtype=np.uint8)).tobytes().hex(), int(quality))


def picture(width: int, height: int, seed: int = 0) -> Image.Image:
    """A gradient with noise and a few shapes."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    pixels = np.stack([x * 255 // max(width - 1, 1), y * 255 // max(height - 1, 1), (x + 2 * y) % 256], -1)
    pixels = np.clip(pixels + rng.integers(-20, 21, pixels.shape), 0, 255).astype(np.uint8)
    image = Image.fromarray(pixels, "RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(4):
        x0, y0 = int(rng.integers(0, width)), int(rng.integers(0, height))
        x1, y1 = x0 + int(rng.integers(1, width // 2 + 2)), y0 + int(rng.integers(1, height // 2 + 2))
        draw.ellipse((x0, y0, x1, y1), fill=tuple(int(c) for c in rng.integers(0, 256, 3)))
    return image


def encoded(image: Image.Image, fmt: str = "PNG", **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def _sixteen_bit(image: Image.Image) -> Image.Image:
    grey = np.asarray(image.convert("L"), dtype=np.uint16)
    return Image.frombytes("I;16", image.size, (grey * 257 + 3).astype("<u2").tobytes())


def _transparent_palette(image: Image.Image) -> Image.Image:
    palette = image.quantize(32)
    palette.info["transparency"] = 0
    return palette


MODES = {
    "RGB": lambda image: image,
    "RGBA": lambda image: Image.merge("RGBA", (*image.split(), image.convert("L").point(lambda v: 255 - v))),
    "P": lambda image: image.quantize(64),
    "P with transparency": _transparent_palette,
    "L": lambda image: image.convert("L"),
    "LA": lambda image: image.convert("LA"),
    "1": lambda image: image.convert("1"),
    "I;16": _sixteen_bit,
}


@pytest.mark.parametrize("mode", MODES)
def test_every_kind_of_png_hashes_as_pdqhash_hashes_it_converted_to_rgb(mode):
    data = encoded(MODES[mode](picture(301, 203, seed=1)))
    with Image.open(io.BytesIO(data)) as image:
        assert image.mode == mode.split()[0]
    assert pdq_from_bytes(data) == reference(data)


@pytest.mark.parametrize("mode", ["CMYK", "RGB", "L"])
def test_jpegs_hash_as_pdqhash_hashes_them_converted_to_rgb(mode):
    data = encoded(picture(640, 480, seed=2).convert(mode), "JPEG", quality=85)
    with Image.open(io.BytesIO(data)) as image:
        assert image.mode == mode
    assert pdq_from_bytes(data) == reference(data)


@pytest.mark.parametrize("orientation", range(1, 9))
@pytest.mark.parametrize(("mode", "fmt"), [("RGB", "PNG"), ("P", "PNG"), ("CMYK", "JPEG")])
def test_a_picture_with_any_exif_orientation_hashes_as_the_upright_picture(orientation, mode, fmt):
    stored = picture(257, 131, seed=3)
    stored = stored.quantize(64) if mode == "P" else stored.convert(mode)
    exif = Image.Exif()
    exif[0x0112] = orientation
    data = encoded(stored, fmt, exif=exif)
    with Image.open(io.BytesIO(data)) as image:
        assert image.getexif()[0x0112] == orientation
    hashed = pdq_from_bytes(data)
    assert hashed == reference(data)
    if orientation > 1:  # the orientation counts: the picture as stored hashes otherwise
        assert hashed != pdqhash_of(np.asarray(stored.convert("RGB")))


@pytest.mark.parametrize(
    ("width", "height"),
    [(1, 1), (4, 7), (7, 4), (5, 5), (64, 64), (63, 65), (1001, 7), (7, 1001), (129, 127), (2600, 1500)],
)
def test_odd_and_large_sizes_hash_as_pdqhash_hashes_them(width, height):
    data = encoded(picture(width, height, seed=width + height))
    assert pdq_from_bytes(data) == reference(data)


def test_noise_hashes_as_pdqhash_hashes_it():
    rng = np.random.default_rng(4)
    data = encoded(Image.fromarray(rng.integers(0, 256, (777, 999, 3), dtype=np.uint8), "RGB"))
    assert pdq_from_bytes(data) == reference(data)


# The pictures the browser's pdq.js is held to (tests/browser/test_pdq_js.py), but the two
# 12-megapixel "photo" ones, whose painting alone takes seconds.
BROWSER_SET = [s for s in agreement_set() if not (s.name.startswith("photo") and s.width * s.height > 10**7)]


@pytest.mark.parametrize("synthetic", BROWSER_SET, ids=lambda s: s.name)
def test_the_browser_agreement_pictures_hash_as_pdqhash_hashes_them(synthetic):
    image = synthetic.image()
    assert pdq_from_image(image) == pdqhash_of(np.asarray(image))


@pytest.mark.parametrize(
    ("strip_pixels", "strip_rows"),
    [(1, 1), (700, 3), (5000, 70)],
)
@pytest.mark.parametrize(("width", "height"), [(200, 300), (301, 99), (9, 4000), (4000, 9), (64, 640)])
def test_strips_of_any_size_give_the_same_hash(monkeypatch, strip_pixels, strip_rows, width, height):
    # Narrow strips and narrow pictures take the np.add.accumulate path, wide ones the vector one.
    monkeypatch.setattr(pdq, "STRIP_PIXELS", strip_pixels)
    monkeypatch.setattr(pdq, "STRIP_ROWS", strip_rows)
    monkeypatch.setattr(pdq, "MAX_STRIP_PIXELS", max(strip_pixels, width * strip_rows))
    image = picture(width, height, seed=5)
    assert pdq_from_image(image) == pdqhash_of(np.asarray(image))


@pytest.mark.parametrize(
    ("width", "height", "bytes_per_pixel"),
    # A picture 6 rows high is filtered as one strip, in place: its float32 copy alone is 4 bytes
    # a pixel, and a row of running sums is a sixth of the picture.
    [(3000, 2000, 4), (6, 1_000_000, 4), (1_000_000, 6, 8)],
)
def test_hashing_a_six_megapixel_image_holds_its_floats_a_strip_at_a_time(width, height, bytes_per_pixel):
    # Python's and numpy's allocations (not Pillow's decoded image): pdqhash's path took about
    # 27 bytes a pixel here (RGB copy, float64 luminance, two float32 copies).
    data = encoded(picture(width, height, seed=6))
    expected = reference(data)
    tracemalloc.start()
    try:
        hashed = pdq_from_bytes(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert hashed == expected
    assert peak < bytes_per_pixel * width * height
