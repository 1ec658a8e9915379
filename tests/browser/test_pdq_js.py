"""pdq.js in chromium gives pdqhash's PDQ hash: bit for bit on the same pixels, and from image files."""

from __future__ import annotations

import hashlib
import io
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageOps
from playwright.sync_api import Page

from childshield.hashing.imaging import PdqHash, pdq_from_array
from tests.browser.pdq_images import PAINTERS, Synthetic, agreement_set

# The page is pdq.js itself as served by the live server, so that the page's origin (a real
# loopback server, which chromium lets fetch from another loopback port) may import it. Pixels
# come from a small HTTP server of the test's own, untouched on the way (Playwright's request
# interception is far too slow for 48 MB bodies, and canvas decoding is what the second test
# is about).
PDQ_JS = "/static/hashing/pdq.js"

HASH_RAW_PIXELS = """async ([width, height, url]) => {
  const { pdqHash } = await import("/static/hashing/pdq.js");
  const data = new Uint8ClampedArray(await (await fetch(url)).arrayBuffer());
  return pdqHash({ width, height, data });
}"""

# As a page would do it with a picked file: the file's own orientation applied, no colour
# management (Pillow, and so the server side, applies none either), then a canvas's RGBA pixels.
HASH_FILES = """async ([base, names]) => {
  const { pdqHash } = await import("/static/hashing/pdq.js");
  const results = [];
  for (const name of names) {
    const file = await (await fetch(base + name)).blob();
    const bitmap = await createImageBitmap(file, {
      imageOrientation: "from-image", colorSpaceConversion: "none",
    });
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext("2d", { willReadFrequently: true });
    context.drawImage(bitmap, 0, 0);
    const pixels = context.getImageData(0, 0, bitmap.width, bitmap.height);
    results.push({ name, width: bitmap.width, height: bitmap.height, ...pdqHash(pixels) });
  }
  return results;
}"""


