"""Importing and exporting hash lists: every format read back, bad lines by number, all or nothing."""

import json

import numpy as np
import pytest

from childshield.hashing import services
from childshield.hashing.models import HashEntry, HashImport, ImportFormat, ImportStatus
from childshield.hashing.video import VideoFrameHash, format_frame_list

from .conftest import random_pdq

RNG = np.random.default_rng(11)
PDQ_A, PDQ_B = random_pdq(RNG), random_pdq(RNG)
MD5 = "d41d8cd98f00b204e9800998ecf8427e"
SHA = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
VIDEO_FRAMES = [
    VideoFrameHash(0, 90, random_pdq(RNG), 0.0),
    VideoFrameHash(30, 40, random_pdq(RNG), 1.0),
    VideoFrameHash(60, 100, random_pdq(RNG), 2.002),
]


def do_import(analyst, bank, text, fmt, filename="list.txt"):
    return services.list_import(actor=analyst, bank=bank, text=text, fmt=fmt, filename=filename)


@pytest.mark.parametrize(
    ("text", "fmt", "expected"),
    [
        (
            f"signal_type,signal\npdq,{PDQ_A}\nvideo_md5,{MD5}\n",
            ImportFormat.SIGNALS,
            {("pdq", PDQ_A), ("md5", MD5)},
        ),
        (
            f"pdq\t{PDQ_A}\t90\nsha256\t{SHA.upper()}\n",
            ImportFormat.SIGNALS,
            {("pdq", PDQ_A), ("sha256", SHA)},
        ),
        (f"# exported list\n{MD5}\n\n{MD5.upper()}\n", ImportFormat.MD5_LIST, {("md5", MD5)}),
        (f"{SHA}\n", ImportFormat.SHA256_LIST, {("sha256", SHA)}),
        (
            json.dumps(
                {
                    "count": 3,
                    "hashRecords": [
                        {"signalType": "ImagePDQ", "hashValue": PDQ_A, "hashStatus": "Active"},
                        {"signalType": "VideoMD5", "hashValue": MD5, "hashStatus": "Received"},
                        {"signalType": "ImagePDQ", "hashValue": PDQ_B, "hashStatus": "Withdrawn"},
                    ],
                }
            ),
            ImportFormat.STOPNCII,
            {("pdq", PDQ_A), ("md5", MD5)},
        ),
    ],
)
def test_each_format_is_imported(analyst, bank, text, fmt, expected):
    record = do_import(analyst, bank, text, fmt)
    assert record.status == ImportStatus.IMPORTED
    assert set(HashEntry.objects.values_list("algorithm", "value")) == expected
    assert record.added == len(expected)


def test_a_file_with_bad_lines_is_rejected_whole_and_every_bad_line_is_named(analyst, bank):
    text = f"pdq,{PDQ_A}\npdq,{PDQ_B[:-1]}\nmd5,{MD5}\nsha1,{MD5}\npdq,{PDQ_B},20\nmd5,{'z' * 32}\n"
    record = do_import(analyst, bank, text, ImportFormat.SIGNALS)
    assert record.status == ImportStatus.REJECTED
    assert [error["line"] for error in record.errors] == [2, 4, 5, 6]
    assert "63" in record.errors[0]["message"]
    assert "sha1" in record.errors[1]["message"]
    assert "under 50" in record.errors[2]["message"]
    assert not HashEntry.objects.exists()
    assert HashImport.objects.get() == record


def test_hashes_already_in_the_bank_are_counted_not_doubled(analyst, bank):
    do_import(analyst, bank, f"{MD5}\n", ImportFormat.MD5_LIST)
    record = do_import(analyst, bank, f"{MD5}\n{'0' * 32}\n", ImportFormat.MD5_LIST)
    assert (record.added, record.already_present) == (1, 1)
    assert HashEntry.objects.count() == 2


def test_an_empty_file_is_rejected(analyst, bank):
    record = do_import(analyst, bank, "# nothing\n", ImportFormat.MD5_LIST)
    assert record.status == ImportStatus.REJECTED


