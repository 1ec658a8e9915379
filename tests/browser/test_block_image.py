"""Blocking a picture in a real browser: the page hashes synthetic pictures on the device, every
request is intercepted to prove that no image bytes leave it, the hashes stored on the server equal
pdqhash's (the C++ reference) for the same pictures, and they reach the self-submitted bank."""

import base64
import hashlib
import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageOps
from playwright.sync_api import BrowserContext, Page, Request, Route

from childshield.accounts.models import Agency, AgencyKind
from childshield.hashing import services as hashing_services
from childshield.hashing.imaging import PdqHash, pdq_from_array, pdq_from_bytes
from childshield.hashing.index import pdq_distance
from childshield.hashing.models import BankSource, HashEntry, MatchChannel
from childshield.intake.models import BlockedImage, BlockedImageState, Channel, Report, SelfSubmittedPolicy
from childshield.places.services.reference_data import reference_data_load
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

# Enabled once every picked file is done and at one at least can be sent (a selector, as the strict
# CSP refuses the eval that a wait_for_function string would need).
READY = "[data-send]:not([disabled])"
PAGE_BUDGET_BYTES = 100 * 1024


def synthetic_picture(seed: int, size: tuple[int, int], fmt: str = "PNG") -> bytes:
    """A gradient, noise, shapes and drawn text: never a photograph of anyone."""
    rng = np.random.default_rng(seed)
    width, height = size
    gradient = np.linspace(0, 255, width)[None, :, None] * np.ones((height, 1, 3))
    pixels = np.clip(gradient * 0.7 + rng.integers(0, 60, size=(height, width, 3)), 0, 255).astype(np.uint8)
    image = Image.fromarray(pixels, "RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(8):
        x, y = int(rng.integers(0, width - 60)), int(rng.integers(0, height - 60))
        colour = tuple(int(c) for c in rng.integers(0, 256, size=3))
        draw.ellipse([x, y, x + int(rng.integers(20, 120)), y + int(rng.integers(20, 120))], fill=colour)
    draw.text((10, 10), f"synthetic {seed}", fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, fmt, **({"quality": 95} if fmt == "JPEG" else {}))
    return out.getvalue()


def turned_photo() -> bytes:
    """A JPEG stored sideways with an EXIF note to turn it (as phones save photos)."""
    image = Image.open(io.BytesIO(synthetic_picture(8, (640, 480), "JPEG")))
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: turn 90 degrees clockwise to show
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95, exif=exif)
    return out.getvalue()


def shown_pdq(raw: bytes) -> PdqHash:
    """pdqhash's hash of the picture as it is shown: turned the way its EXIF note says."""
    with Image.open(io.BytesIO(raw)) as image:
        return pdq_from_array(np.asarray(ImageOps.exif_transpose(image).convert("RGB")))


def plain_picture() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (200, 150), (40, 90, 160)).save(out, "PNG")
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that says it has this size (0 x 0, or enormous) and holds no picture."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


class Recorder:
    """Every request the browser context makes (page and workers), with its body."""

    def __init__(self, context: BrowserContext) -> None:
        self.requests: list[tuple[str, bytes]] = []
        context.route("**/*", self._route)

    def _route(self, route: Route, request: Request) -> None:
        self.requests.append((request.url, request.post_data_buffer or b""))
        route.continue_()

    def assert_nothing_of(self, raw: bytes) -> None:
        middle = len(raw) // 2 - (len(raw) // 2) % 3
        slices = [raw, raw[:1024], raw[middle : middle + 1536]]
        encodings = [s for piece in slices[1:] for s in (base64.b64encode(piece), piece.hex().encode())]
        for url, body in self.requests:
            for needle in [*slices, *encodings]:
                assert needle not in body, f"image bytes in the request to {url}"


@pytest.fixture
def hotline(db: None) -> Agency:
    agency = Agency.objects.create(country="VN", name="National Hotline (test)", kind=AgencyKind.HOTLINE)
    SelfSubmittedPolicy.objects.create(agency=agency, share_at_once=True)
    return agency


