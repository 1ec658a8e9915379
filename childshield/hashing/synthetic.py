"""Synthetic pictures: drawn gradients and shapes with a label, never real material, for the demo's
bank and the platforms' sandbox bank (their hashes can be re-created and matched by anyone)."""

import io

import numpy as np
from PIL import Image, ImageDraw


def synthetic_picture(number: int, *, seed: int, label: str) -> bytes:
    """A PNG drawn from `seed + number`: a grey gradient, five coloured boxes and `label`."""
    rng = np.random.default_rng(seed + number)
    gradient = np.linspace(40, 220, 320)[None, :, None] * np.ones((240, 1, 3))
    image = Image.fromarray(gradient.astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(5):
        x, y = (int(v) for v in rng.integers(0, 260, size=2))
        colour = tuple(int(c) for c in rng.integers(0, 256, size=3))
        draw.rectangle([x, y % 200, x + 50, y % 200 + 35], fill=colour)
    draw.text((12, 12), label, fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