def test_stopncii_json_lines_name_bad_records_by_line(analyst, bank):
    text = json.dumps({"signalType": "ImagePDQ", "hashValue": PDQ_A}) + "\n{broken\n"
    record = do_import(analyst, bank, text, ImportFormat.STOPNCII)
    assert record.status == ImportStatus.REJECTED
    assert record.errors == [{"line": 2, "message": "This line is not valid JSON."}]


@pytest.mark.parametrize("fmt", list(ImportFormat))
def test_an_export_reads_back_as_the_same_hashes(analyst, bank, other_hotline, lead, fmt):
    do_import(analyst, bank, f"pdq,{PDQ_A},88\nmd5,{MD5}\nsha256,{SHA}\n", ImportFormat.SIGNALS)
    video = services.video_entry_add(actor=analyst, bank=bank, frames=VIDEO_FRAMES)
    removed = services.entry_add(actor=analyst, bank=bank, algorithm="pdq", value=PDQ_B)
    services.entry_remove(actor=analyst, entry=removed, reason="mistake")
    text = services.list_export(actor=analyst, bank=bank, fmt=fmt)
    copy = services.bank_create(actor=lead, name="Copy", source="imported_list", sharing="not_shared")
    record = do_import(lead, copy, text, fmt)
    assert record.status == ImportStatus.IMPORTED, record.errors
    exported = set(HashEntry.objects.filter(bank=copy).values_list("algorithm", "value", "quality"))
    every = {("pdq", PDQ_A, 88), ("md5", MD5, None), ("sha256", SHA, None), ("vpdq", video.value, None)}
    wanted = {
        ImportFormat.SIGNALS: every,
        ImportFormat.MD5_LIST: {("md5", MD5, None)},
        ImportFormat.SHA256_LIST: {("sha256", SHA, None)},
        ImportFormat.STOPNCII: {("pdq", PDQ_A, 88), ("md5", MD5, None)},
        ImportFormat.VPDQ: {("vpdq", video.value, None)},
    }[fmt]
    assert exported == wanted
    if fmt == ImportFormat.VPDQ:
        assert HashEntry.objects.get(bank=copy, algorithm="vpdq").video.frames == video.video.frames


def test_vpdq_lists_hold_one_video_per_block_or_one_per_file(analyst, bank):
    one = format_frame_list(VIDEO_FRAMES)
    record = do_import(analyst, bank, one, ImportFormat.VPDQ)
    assert (record.status, record.added) == (ImportStatus.IMPORTED, 1)
    entry = HashEntry.objects.get(bank=bank, algorithm="vpdq")
    assert entry.video.frames == one
    assert (entry.video.frame_count, entry.video.duration) == (3, 2.002)
    second = format_frame_list([VideoFrameHash(0, 80, random_pdq(RNG), 0.0)])
    record = do_import(analyst, bank, f"# video first\n{one}\n# a comment\n# video second\n{second}", "vpdq")
    assert (record.status, record.added, record.already_present) == (ImportStatus.IMPORTED, 1, 1)


def test_a_bad_vpdq_line_rejects_the_whole_list_by_line_number(analyst, bank):
    good = format_frame_list(VIDEO_FRAMES)
    text = f"# video a\n{good}# video b\n0,100,nothex,0.000\n# video c\n"
    record = do_import(analyst, bank, text, ImportFormat.VPDQ)
    assert record.status == ImportStatus.REJECTED
    assert [error["line"] for error in record.errors] == [6, 7]
    assert not HashEntry.objects.filter(bank=bank).exists()


def test_hma_vpdq_signals_are_read_from_signal_files(analyst, bank):
    signal = json.dumps([f"{f.pdq},{f.quality},{f.timestamp}" for f in VIDEO_FRAMES])
    record = do_import(analyst, bank, f"signal_type\tsignal\nvpdq\t{signal}\n", ImportFormat.SIGNALS)
    assert record.status == ImportStatus.IMPORTED, record.errors
    entry = HashEntry.objects.get(bank=bank, algorithm="vpdq")
    assert entry.value == services.HashQuery.of_video(VIDEO_FRAMES).value
    assert [line.split(",")[0] for line in entry.video.frames.splitlines()] == ["0", "1", "2"]
