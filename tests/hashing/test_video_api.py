"""The video match API: uploads hashed in memory, vPDQ frame lists, limits and bad files as 4xx."""

import io

import pytest

from childshield.hashing import services
from childshield.hashing.models import MatchRecord
from childshield.hashing.video import format_frame_list, video_hash

from .conftest import assert_matches_schema, synthetic_image, synthetic_video

VIDEO_PATH = "/api/v1/match/video/"
VPDQ_PATH = "/api/v1/match/vpdq/"


@pytest.fixture(scope="module")
def original():
    return synthetic_video(seed=1)


@pytest.fixture
def banked(analyst, bank, original):
    return services.video_entry_add(actor=analyst, bank=bank, frames=video_hash(original))


def upload(client, data, name="clip.mp4", **fields):
    file = io.BytesIO(data)
    file.name = name
    return client.post(VIDEO_PATH, {"video": file, **fields})


def test_the_schema_documents_the_video_upload_and_its_errors(openapi):
    operation = openapi["paths"][VIDEO_PATH]["post"]
    body = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
    fields = openapi["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]["properties"]
    assert fields["video"]["format"] == "binary"
    assert "seconds_per_hash" in fields
    assert {"200", "400", "401", "403", "413", "422"} <= set(operation["responses"])
    assert "never stored" in operation["summary"]
    assert VPDQ_PATH in openapi["paths"]


def test_a_platform_uploads_a_reencoded_copy_and_it_matches(platform, openapi, banked, bank):
    copy = synthetic_video(seed=1, size=(320, 240), codec="libvpx-vp9", fmt="webm", bit_rate=100_000)
    response = upload(platform, copy, "copy.webm")
    assert response.status_code == 200, response.content
    assert_matches_schema(openapi, response, VIDEO_PATH)
    body = response.json()
    assert len(body["frames"]) == 6 and body["frames"][1]["timestamp"] == 1.0
    assert body["result"]["status"] == "matched"
    [hit] = body["result"]["matches"]
    assert (hit["entry"], hit["bank"], hit["query_percent"], hit["target_percent"]) == (
        banked.pk,
        bank.pk,
        100,
        100,
    )
    record = MatchRecord.objects.get()
    assert (record.algorithm, record.value, record.channel) == ("vpdq", body["vpdq"], "api")


def test_a_different_video_uploaded_does_not_match(platform, openapi, banked):
    response = upload(platform, synthetic_video(seed=2))
    assert response.status_code == 200
    assert_matches_schema(openapi, response, VIDEO_PATH)
    assert response.json()["result"]["status"] == "no_match"


def test_seconds_per_hash_is_taken_from_the_request(platform, original):
    response = upload(platform, original, seconds_per_hash="2")
    assert [f["frame_number"] for f in response.json()["frames"]] == [0, 20, 40]
    assert upload(platform, original, seconds_per_hash="0").status_code == 400


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda original: original[:64] + bytes(len(original) - 64), "corrupt_video"),
        (lambda original: synthetic_image(seed=3), "not_a_video"),
        (lambda original: b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 100, "corrupt_video"),
    ],
    ids=["corrupt", "png", "empty-mp4"],
)
def test_a_file_that_is_not_a_readable_video_is_a_422(platform, openapi, original, make, code):
    response = upload(platform, make(original))
    assert response.status_code == 422, response.content
    assert response.json()["code"] == code
    assert response["Content-Type"] == "application/problem+json"
    assert_matches_schema(openapi, response, VIDEO_PATH)


def test_a_video_longer_than_the_limit_is_a_413(platform, openapi, original, settings):
    settings.HASHING_VIDEO_MAX_SECONDS = 3
    response = upload(platform, original)
    assert response.status_code == 413
    assert response.json()["code"] == "too_long"
    assert_matches_schema(openapi, response, VIDEO_PATH)


def test_a_video_over_the_size_limit_is_a_413_before_it_is_read(platform, openapi, original, settings):
    settings.HASHING_VIDEO_MAX_BYTES = 10_000
    response = upload(platform, original)
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert_matches_schema(openapi, response, VIDEO_PATH)


def test_a_video_with_too_many_pixels_a_frame_is_a_413(platform, original, settings):
    settings.HASHING_VIDEO_MAX_FRAME_PIXELS = 100 * 100
    response = upload(platform, original)
    assert (response.status_code, response.json()["code"]) == (413, "too_many_pixels")


def test_vpdq_frame_lists_are_matched_as_text_or_as_objects(platform, openapi, banked, original):
    frames = video_hash(original)
    as_objects = [
        {"frame_number": f.frame_number, "quality": f.quality, "pdq": f.pdq.upper(), "timestamp": f.timestamp}
        for f in frames
    ]
    response = platform.post(
        VPDQ_PATH,
        {"videos": [{"vpdq": format_frame_list(frames)}, {"frames": as_objects[2:4]}]},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert_matches_schema(openapi, response, VPDQ_PATH)
    first, clip = response.json()["results"]
    assert first["status"] == clip["status"] == "matched"
    assert (clip["matches"][0]["query_percent"], clip["matches"][0]["target_percent"]) == (
        100,
        pytest.approx(33.33),
    )


@pytest.mark.parametrize(
    ("video", "pointer"),
    [
        ({"vpdq": "0,100,abc,0.0"}, "/videos/0/vpdq"),
        ({}, "/videos/0"),
        (
            {"frames": [{"frame_number": 0, "quality": 101, "pdq": "0" * 64, "timestamp": 0}]},
            "/videos/0/frames/0/quality",
        ),
        (
            # A timestamp far past any video (once a server error).
            {"frames": [{"frame_number": 0, "quality": 90, "pdq": "0" * 64, "timestamp": 1.5e308}]},
            "/videos/0/frames/0/timestamp",
        ),
    ],
)
def test_a_bad_frame_list_is_a_400_pointing_at_it(platform, openapi, video, pointer):
    response = platform.post(VPDQ_PATH, {"videos": [video]}, content_type="application/json")
    assert response.status_code == 400
    assert [error["pointer"] for error in response.json()["errors"]] == [pointer]
    assert_matches_schema(openapi, response, VPDQ_PATH)


def test_without_a_key_the_video_api_is_a_401(client, original):
    assert upload(client, original).status_code == 401
