"""Videos in banks: adding a video's vPDQ hash, and the match service finding it by its frames."""

import numpy as np
import pytest

from childshield.core.errors import ApplicationError
from childshield.hashing import matching, services
from childshield.hashing.models import Algorithm, HashEntry, MatchChannel, MatchRecord, VideoHash
from childshield.hashing.video import VideoFrameHash, frame_words, video_hash, video_match

from .conftest import flip_bits, random_pdq, synthetic_video


@pytest.fixture(scope="module")
def original_frames():
    return video_hash(synthetic_video(seed=1))


def video_frames(rng, count, quality=90):
    return [VideoFrameHash(n * 30, quality, random_pdq(rng), float(n)) for n in range(count)]


def match_video(frames, banks, channel=MatchChannel.SERVICE):
    [result] = services.hashes_match(
        queries=[services.HashQuery.of_video(frames)],
        bank_ids=[b.pk for b in banks],
        channel=channel,
        agency=None,
    )
    return result


def test_a_video_added_to_a_bank_keeps_its_unique_frames_and_a_digest(analyst, bank, original_frames):
    still = [*original_frames, VideoFrameHash(60, 90, original_frames[-1].pdq, 6.0)]
    entry = services.video_entry_add(actor=analyst, bank=bank, frames=still, source_reference="item 7")
    assert (entry.algorithm, len(entry.value), entry.quality) == ("vpdq", 64, None)
    assert entry.video.frame_count == len(original_frames)
    assert entry.video.duration == 5.0
    with pytest.raises(ApplicationError) as error:
        services.video_entry_add(actor=analyst, bank=bank, frames=original_frames)
    assert error.value.code == "duplicate"


def test_a_vpdq_value_alone_cannot_be_added_or_looked_up(analyst, bank):
    with pytest.raises(ApplicationError):
        services.entry_add(actor=analyst, bank=bank, algorithm=Algorithm.VPDQ, value="a" * 64)
    with pytest.raises(ApplicationError) as error:
        services.hashes_match(
            queries=[services.HashQuery(Algorithm.VPDQ, "a" * 64)],
            bank_ids=[bank.pk],
            channel="api",
            agency=None,
        )
    assert error.value.code == "invalid_hash"


def test_a_reencoded_copy_of_a_banked_video_matches_and_is_recorded_without_content(
    analyst, bank, original_frames
):
    entry = services.video_entry_add(actor=analyst, bank=bank, frames=original_frames)
    copy = video_hash(
        synthetic_video(seed=1, size=(320, 240), codec="libvpx-vp9", fmt="webm", bit_rate=100_000)
    )
    result = match_video(copy, [bank], MatchChannel.API)
    assert result.status == "matched"
    [hit] = result.matches
    assert (hit.entry_id, hit.bank_id, hit.query_percent, hit.target_percent) == (
        entry.pk,
        bank.pk,
        100.0,
        100.0,
    )
    record = MatchRecord.objects.get()
    assert (record.algorithm, record.value, record.matched) == ("vpdq", result.value, True)
    assert record.result == [
        {
            "entry": entry.pk,
            "bank": bank.pk,
            "distance": hit.distance,
            "query_percent": 100.0,
            "target_percent": 100.0,
        }
    ]


def test_a_clip_matches_its_source_but_the_source_does_not_match_a_banked_clip(
    analyst, bank, lead, original_frames
):
    clip = video_hash(synthetic_video(seed=1, seconds=3, start_second=2))
    source = services.video_entry_add(actor=analyst, bank=bank, frames=original_frames)
    hit = match_video(clip, [bank]).matches[0]
    assert (hit.entry_id, hit.query_percent, hit.target_percent) == (source.pk, 100.0, 50.0)
    clips = services.bank_create(actor=lead, name="Clips", source="hotline_confirmed", sharing="not_shared")
    services.video_entry_add(actor=analyst, bank=clips, frames=clip)
    assert match_video(original_frames, [clips]).status == "no_match"


def test_an_unrelated_video_does_not_match(analyst, bank, original_frames):
    services.video_entry_add(actor=analyst, bank=bank, frames=original_frames)
    result = match_video(video_hash(synthetic_video(seed=2)), [bank])
    assert (result.status, result.matches) == ("no_match", [])


def test_a_video_without_good_frames_is_not_looked_up(analyst, bank):
    rng = np.random.default_rng(3)
    services.video_entry_add(actor=analyst, bank=bank, frames=video_frames(rng, 3, quality=90))
    assert match_video(video_frames(rng, 2, quality=20), [bank]).status == "low_quality"


def test_removed_videos_and_banks_not_asked_for_do_not_match(analyst, lead, bank, original_frames):
    entry = services.video_entry_add(actor=analyst, bank=bank, frames=original_frames)
    other = services.bank_create(actor=lead, name="Other", source="hotline_confirmed", sharing="not_shared")
    assert match_video(original_frames, [other]).status == "no_match"
    assert match_video(original_frames, [bank]).status == "matched"
    services.entry_remove(actor=analyst, entry=entry, reason="mistake")
    assert match_video(original_frames, [bank]).status == "no_match"


def test_the_video_index_finds_what_pairwise_brute_force_finds(analyst, bank):
    """Videos sharing near frames, loaded, added and removed: the index agrees with vPDQ's comparison."""
    rng = np.random.default_rng(5)
    pool = [random_pdq(rng) for _ in range(40)]
    videos = []
    for number in range(25):
        if number == 10:
            matching.video_index()  # loaded now; the later videos are added to it one by one
        picks = rng.choice(len(pool), size=int(rng.integers(1, 8)), replace=False)
        frames = [
            VideoFrameHash(
                n, int(rng.choice([30, 60, 90])), flip_bits(pool[p], int(rng.integers(0, 40)), rng), n
            )
            for n, p in enumerate(picks)
        ]
        videos.append((services.video_entry_add(actor=analyst, bank=bank, frames=frames), frames))
    gone, _frames = videos.pop(3)
    services.entry_remove(actor=analyst, entry=gone, reason="test")
    for _ in range(10):
        query = [
            VideoFrameHash(n, 90, flip_bits(pool[p], int(rng.integers(0, 20)), rng), n)
            for n, p in enumerate(rng.choice(len(pool), size=6, replace=False))
        ]
        index_hits = {
            hit.entry_id: (hit.query_percent, hit.target_percent)
            for hit in matching.video_index().search(frame_words(query))
        }
        brute = {entry.pk: video_match(query, frames) for entry, frames in videos}
        assert index_hits == {pk: shares for pk, shares in brute.items() if shares != (0.0, 0.0)}


def test_a_video_entry_is_stored_once_per_bank(analyst, bank, original_frames):
    services.video_entry_add(actor=analyst, bank=bank, frames=original_frames)
    assert HashEntry.objects.filter(algorithm="vpdq").count() == VideoHash.objects.count() == 1
