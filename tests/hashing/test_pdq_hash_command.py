"""`manage.py pdq_hash` prints what pdqhash computes, one line per file."""

import io

import numpy as np
import pdqhash
import pytest
from django.core.management import CommandError, call_command
from PIL import Image

from .conftest import synthetic_image


def pdqhash_reference(path):
    bits, quality = pdqhash.compute(np.asarray(Image.open(path).convert("RGB")))
    return "".join(str(int(b)) for b in bits), quality


@pytest.mark.parametrize(("size", "fmt"), [((320, 240), "PNG"), ((64, 200), "PNG"), ((1200, 900), "JPEG")])
def test_it_agrees_with_pdqhash_on_generated_images(tmp_path, size, fmt):
    paths = []
    for seed in range(3):
        path = tmp_path / f"image-{seed}.{fmt.lower()}"
        path.write_bytes(synthetic_image(seed=seed, size=size, fmt=fmt))
        paths.append(path)
    out = io.StringIO()
    call_command("pdq_hash", *map(str, paths), stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 3
    for line, path in zip(lines, paths, strict=True):
        value, quality, printed_path = line.split(" ", 2)
        bits, expected_quality = pdqhash_reference(path)
        assert len(value) == 64
        assert format(int(value, 16), "0256b") == bits
        assert int(quality) == expected_quality
        assert printed_path == str(path)


def test_a_file_that_is_not_an_image_is_reported_and_the_others_still_printed(tmp_path):
    good, bad = tmp_path / "good.png", tmp_path / "bad.png"
    good.write_bytes(synthetic_image(seed=1))
    bad.write_bytes(b"not an image")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="1 of 2"):
        call_command("pdq_hash", str(good), str(bad), stdout=out, stderr=err)
    assert out.getvalue().endswith(f" {good}\n")
    assert "not an image" in err.getvalue()
