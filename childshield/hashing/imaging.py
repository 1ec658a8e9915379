"""PDQ hashes of images held in memory: limits on size and pixels, and nothing written anywhere."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import numpy as np
import pdqhash
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

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


def pdq_from_array(pixels: np.ndarray) -> PdqHash:
    """The PDQ hash of RGB pixels as they are (no shrinking first), as 64 hex digits."""
    bits, quality = pdqhash.compute(np.ascontiguousarray(pixels, dtype=np.uint8))
    value = np.packbits(np.asarray(bits, dtype=np.uint8)).tobytes().hex()
    return PdqHash(value, int(quality))


def pdq_from_bytes(
    data: bytes, *, max_bytes: int = MAX_IMAGE_BYTES, max_pixels: int = MAX_IMAGE_PIXELS
) -> PdqHash:
    """Hash an encoded image; ImageRejected says precisely why one cannot be hashed."""
    if len(data) > max_bytes:
        raise ImageRejected(
            _("The image is larger than the limit of %(mb)d MB.") % {"mb": max_bytes // 2**20}, "too_large"
        )
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                if width * height > max_pixels:
                    raise ImageRejected(
                        _("The image has %(pixels)s pixels; the limit is %(limit)s.")
                        % {"pixels": f"{width * height:,}", "limit": f"{max_pixels:,}"},
                        "too_many_pixels",
                    )
                image.load()
                # Hash the picture as people see it: browsers (the block-image page hashes there)
                # turn a photo upright from its EXIF orientation before anything else.
                upright = ImageOps.exif_transpose(image)
                rgb = upright.convert("RGB")
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageRejected(_("The image decompresses to too many pixels."), "too_many_pixels") from None
        except UnidentifiedImageError:
            raise ImageRejected(_("The file is not an image in a format we read."), "not_an_image") from None
        except (OSError, SyntaxError, ValueError):
            raise ImageRejected(_("The image is damaged and cannot be read."), "corrupt_image") from None
    return pdq_from_array(np.asarray(rgb))