def _write(tmp_path: Path, files: dict[str, bytes]) -> list[str]:
    paths = []
    for name, data in files.items():
        path = tmp_path / name
        path.write_bytes(data)
        paths.append(str(path))
    return paths


def test_only_hashes_leave_the_browser_and_they_equal_the_references_in_the_bank(
    live_server, browser, tmp_path, hotline
):
    pictures = {
        "gradient-shapes.png": synthetic_picture(1, (320, 240)),
        "bigger-noise.png": synthetic_picture(7, (1000, 800)),
        "tall-text.png": synthetic_picture(3, (300, 700)),
        "photo-like.jpg": synthetic_picture(4, (800, 600), "JPEG"),
        "turned-photo.jpg": turned_photo(),
    }
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
    recorder = Recorder(context)
    page = context.new_page()
    page.goto(f"{live_server.url}/en/block-image/")
    assert page.locator("[data-block-image]").is_visible()
    assert page.locator("[data-needs-js]").is_hidden()

    page.set_input_files("[data-file-input]", _write(tmp_path, pictures))
    page.wait_for_selector(READY, timeout=60_000)
    assert page.locator("[data-file-list] li.is-ready").count() == len(pictures)
    assert page.input_value("[data-file-input]") == ""
    page.check("input[name=harms][value=threatened]")
    page.click("[data-send]")
    page.wait_for_selector("[data-reference]")
    code = page.text_content("[data-reference]").strip()
    assert page.text_content("[data-passphrase]").strip()
    context.close()

    for raw in pictures.values():
        recorder.assert_nothing_of(raw)
    posts = [url for url, body in recorder.requests if body]
    assert posts == [f"{live_server.url}/en/block-image/"]

    report = Report.objects.get()
    assert report.display_reference == code
    assert report.channel == Channel.BLOCK_IMAGE and report.harms == ["threatened"]
    stored = list(BlockedImage.objects.filter(report=report).order_by("file_number", "algorithm"))
    assert {image.state for image in stored} == {BlockedImageState.ACCEPTED}
    bank_values = set(
        HashEntry.objects.filter(
            bank__owner=hotline, bank__source=BankSource.SELF_SUBMITTED, removed_at__isnull=True
        ).values_list("algorithm", "value")
    )
    for number, (name, raw) in enumerate(pictures.items(), start=1):
        hashes = {image.algorithm: image for image in stored if image.file_number == number}
        assert hashes["md5"].value == hashlib.md5(raw).hexdigest(), name
        assert hashes["sha256"].value == hashlib.sha256(raw).hexdigest(), name
        expected = shown_pdq(raw)
        assert expected.quality >= 50, f"{name} is too plain for this test: pick another"
        if name.endswith(".png"):
            assert hashes["pdq"].value == expected.value, name
            assert hashes["pdq"].quality == expected.quality, name
        else:
            # Chromium's JPEG decoder may round a few pixels differently from Pillow's.
            assert pdq_distance(hashes["pdq"].value, expected.value) <= 10, name
        assert {(a, h.value) for a, h in hashes.items()} <= bank_values, name

    pdq_values = [image.value for image in stored if image.algorithm == "pdq"]
    bank_id = HashEntry.objects.filter(bank__owner=hotline).values_list("bank_id", flat=True).first()
    results = hashing_services.hashes_match(
        queries=[hashing_services.HashQuery("pdq", value, 100) for value in pdq_values],
        bank_ids=[bank_id],
        channel=MatchChannel.SERVICE,
        agency=hotline,
    )
    assert [result.status for result in results] == ["matched"] * len(pictures)


