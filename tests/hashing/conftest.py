"""Standing people for hashing: a hotline's analyst and lead, and an analyst of another hotline."""

import io
from functools import cache

import jsonschema
import numpy as np
import pytest
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from PIL import Image, ImageDraw

from childshield.accounts.models import Agency, AgencyKind, Role
from childshield.hashing import services
from childshield.hashing.models import ApiScope, BankSource, SharingPolicy


@pytest.fixture
def hotline(db):
    return Agency.objects.create(country="VN", name="National Hotline (test)", kind=AgencyKind.HOTLINE)


@pytest.fixture
def other_hotline(db):
    return Agency.objects.create(country="KH", name="Partner Hotline (test)", kind=AgencyKind.HOTLINE)


@pytest.fixture
def analyst(make_member, hotline):
    return make_member(email="analyst@example.org", role=Role.HOTLINE_ANALYST, agency=hotline)


@pytest.fixture
def lead(make_member, hotline):
    return make_member(email="lead@example.org", role=Role.HOTLINE_LEAD, agency=hotline)


@pytest.fixture
def other_analyst(make_member, other_hotline):
    return make_member(email="other@example.org", role=Role.HOTLINE_ANALYST, agency=other_hotline)


@pytest.fixture
def bank(analyst, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.bank_create(
            actor=analyst,
            name="Confirmed images",
            source=BankSource.HOTLINE_CONFIRMED,
            sharing=SharingPolicy.TRUSTED_PLATFORMS,
        )


def random_pdq(rng):
    return rng.bytes(32).hex()


def flip_bits(value, count, rng):
    bits = bytearray(bytes.fromhex(value))
    for bit in rng.choice(256, size=count, replace=False):
        bits[bit // 8] ^= 0x80 >> (bit % 8)
    return bits.hex()


def synthetic_image(seed=0, size=(320, 240), fmt="PNG"):
    """Noise, a gradient, shapes and drawn text: never a real photograph."""
    rng = np.random.default_rng(seed)
    width, height = size
    gradient = np.linspace(0, 255, width, dtype=np.float64)[None, :, None] * np.ones((height, 1, 3))
    noise = rng.integers(0, 60, size=(height, width, 3))
    pixels = np.clip(gradient * 0.7 + noise, 0, 255).astype(np.uint8)
    image = Image.fromarray(pixels, "RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x, y = int(rng.integers(0, width - 40)), int(rng.integers(0, height - 40))
        colour = tuple(int(c) for c in rng.integers(0, 256, size=3))
        draw.ellipse([x, y, x + int(rng.integers(20, 80)), y + int(rng.integers(20, 80))], fill=colour)
    draw.text((10, 10), f"synthetic {seed}", fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


def synthetic_scene(seed, second, offset, size=(320, 240)):
    """A picture for one second of a synthetic video: a gradient, noise and coloured boxes that drift."""
    rng = np.random.default_rng(seed * 1000 + second)
    width, height = size
    gradient = np.linspace(0, 200, width)[None, :, None] * np.ones((height, 1, 3))
    noise = rng.integers(0, 40, size=(height, width, 3))
    image = Image.fromarray(np.clip(gradient + noise, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    for _ in range(5):
        x, y = int(rng.integers(0, width - 60)), int(rng.integers(0, height - 60))
        colour = tuple(int(c) for c in rng.integers(0, 256, size=3))
        dx = int(offset * 10)
        draw.rectangle(
            [x + dx, y, x + dx + int(rng.integers(20, 60)), y + int(rng.integers(20, 60))], fill=colour
        )
    return image


@cache
def synthetic_video(
    seed=0, size=(160, 120), seconds=6, fps=10, codec="libx264", fmt="mp4", bit_rate=None, start_second=0
):
    """A video made up of a new synthetic scene every second, encoded in memory with PyAV.

    Encoding is the slow part of the video tests, and the same few videos serve many modules: each is
    made once per session (the bytes are immutable, so no test can change another's copy)."""
    import av

    width, height = size
    out = io.BytesIO()
    with av.open(out, mode="w", format=fmt) as container:
        stream = container.add_stream(codec, rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        if bit_rate:
            stream.bit_rate = bit_rate
        for number in range(start_second * fps, (start_second + seconds) * fps):
            second, offset = divmod(number, fps)
            picture = synthetic_scene(seed, second, offset / fps).resize((width, height))
            frame = av.VideoFrame.from_ndarray(np.asarray(picture), format="rgb24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return out.getvalue()


# The API: its schema and a platform's key ---------------------------------------------------


@pytest.fixture(scope="module")
def openapi():
    return SchemaGenerator().get_schema(request=None, public=True)


def assert_matches_schema(openapi, response, path, method="post"):
    """The response body is what the OpenAPI schema says for this path, method and status."""
    operation = openapi["paths"][path][method]
    documented = operation["responses"][str(response.status_code)]["content"]
    media_type = response["Content-Type"].split(";")[0]
    assert media_type in documented, (media_type, list(documented))
    schema = {**documented[media_type]["schema"], "components": openapi["components"]}
    jsonschema.validate(response.json(), schema)


@pytest.fixture
def platform_key(lead, make_member):
    platform = Agency.objects.create(country="VN", name="Photo Platform (test)", kind=AgencyKind.PLATFORM)
    admin = make_member(email="sysadmin@example.org", role="system_admin", agency=platform)
    key, secret = services.api_key_issue(
        actor=admin, agency=platform, name="uploads", scopes=[ApiScope.MATCH, ApiScope.BANKS_READ]
    )
    return key, secret


@pytest.fixture
def platform(platform_key):
    return Client(headers={"Authorization": f"Bearer {platform_key[1]}"})
