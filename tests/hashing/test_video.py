"""Video PDQ: hashing synthetic videos in memory, the reference's frame-list format, and matching."""

import io

import pytest

from childshield.hashing.video import (
    InvalidFrameList,
    VideoFrameHash,
    VideoRejected,
    canonical_frames,
    format_frame_list,
    is_video_match,
    parse_frame_list,
    unique_frames,
    video_hash,
    video_match,
)

from .conftest import synthetic_image, synthetic_video

# Lines as vPDQ's tools write them (the first two from its sample-hashes/chair-19-sd-bar.txt).
REFERENCE_SAMPLE = """0,100,e271017837246aaccddea259648fb7d62f435c89d9e99b2497763e216c8d055c,0.000
1,100,c0f11178372c6aaccddea259648fbfd62f434c89c9e99b249772be216c8d055c,0.033
30,42,0000000000000000000000000000000000000000000000000000000000000000,1.000
60,87,FFFF0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000,2.000
"""


@pytest.fixture(scope="module")
def original():
    return synthetic_video(seed=1)


@pytest.fixture(scope="module")
def original_frames(original):
    return video_hash(original)


def test_a_video_is_hashed_once_a_second_with_frame_number_quality_and_time(original_frames):
    assert [f.frame_number for f in original_frames] == [0, 10, 20, 30, 40, 50]
    assert [f.timestamp for f in original_frames] == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    assert all(len(f.pdq) == 64 and 0 <= f.quality <= 100 for f in original_frames)


def test_seconds_per_hash_sets_how_many_frames_are_hashed(original):
    frames = video_hash(original, seconds_per_hash=0.5)
    assert [f.frame_number for f in frames] == list(range(0, 60, 5))
    assert [f.frame_number for f in video_hash(original, seconds_per_hash=2)] == [0, 20, 40]


def test_a_file_object_is_read_as_well_as_bytes(original, original_frames):
    assert video_hash(io.BytesIO(original)) == original_frames


def test_the_same_video_matches_itself_fully(original_frames):
    assert video_match(original_frames, original_frames) == (100.0, 100.0)


@pytest.mark.parametrize(
    "size,codec,fmt,bit_rate",
    [
        ((320, 240), "libvpx-vp9", "webm", 100_000),
        ((64, 48), "mpeg4", "avi", 40_000),
        ((240, 180), "libx264", "mp4", 30_000),
    ],
)
def test_a_reencoded_video_at_another_size_and_bitrate_matches(original_frames, size, codec, fmt, bit_rate):
    copy = video_hash(synthetic_video(seed=1, size=size, codec=codec, fmt=fmt, bit_rate=bit_rate))
    query_percent, target_percent = video_match(copy, original_frames)
    assert query_percent >= 80 and target_percent >= 80
    assert is_video_match(query_percent, target_percent)


def test_a_different_video_does_not_match(original_frames):
    other = video_hash(synthetic_video(seed=2))
    assert video_match(other, original_frames) == (0.0, 0.0)
    assert not is_video_match(0.0, 0.0)


def test_a_trimmed_clip_is_found_in_the_longer_video_but_not_the_other_way(original_frames):
    clip = video_hash(synthetic_video(seed=1, seconds=3, start_second=2))
    query_percent, target_percent = video_match(clip, original_frames)
    assert query_percent == 100.0
    assert target_percent == 50.0
    # HMA's defaults (query 80%, target 0%): the clip matches the full video
    assert is_video_match(query_percent, target_percent)
    # the full video looked up against the clip: only half of it is found
    assert video_match(original_frames, clip) == (50.0, 100.0)
    assert not is_video_match(50.0, 100.0)
    assert not is_video_match(query_percent, target_percent, target_threshold=80)


def test_frames_under_quality_50_are_left_out_of_matching():
    good = VideoFrameHash(0, 90, "ab" * 32, 0.0)
    poor = VideoFrameHash(1, 10, "cd" * 32, 1.0)
    assert video_match([good, poor], [good]) == (100.0, 100.0)
    assert video_match([poor], [poor]) == (0.0, 0.0)


