"""While every hashing slot of the host is taken, an image waits for one, and is refused as busy
when none frees in time: the match API answers 503 with Retry-After."""

import fcntl
import io
import os

import pytest

from childshield.hashing import slots
from childshield.hashing.imaging import ImageRejected, pdq_from_bytes

from .conftest import assert_matches_schema, synthetic_image


@pytest.fixture
def slot_dir(settings, tmp_path):
    settings.HASHING_CONCURRENCY = 2
    settings.HASHING_SLOT_DIR = str(tmp_path)
    settings.HASHING_WAIT_SECONDS = 0
    return tmp_path


def hold(directory, number):
    """What another process hashing an image does: lock slot `number`."""
    descriptor = os.open(slots.slot_path(directory, number), os.O_RDWR | os.O_CREAT)
    fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return descriptor


def test_an_image_is_refused_as_busy_while_every_slot_is_held(slot_dir):
    held = [hold(slot_dir, 0), hold(slot_dir, 1)]
    with pytest.raises(ImageRejected) as refused:
        pdq_from_bytes(synthetic_image(seed=1))
    assert refused.value.code == "busy"
    assert "try again" in str(refused.value.message)
    for descriptor in held:
        os.close(descriptor)
    assert len(pdq_from_bytes(synthetic_image(seed=1)).value) == 64


def test_an_image_takes_the_slot_left_free(slot_dir):
    held = hold(slot_dir, 0)
    try:
        assert len(pdq_from_bytes(synthetic_image(seed=2)).value) == 64
    finally:
        os.close(held)


def test_an_image_waits_for_a_slot_to_free(slot_dir, settings, monkeypatch):
    settings.HASHING_WAIT_SECONDS = 30
    held = [hold(slot_dir, 0), hold(slot_dir, 1)]
    waits = []

    def another_hash_ends(seconds):
        waits.append(seconds)
        os.close(held.pop())

    monkeypatch.setattr(slots.time, "sleep", another_hash_ends)
    assert len(pdq_from_bytes(synthetic_image(seed=3)).value) == 64
    assert len(waits) == 1
    for descriptor in held:
        os.close(descriptor)


def test_a_concurrency_of_zero_turns_the_limit_off(slot_dir, settings):
    settings.HASHING_CONCURRENCY = 0
    held = [hold(slot_dir, 0), hold(slot_dir, 1)]
    try:
        assert len(pdq_from_bytes(synthetic_image(seed=4)).value) == 64
    finally:
        for descriptor in held:
            os.close(descriptor)


def test_the_match_api_answers_503_with_retry_after_while_every_slot_is_held(slot_dir, platform, openapi):
    held = [hold(slot_dir, 0), hold(slot_dir, 1)]
    try:
        file = io.BytesIO(synthetic_image(seed=5))
        file.name = "upload.png"
        response = platform.post("/api/v1/match/image/", {"image": file})
    finally:
        for descriptor in held:
            os.close(descriptor)
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert response.json()["code"] == "busy"
    assert_matches_schema(openapi, response, "/api/v1/match/image/")
