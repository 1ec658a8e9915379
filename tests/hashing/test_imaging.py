"""An encoded picture is hashed as people see it, upright, whatever its EXIF orientation says."""

import io

import numpy as np
from PIL import Image

from childshield.hashing.imaging import pdq_from_array, pdq_from_bytes
from childshield.hashing.index import pdq_distance


def _picture() -> Image.Image:
    rng = np.random.default_rng(7)
    y, x = np.mgrid[0:240, 0:320]
    pixels = np.stack([x % 256, y, (x * y) % 256], axis=-1).astype(np.float64)
    pixels += rng.normal(0, 12, pixels.shape)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def test_a_photo_stored_sideways_with_an_orientation_note_hashes_like_the_upright_photo():
    upright = _picture()
    # Cameras store the sensor's pixels and note that viewers must turn them: 6 = turn 90° clockwise.
    stored = upright.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    stored.save(buffer, format="PNG", exif=exif)

    from_file = pdq_from_bytes(buffer.getvalue())
    expected = pdq_from_array(np.asarray(upright))
    sideways = pdq_from_array(np.asarray(stored))

    assert from_file.value == expected.value
    assert pdq_distance(from_file.value, sideways.value) > 31