def _distance(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


class _Bodies(BaseHTTPRequestHandler):
    bodies: dict[str, bytes]

    def do_GET(self) -> None:
        body = self.bodies.pop(self.path.lstrip("/"))
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def pixel_server() -> Iterator[tuple[str, dict[str, bytes]]]:
    """Serves each body put in the dict once, at the returned base URL + its key."""
    bodies: dict[str, bytes] = {}
    handler = type("Bodies", (_Bodies,), {"bodies": bodies})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", bodies
    server.shutdown()
    server.server_close()


@pytest.fixture
def pdq_page(page: Page, live_server: Any) -> Page:
    """A page on the live server's origin, which may import pdq.js."""
    response = page.goto(f"{live_server.url}{PDQ_JS}")
    assert response is not None and response.ok
    return page


def test_pdq_js_equals_pdqhash_bit_for_bit_on_the_same_pixels(
    pdq_page: Page, pixel_server: tuple[str, dict[str, bytes]]
) -> None:
    base, bodies = pixel_server
    checked = 0
    disagreements = []
    for synthetic in agreement_set():
        rgb = np.asarray(synthetic.image())
        expected = pdq_from_array(rgb)
        rgba = np.dstack([rgb, np.full(rgb.shape[:2], 255, dtype=np.uint8)])
        bodies[synthetic.name] = rgba.tobytes()
        got = pdq_page.evaluate(HASH_RAW_PIXELS, [synthetic.width, synthetic.height, base + synthetic.name])
        checked += 1
        if (got["hash"], got["quality"]) != (expected.value, expected.quality):
            disagreements.append(
                f"{synthetic.name}: {_distance(got['hash'], expected.value)} bits apart, "
                f"quality {got['quality']} vs {expected.quality}"
            )
    assert checked >= 200
    assert not disagreements, "\n".join(disagreements)


def _python_side(data: bytes) -> PdqHash:
    """The file decoded by Pillow, turned as its EXIF orientation says, hashed by pdqhash."""
    with Image.open(io.BytesIO(data)) as image:
        upright = ImageOps.exif_transpose(image)
        return pdq_from_array(np.asarray(upright.convert("RGB")))


def _encoded(image: Image.Image, fmt: str, **options: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def _file_cases() -> list[tuple[str, bytes]]:
    """PNG and JPEG (quality 90) files of the well-structured synthetic images, and JPEGs that
    carry each EXIF orientation."""
    files = []
    sizes = {(64, 64), (65, 65), (200, 150), (333, 500), (640, 480), (1024, 768)}
    for synthetic in agreement_set():
        if (synthetic.width, synthetic.height) in sizes or synthetic.name == "photo-4000x3000":
            image = synthetic.image()
            if synthetic.width < 4000:  # a 12-megapixel PNG only slows the test down
                files.append((f"{synthetic.name}.png", _encoded(image, "PNG", compress_level=1)))
            files.append((f"{synthetic.name}.jpg", _encoded(image, "JPEG", quality=90)))
    upright = Synthetic("photo-600x400", 600, 400, PAINTERS["photo"], 9_999).image()
    for orientation in range(2, 9):
        exif = Image.Exif()
        exif[0x0112] = orientation
        files.append(
            (f"orientation-{orientation}.jpg", _encoded(upright, "JPEG", quality=90, exif=exif.tobytes()))
        )
    return files


def test_files_decoded_by_chromium_hash_like_files_decoded_by_pillow(
    pdq_page: Page, pixel_server: tuple[str, dict[str, bytes]]
) -> None:
    base, bodies = pixel_server
    files = _file_cases()
    expected = {name: _python_side(data) for name, data in files}
    bodies.update(files)
    results = pdq_page.evaluate(HASH_FILES, [base, [name for name, _ in files]])
    assert [r["name"] for r in results] == [name for name, _ in files]

    checked_jpegs = 0
    failures = []
    for result in results:
        want = expected[result["name"]]
        distance = _distance(result["hash"], want.value)
        if result["name"].endswith(".png"):
            if distance != 0 or result["quality"] != want.quality:
                quality = f"quality {result['quality']} vs {want.quality}"
                failures.append(f"{result['name']}: {distance} bits, {quality}")
        elif want.quality >= 80:
            checked_jpegs += 1
            if distance > 10:
                failures.append(f"{result['name']}: {distance} bits apart (JPEG, quality {want.quality})")
    assert not failures, "\n".join(failures)
    assert checked_jpegs >= 20

    # Orientation was applied, and the same way, on both sides: each turned or mirrored file
    # hashes far from its pixels as stored, yet chromium's hash is within 10 bits of Pillow's.
    by_name = {r["name"]: r for r in results}
    for name, data in files:
        if name.startswith("orientation-"):
            with Image.open(io.BytesIO(data)) as image:
                as_stored = pdq_from_array(np.asarray(image.convert("RGB")))
            turned = int(name.removeprefix("orientation-").removesuffix(".jpg")) >= 5  # 5-8 swap the sides
            assert (by_name[name]["width"], by_name[name]["height"]) == ((400, 600) if turned else (600, 400))
            assert _distance(by_name[name]["hash"], as_stored.value) > 50, name
            assert _distance(by_name[name]["hash"], expected[name].value) <= 10, name


def test_md5_js_equals_hashlib(pdq_page: Page, pixel_server: tuple[str, dict[str, bytes]]) -> None:
    base, bodies = pixel_server
    rng = np.random.default_rng(5)
    # Around the 56-byte padding edge and the 64-byte block, and a few megabytes.
    lengths = [0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 5 * 2**20 + 7]
    for length in lengths:
        bodies[f"bytes-{length}"] = rng.integers(0, 256, length, dtype=np.uint8).tobytes()
    expected = {f"bytes-{length}": hashlib.md5(bodies[f"bytes-{length}"]).hexdigest() for length in lengths}
    got = pdq_page.evaluate(
        """async ([base, names]) => {
          const { md5Hex } = await import("/static/hashing/md5.js");
          const out = {};
          for (const name of names) {
            const buffer = await (await fetch(base + name)).arrayBuffer();
            out[name] = [md5Hex(new Uint8Array(buffer)), md5Hex(buffer)];
          }
          return out;
        }""",
        [base, list(expected)],
    )
    assert got == {name: [digest, digest] for name, digest in expected.items()}


def test_pdq_js_gives_no_hash_for_images_too_small_and_refuses_short_data(pdq_page: Page) -> None:
    # Below 5 pixels a side the reference (and pdqhash) gives the all-zero hash with quality 0,
    # which matches nothing useful: a page should not send it.
    got = pdq_page.evaluate(
        """async () => {
          const { pdqHash } = await import("/static/hashing/pdq.js");
          const empty = pdqHash({ width: 0, height: 0, data: new Uint8ClampedArray(0) });
          const thin = pdqHash({ width: 4, height: 500, data: new Uint8ClampedArray(4 * 500 * 4).fill(200) });
          let refused = null;
          try {
            pdqHash({ width: 10, height: 10, data: new Uint8ClampedArray(10) });
          } catch (error) {
            refused = error.name;
          }
          return { empty, thin, refused };
        }"""
    )
    zero = {"hash": "0" * 64, "quality": 0}
    assert got == {"empty": zero, "thin": zero, "refused": "TypeError"}
    thin = pdq_from_array(np.full((500, 4, 3), 200, dtype=np.uint8))
    assert (thin.value, thin.quality) == (zero["hash"], zero["quality"])
