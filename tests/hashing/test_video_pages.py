"""Staff pages for videos: adding a video to a bank and looking a video up, never keeping the video."""

import io

import pytest
from django.test import Client

from childshield.hashing.models import HashEntry, MatchRecord
from childshield.hashing.video import format_frame_list, video_hash

from .conftest import synthetic_image, synthetic_video


@pytest.fixture(scope="module")
def original():
    return synthetic_video(seed=1)


def video_file(data, name="clip.mp4"):
    file = io.BytesIO(data)
    file.name = name
    return file


def test_an_analyst_adds_a_video_to_a_bank_and_sees_its_frame_count(sign_in, analyst, bank, original):
    client = sign_in(analyst)
    response = client.post(
        f"/en/hashing/banks/{bank.pk}/videos/",
        {"video-video": video_file(original), "video-source_reference": "item 12"},
    )
    assert response["Location"] == f"/en/hashing/banks/{bank.pk}/"
    entry = HashEntry.objects.get(bank=bank)
    assert (entry.algorithm, entry.source_reference, entry.video.frame_count) == ("vpdq", "item 12", 6)
    page = client.get(response["Location"]).content.decode()
    assert "The video was added: 6 frame hashes." in page
    assert entry.value in page and "6 frames" in page


def test_a_picture_sent_as_a_video_is_explained_and_nothing_is_added(sign_in, analyst, bank):
    client = sign_in(analyst)
    client.post(
        f"/en/hashing/banks/{bank.pk}/videos/", {"video-video": video_file(synthetic_image(3), "a.png")}
    )
    page = client.get(f"/en/hashing/banks/{bank.pk}/").content.decode()
    assert "not a video in a format we read" in page
    assert not HashEntry.objects.exists()


def test_adding_a_video_needs_the_csrf_token(analyst, bank, original, sign_in):
    client = sign_in(analyst)
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies
    response = strict.post(f"/en/hashing/banks/{bank.pk}/videos/", {"video-video": video_file(original)})
    assert response.status_code == 403
    assert not HashEntry.objects.exists()


def test_an_analyst_looks_a_reencoded_video_up_and_the_history_keeps_only_its_digest(
    sign_in, analyst, bank, original
):
    client = sign_in(analyst)
    client.post(f"/en/hashing/banks/{bank.pk}/videos/", {"video-video": video_file(original)})
    entry = HashEntry.objects.get()
    copy = synthetic_video(seed=1, size=(320, 240), codec="libvpx-vp9", fmt="webm", bit_rate=100_000)
    response = client.post(
        "/en/hashing/check/", {"kind": "video", "video-video": video_file(copy, "copy.webm")}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "1 match" in page
    assert f"video #{entry.pk}: 100% of this video's frames found in it, 100% of its frames" in page
    record = MatchRecord.objects.get()
    assert (record.algorithm, record.channel, record.matched) == ("vpdq", "staff", True)
    history = client.get("/en/hashing/matches/").content.decode()
    assert record.value in history
    assert f"#{entry.pk} (100% of the video found, 100% of the banked video)" in history


def test_a_vpdq_list_pasted_on_the_page_is_looked_up(sign_in, analyst, original):
    response = sign_in(analyst).post(
        "/en/hashing/check/", {"kind": "video", "video-vpdq": format_frame_list(video_hash(original))}
    )
    assert "No match" in response.content.decode()


def test_a_bad_vpdq_line_is_explained_by_number(sign_in, analyst):
    response = sign_in(analyst).post("/en/hashing/check/", {"kind": "video", "video-vpdq": "0,100,zz,0.0"})
    assert "Line 1: A PDQ hash has 64 hex digits" in response.content.decode()
    assert not MatchRecord.objects.exists()


def test_a_video_over_the_size_limit_is_refused_on_the_page(sign_in, analyst, original, settings):
    settings.HASHING_VIDEO_MAX_BYTES = 10_000
    response = sign_in(analyst).post(
        "/en/hashing/check/", {"kind": "video", "video-video": video_file(original)}
    )
    assert "The video is larger than the limit." in response.content.decode()
    assert not MatchRecord.objects.exists()


def test_the_hash_lookup_still_works_beside_the_video_form(sign_in, analyst):
    response = sign_in(analyst).post(
        "/en/hashing/check/",
        {"kind": "hash", "algorithm": "md5", "value": "d41d8cd98f00b204e9800998ecf8427e"},
    )
    assert "No match" in response.content.decode()
    assert MatchRecord.objects.get().algorithm == "md5"
