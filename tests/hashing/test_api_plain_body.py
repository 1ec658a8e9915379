"""The match API reads its common body without DRF's serializer: it must read exactly what the
serializer reads, and leave everything else (with its error messages) to the serializer."""

import itertools
import json

import pytest

from childshield.hashing.serializers import (
    MAX_HASHES_PER_REQUEST,
    MatchHashesInput,
    QueryResultOutput,
    plain_hashes,
    results_output,
)
from childshield.hashing.services import EntryMatch, QueryResult

MISSING = object()
ALGORITHMS = ["pdq", "md5", "sha256", "vpdq", "PDQ", "", None, 5, ["pdq"]]
VALUES = [
    "ab" * 32,
    "0123456789abcdef" * 2,
    " " + "ab" * 32,
    "ab" * 32 + "\n",
    "",
    "x" * 64,
    "x" * 65,
    12,
    None,
]
QUALITIES = [MISSING, None, 0, 50, 100, 101, -1, "50", 50.0, True, "x"]


def item(algorithm, value, quality):
    one = {"algorithm": algorithm, "value": value}
    if quality is not MISSING:
        one["quality"] = quality
    return one


def bodies():
    for algorithm, value, quality in itertools.product(ALGORITHMS, VALUES, QUALITIES):
        yield {"hashes": [item(algorithm, value, quality)]}
    good = item("pdq", "ab" * 32, 90)
    yield {"hashes": [good, item("md5", "cd" * 16, MISSING), {**good, "note": "ignored"}]}
    yield {"hashes": [good], "extra": 1}
    yield {"hashes": [good] * MAX_HASHES_PER_REQUEST}
    yield {"hashes": [good] * (MAX_HASHES_PER_REQUEST + 1)}
    yield {"hashes": [good, "pdq"]}
    yield {"hashes": [good, item("pdq", "ab" * 32, "high")]}
    yield {"hashes": [{"value": "ab" * 32}]}
    yield {"hashes": [{"algorithm": "pdq"}]}
    yield from (
        {"hashes": []},
        {"hashes": "ab"},
        {"hashes": None},
        {"hashes": {"0": good}},
        {},
        [],
        "x",
        None,
    )


def plain(data):
    return json.loads(json.dumps(data))


@pytest.mark.parametrize("body", list(bodies()), ids=lambda body: json.dumps(body)[:60])
def test_the_plain_reading_is_the_serializers_or_none(body):
    serializer = MatchHashesInput(data=body)
    valid = serializer.is_valid()
    read = plain_hashes(body)
    if not valid:
        assert read is None
    elif read is not None:
        assert read == plain(serializer.validated_data["hashes"])


def test_the_common_bodies_are_read_plainly():
    assert plain_hashes({"hashes": [{"algorithm": "pdq", "value": "ab" * 32}]}) == [
        {"algorithm": "pdq", "value": "ab" * 32}
    ]
    assert plain_hashes({"hashes": [{"algorithm": "md5", "value": "cd" * 16, "quality": None}]}) == [
        {"algorithm": "md5", "value": "cd" * 16, "quality": None}
    ]


def test_results_are_shown_as_the_output_serializer_shows_them():
    results = [
        QueryResult(
            "pdq", "ab" * 32, "matched", [EntryMatch(3, 1, "Bank (test)", 12), EntryMatch(9, 2, "B2", 30)]
        ),
        QueryResult("md5", "cd" * 16, "no_match"),
        QueryResult("pdq", "ef" * 32, "low_quality"),
        QueryResult("vpdq", "01" * 32, "matched", [EntryMatch(4, 1, "Videos", 5, 0.85, 1.0)]),
        QueryResult("vpdq", "02" * 32, "matched", [EntryMatch(5, 1, "Videos", 0, 1.0, 0.0)]),
    ]
    assert results_output(results) == plain(QueryResultOutput(results, many=True).data)
