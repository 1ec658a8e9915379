"""`manage.py vpdq_hash` prints a video's frames in vPDQ's format, readable back as a list to import."""

import io

import pytest
from django.core.management import CommandError, call_command

from childshield.hashing.formats import parse_list
from childshield.hashing.models import ImportFormat
from childshield.hashing.video import parse_frame_list, video_hash

from .conftest import synthetic_image, synthetic_video


def test_one_video_is_printed_as_vpdq_writes_it(tmp_path):
    path = tmp_path / "clip.mp4"
    path.write_bytes(synthetic_video(seed=1))
    out = io.StringIO()
    call_command("vpdq_hash", str(path), stdout=out)
    assert parse_frame_list(out.getvalue()) == video_hash(path.read_bytes())
    assert out.getvalue().splitlines()[1].startswith("10,") and out.getvalue().endswith(",5.000\n")


def test_several_videos_make_a_list_that_imports(tmp_path):
    paths = []
    for seed in (1, 2):
        paths.append(tmp_path / f"clip-{seed}.webm")
        paths[-1].write_bytes(synthetic_video(seed=seed, codec="libvpx-vp9", fmt="webm"))
    out = io.StringIO()
    call_command("vpdq_hash", *map(str, paths), "--seconds-per-hash", "2", stdout=out)
    parsed = parse_list(out.getvalue(), ImportFormat.VPDQ)
    assert (len(parsed.hashes), parsed.errors) == (2, [])
    assert [line.split(",")[0] for line in parsed.hashes[0].frames.splitlines()] == ["0", "20", "40"]


def test_output_dir_writes_one_file_per_video(tmp_path):
    path = tmp_path / "clip.mp4"
    path.write_bytes(synthetic_video(seed=1))
    call_command("vpdq_hash", str(path), "--output-dir", str(tmp_path), stdout=io.StringIO())
    assert len(parse_frame_list((tmp_path / "clip.txt").read_text())) == 6


def test_a_file_that_is_not_a_video_is_reported(tmp_path):
    good, bad = tmp_path / "good.mp4", tmp_path / "bad.mp4"
    good.write_bytes(synthetic_video(seed=1))
    bad.write_bytes(synthetic_image(seed=1))
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="1 of 2"):
        call_command("vpdq_hash", str(good), str(bad), stdout=out, stderr=err)
    assert "not a video" in err.getvalue()
    assert f"# video {good}" in out.getvalue()