def test_bad_files_get_a_kind_message_each_and_nothing_is_sent_for_them(
    live_server, page: Page, tmp_path, hotline
):
    good = synthetic_picture(5, (320, 240))
    page.goto(f"{live_server.url}/en/block-image/")
    page.set_input_files(
        "[data-file-input]",
        [
            {"name": "good.png", "mimeType": "image/png", "buffer": good},
            {"name": "plain.png", "mimeType": "image/png", "buffer": plain_picture()},
            {"name": "notes.txt", "mimeType": "text/plain", "buffer": b"just some words"},
            {"name": "broken.png", "mimeType": "image/png", "buffer": good[:200] + b"\0" * 500},
            {"name": "nothing.png", "mimeType": "image/png", "buffer": png_header_only(0, 0)},
            {"name": "enormous.png", "mimeType": "image/png", "buffer": png_header_only(50_000, 50_000)},
            {"name": "photo.heic", "mimeType": "image/heic", "buffer": b"\0\0\0\x18ftypheic" + b"\1" * 400},
        ],
    )
    page.wait_for_selector(READY, timeout=60_000)
    items = page.locator("[data-file-list] li")

    def state(number: int) -> str:
        return items.nth(number).locator(".file-state").text_content()

    assert "Ready" in state(0)
    assert "very plain" in state(1)
    assert "not a picture or a video" in state(2)
    assert "could not open this picture" in state(3)
    assert "empty" in state(4)
    assert "too big" in state(5)
    assert "HEIC" in state(6)
    assert page.locator("[data-file-list] li.is-ready").count() == 2
    assert page.locator("[data-file-list] li.is-refused").count() == 5

    page.click("[data-send]")
    page.wait_for_selector("[data-reference]")
    stored = set(BlockedImage.objects.values_list("file_number", "algorithm", "value"))
    plain = plain_picture()
    assert stored == {
        (1, "pdq", pdq_from_bytes(good).value),
        (1, "md5", hashlib.md5(good).hexdigest()),
        (1, "sha256", hashlib.sha256(good).hexdigest()),
        # too plain for a perceptual hash: the exact ones still block this very file
        (2, "md5", hashlib.md5(plain).hexdigest()),
        (2, "sha256", hashlib.sha256(plain).hexdigest()),
    }


def test_the_page_is_accessible_light_and_offers_other_help_without_javascript(
    live_server, browser, page: Page, axe, tmp_path, hotline
):
    reference_data_load()  # the helpline numbers shown when the page cannot work
    loaded: list[int] = []
    page.on("requestfinished", lambda r: loaded.append(r.sizes()["responseBodySize"]))
    page.goto(f"{live_server.url}/en/block-image/", wait_until="networkidle")
    assert page.locator("[data-quick-exit]").is_visible()
    assert_accessible(axe, page)
    page.set_input_files(
        "[data-file-input]",
        [
            {"name": "good.png", "mimeType": "image/png", "buffer": synthetic_picture(6, (320, 240))},
            {"name": "notes.txt", "mimeType": "text/plain", "buffer": b"words"},
        ],
    )
    page.wait_for_selector(READY, timeout=60_000)
    assert_accessible(axe, page)
    assert sum(loaded) <= PAGE_BUDGET_BYTES

    page.click("[data-send]")
    page.wait_for_selector("[data-reference]")
    assert_accessible(axe, page)

    context = browser.new_context(java_script_enabled=False, locale="en-US")
    still = context.new_page()
    still.goto(f"{live_server.url}/en/block-image/")
    assert still.locator("[data-needs-js]").is_visible()
    assert still.get_by_role("heading", name="This page needs JavaScript").is_visible()
    assert still.locator("[data-block-image]").is_hidden()
    assert still.locator("[data-needs-js] a[href='/en/report/']").is_visible()
    assert still.locator("[data-needs-js] a[href^='tel:']").count() >= 1
    context.close()


@pytest.mark.parametrize("language", ["vi", "km"])
def test_the_page_is_accessible_in_the_other_languages(live_server, page: Page, axe, language):
    page.goto(f"{live_server.url}/{language}/block-image/")
    assert_accessible(axe, page)
    page.set_input_files(
        "[data-file-input]",
        [
            {"name": "good.png", "mimeType": "image/png", "buffer": synthetic_picture(9, (320, 240))},
            {"name": "notes.txt", "mimeType": "text/plain", "buffer": b"words"},
        ],
    )
    page.wait_for_selector(READY, timeout=60_000)
    assert_accessible(axe, page)