def test_a_frame_matches_at_31_bits_and_not_at_32():
    base = VideoFrameHash(0, 90, "0" * 64, 0.0)
    near = VideoFrameHash(0, 90, "f" * 7 + "7" + "0" * 56, 0.0)  # 31 bits set
    far = VideoFrameHash(0, 90, "f" * 8 + "0" * 56, 0.0)  # 32 bits set
    assert video_match([base], [near]) == (100.0, 100.0)
    assert video_match([base], [far]) == (0.0, 0.0)


def test_the_reference_line_format_round_trips():
    frames = parse_frame_list(REFERENCE_SAMPLE)
    assert frames[0] == VideoFrameHash(
        0, 100, "e271017837246aaccddea259648fb7d62f435c89d9e99b2497763e216c8d055c", 0.0
    )
    assert frames[1].timestamp == 0.033 and frames[2].quality == 42
    assert frames[3].pdq == "ffff0000" * 8
    assert format_frame_list(frames) == REFERENCE_SAMPLE.replace("FFFF0000", "ffff0000")
    assert parse_frame_list(format_frame_list(frames)) == frames


@pytest.mark.parametrize(
    "text,line",
    [
        ("0,100,abc,0.000", 1),
        ("0,100,e271017837246aaccddea259648fb7d62f435c89d9e99b2497763e216c8d055c", 1),
        (REFERENCE_SAMPLE + "x,100,e271017837246aaccddea259648fb7d62f435c89d9e99b2497763e216c8d055c,5.0", 5),
        ("\n0,101,e271017837246aaccddea259648fb7d62f435c89d9e99b2497763e216c8d055c,0.0", 2),
        ("", 1),
    ],
)
def test_a_bad_frame_list_says_which_line(text, line):
    with pytest.raises(InvalidFrameList) as error:
        parse_frame_list(text)
    assert error.value.line == line


def test_repeated_frames_of_a_still_scene_are_kept_once_and_the_digest_is_stable():
    still = [VideoFrameHash(n, 90, "ab" * 32, float(n)) for n in range(5)]
    moving = [*still, VideoFrameHash(5, 90, "cd" * 32, 5.0), VideoFrameHash(6, 90, "ab" * 32, 6.0)]
    assert [f.frame_number for f in unique_frames(moving)] == [0, 5, 6]
    text, digest = canonical_frames(moving)
    assert text.count("\n") == 3 and len(digest) == 64
    assert canonical_frames(list(moving))[1] == digest
    assert canonical_frames(still)[1] != digest


def test_corrupt_bytes_are_rejected_as_damaged(original):
    damaged = original[:64] + bytes(len(original) - 64)
    with pytest.raises(VideoRejected) as error:
        video_hash(damaged)
    assert error.value.code == "corrupt_video"


def test_a_png_is_not_a_video():
    with pytest.raises(VideoRejected) as error:
        video_hash(synthetic_image(seed=3))
    assert error.value.code == "not_a_video"


def test_random_bytes_are_not_a_video():
    with pytest.raises(VideoRejected) as error:
        video_hash(b"not a video at all" * 100)
    assert error.value.code == "not_a_video"


def test_a_video_longer_than_the_limit_is_refused(original):
    with pytest.raises(VideoRejected) as error:
        video_hash(original, max_seconds=3)
    assert error.value.code == "too_long"


def test_a_video_larger_than_the_byte_limit_is_refused_before_decoding(original):
    with pytest.raises(VideoRejected) as error:
        video_hash(io.BytesIO(original), max_bytes=1000)
    assert error.value.code == "too_large"


def test_a_video_with_frames_over_the_pixel_limit_is_refused(original):
    with pytest.raises(VideoRejected) as error:
        video_hash(original, max_pixels=100 * 100)
    assert error.value.code == "too_many_pixels"


def test_a_video_whose_length_is_not_in_its_header_is_stopped_while_decoding():
    # MPEG-TS carries no duration up front; the limit holds by counting decoded frames
    stream = synthetic_video(seed=4, fmt="mpegts", codec="mpeg4", seconds=5)
    with pytest.raises(VideoRejected) as error:
        video_hash(stream, max_seconds=2)
    assert error.value.code == "too_long"
    assert len(video_hash(stream)) == 5
