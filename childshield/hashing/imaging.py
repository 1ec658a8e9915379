"""PDQ hashes of images held in memory: limits on size and pixels, and nothing written anywhere.

An encoded image is decoded by Pillow and then read a tile at a time: each tile is converted to
RGB (if it is not RGB already) and to luminance, turned upright from its EXIF orientation by
where it is written, and hashed by `pdq.pdq_from_luma`, which never holds the picture as floats.
So hashing takes little more than the decoded image itself, and gives pdqhash.compute's hash of
`ImageOps.exif_transpose(image).convert("RGB")` bit for bit (tests/hashing/test_pdq_luma.py).
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import pdqhash
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from PIL import ExifTags, Image, UnidentifiedImageError

from childshield.hashing.pdq import LUMA_TILE_PIXELS, Floats, luma_from_rgb, pdq_from_luma
from childshield.hashing.slots import NoSlotFree, hashing_slot

T = TypeVar("T")

MAX_IMAGE_BYTES = 20 * 1024 * 1024
MAX_IMAGE_PIXELS = 50_000_000  # e.g. 8,660 by 5,773; a 50,000 by 50,000 image is refused before decoding


class ImageRejected(Exception):
    def __init__(self, message: str | Promise, code: str) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code


@dataclass(frozen=True)
class PdqHash:
    value: str
    quality: int


@dataclass(frozen=True)
class _Turn:
    """Where the upright picture's pixel (row r, column c) is in the stored one: at (c, r) when
    `swap`, else (r, c); the stored row counted from the bottom when `flip_rows`, the column from
    the right when `flip_columns`."""

    swap: bool
    flip_rows: bool
    flip_columns: bool


# EXIF orientation -> the transposition ImageOps.exif_transpose applies (2: FLIP_LEFT_RIGHT,
# 3: ROTATE_180, 4: FLIP_TOP_BOTTOM, 5: TRANSPOSE, 6: ROTATE_270, 7: TRANSVERSE, 8: ROTATE_90).
_TURNS = {
    2: _Turn(swap=False, flip_rows=False, flip_columns=True),
    3: _Turn(swap=False, flip_rows=True, flip_columns=True),
    4: _Turn(swap=False, flip_rows=True, flip_columns=False),
    5: _Turn(swap=True, flip_rows=False, flip_columns=False),
    6: _Turn(swap=True, flip_rows=True, flip_columns=False),
    7: _Turn(swap=True, flip_rows=True, flip_columns=True),
    8: _Turn(swap=True, flip_rows=False, flip_columns=True),
}
_UPRIGHT = _Turn(swap=False, flip_rows=False, flip_columns=False)


def pdq_from_array(pixels: np.ndarray) -> PdqHash:
    """The PDQ hash of RGB pixels as they are (no shrinking first), as 64 hex digits.

    For pixels already in memory (video frames of at most HASHING_VIDEO_MAX_FRAME_PIXELS), with
    pdqhash itself, which is the faster on small pictures; it needs about 17 bytes a pixel.
    """
    bits, quality = pdqhash.compute(np.ascontiguousarray(pixels, dtype=np.uint8))
    value = np.packbits(np.asarray(bits, dtype=np.uint8)).tobytes().hex()
    return PdqHash(value, int(quality))


def pdq_from_bytes(
    data: bytes, *, max_bytes: int = MAX_IMAGE_BYTES, max_pixels: int = MAX_IMAGE_PIXELS
) -> PdqHash:
    """Hash an encoded image; ImageRejected says precisely why one cannot be hashed.

    The decoding and hashing wait for one of the host's hashing slots (`slots.hashing_slot`);
    when none frees in time the image is refused as "busy", to be sent again later.
    """
    if len(data) > max_bytes:
        raise ImageRejected(
            _("The image is larger than the limit of %(mb)d MB.") % {"mb": max_bytes // 2**20}, "too_large"
        )
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with _readable(lambda: Image.open(io.BytesIO(data))) as image:
            width, height = image.size
            if width * height > max_pixels:
                raise ImageRejected(
                    _("The image has %(pixels)s pixels; the limit is %(limit)s.")
                    % {"pixels": f"{width * height:,}", "limit": f"{max_pixels:,}"},
                    "too_many_pixels",
                )
            try:
                with hashing_slot():
                    return _readable(lambda: pdq_from_image(image))
            except NoSlotFree:
                raise ImageRejected(
                    _("Many images are being checked right now. Please try again in a minute."), "busy"
                ) from None


def _readable(read: Callable[[], T]) -> T:
    """What `read` returns; Pillow's errors as the ImageRejected they mean."""
    try:
        return read()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRejected(_("The image decompresses to too many pixels."), "too_many_pixels") from None
    except UnidentifiedImageError:
        raise ImageRejected(_("The file is not an image in a format we read."), "not_an_image") from None
    except (OSError, SyntaxError, ValueError):
        raise ImageRejected(_("The image is damaged and cannot be read."), "corrupt_image") from None


def pdq_from_image(image: Image.Image) -> PdqHash:
    """The PDQ hash of an opened image, decoded here, as people see it: browsers (the block-image
    page hashes there) turn a photo upright from its EXIF orientation before anything else.

    No limit is checked and no slot taken: pdq_from_bytes does both first.
    """
    image.load()
    orientation = image.getexif().get(ExifTags.Base.Orientation, 1)
    turn = _TURNS.get(orientation, _UPRIGHT) if isinstance(orientation, int) else _UPRIGHT
    stored_width, stored_height = image.size
    width, height = (stored_height, stored_width) if turn.swap else (stored_width, stored_height)
    rows_per_tile = max(1, LUMA_TILE_PIXELS // width)
    columns_per_tile = width if rows_per_tile > 1 else min(width, LUMA_TILE_PIXELS)

    def fill(out: Floats, top: int) -> None:
        for row in range(0, len(out), rows_per_tile):
            rows = range(top + row, top + min(row + rows_per_tile, len(out)))
            for column in range(0, width, columns_per_tile):
                columns = range(column, min(column + columns_per_tile, width))
                tile = out[row : row + len(rows), columns.start : columns.stop]
                _fill_tile(image, turn, rows, columns, tile)

    value, quality = pdq_from_luma(height=height, width=width, fill=fill)
    return PdqHash(value.hex(), quality)


def _fill_tile(image: Image.Image, turn: _Turn, rows: range, columns: range, out: Floats) -> None:
    """The luminance of the upright picture's tile (rows by columns) into `out`."""
    ys, xs = (columns, rows) if turn.swap else (rows, columns)
    stored_width, stored_height = image.size
    if turn.flip_rows:
        ys = range(stored_height - ys.stop, stored_height - ys.start)
    if turn.flip_columns:
        xs = range(stored_width - xs.stop, stored_width - xs.start)
    region = image.crop((xs.start, ys.start, xs.stop, ys.stop))
    if region.mode != "RGB":
        # Per pixel, as convert("RGB") of the whole image would (no dithering into RGB).
        region = region.convert("RGB")
    target = out.T if turn.swap else out
    luma_from_rgb(
        np.asarray(region), target[:: -1 if turn.flip_rows else 1, :: -1 if turn.flip_columns else 1]
    )
