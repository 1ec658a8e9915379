"""Input and output shapes of the hashing API (one pair per operation)."""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from childshield.hashing.models import Algorithm, BankSource, HashBank, SharingPolicy
from childshield.hashing.services import EntryMatch, QueryResult
from childshield.hashing.video import InvalidFrameList, VideoFrameHash, parse_frame_line, parse_frame_list

MAX_HASHES_PER_REQUEST = 1000
MAX_VIDEOS_PER_REQUEST = 50
MAX_FRAMES_PER_VIDEO = 10_000
# The latest timestamp a frame may carry (video.parse_frame_line's limit): about 115 days.
MAX_TIMESTAMP = 10**7 - 1


class HashInput(serializers.Serializer[None]):
    algorithm = serializers.ChoiceField(choices=[a for a in Algorithm.values if a != Algorithm.VPDQ])
    value = serializers.CharField(max_length=64, trim_whitespace=True)
    quality = serializers.IntegerField(
        min_value=0, max_value=100, required=False, allow_null=True, help_text="PDQ quality, if known."
    )


class MatchHashesInput(serializers.Serializer[None]):
    hashes = HashInput(many=True, allow_empty=False)

    def validate_hashes(self, value: list[dict[str, object]]) -> list[dict[str, object]]:
        if len(value) > MAX_HASHES_PER_REQUEST:
            raise serializers.ValidationError(
                _("Send at most %(limit)d hashes at a time.") % {"limit": MAX_HASHES_PER_REQUEST}
            )
        return value


_HASH_ALGORITHMS = frozenset(a for a in Algorithm.values if a != Algorithm.VPDQ)


def plain_hashes(data: object) -> list[dict[str, Any]] | None:
    """`MatchHashesInput`'s validated hashes for the common body, read without building serializers;
    None for anything else (too many hashes, a number sent as text, spaces to trim, unknown values,
    a blank field…), which `MatchHashesInput` then reads, with its error messages.

    The match API's most frequent call, one platform's hash after another, spent more time having
    DRF build and deep-copy its fields than looking the hash up.
    """
    if not isinstance(data, dict):
        return None
    hashes = data.get("hashes")
    if not isinstance(hashes, list) or not 0 < len(hashes) <= MAX_HASHES_PER_REQUEST:
        return None
    read: list[dict[str, Any]] = []
    for item in hashes:
        if not isinstance(item, dict):
            return None
        algorithm, value = item.get("algorithm"), item.get("value")
        if type(algorithm) is not str or algorithm not in _HASH_ALGORITHMS:
            return None
        if type(value) is not str or not 0 < len(value) <= 64 or value != value.strip():
            return None
        one: dict[str, Any] = {"algorithm": algorithm, "value": value}
        if "quality" in item:
            quality = item["quality"]
            if quality is not None and (type(quality) is not int or not 0 <= quality <= 100):
                return None
            one["quality"] = quality
        read.append(one)
    return read


def results_output(results: list[QueryResult]) -> list[dict[str, Any]]:
    """`QueryResultOutput(results, many=True).data`, built directly (see `plain_hashes`)."""
    return [
        {
            "algorithm": str(result.algorithm),
            "value": str(result.value),
            "status": str(result.status),
            "matches": [_match_output(match) for match in result.matches],
        }
        for result in results
    ]


def _match_output(match: EntryMatch) -> dict[str, Any]:
    shown: dict[str, Any] = {
        "entry": int(match.entry_id),
        "bank": int(match.bank_id),
        "bank_name": str(match.bank_name),
        "distance": int(match.distance),
    }
    if match.query_percent is not None:
        shown["query_percent"] = float(match.query_percent)
    if match.target_percent is not None:
        shown["target_percent"] = float(match.target_percent)
    return shown


class EntryMatchOutput(serializers.Serializer[EntryMatch]):
    entry = serializers.IntegerField(source="entry_id")
    bank = serializers.IntegerField(source="bank_id")
    bank_name = serializers.CharField()
    distance = serializers.IntegerField(
        help_text="Bits that differ (PDQ); 0 for exact hashes; for videos, the closest pair of frames."
    )
    query_percent = serializers.FloatField(
        required=False,
        help_text="Videos only: the share of the query's distinct good frames found in the entry.",
    )
    target_percent = serializers.FloatField(
        required=False,
        help_text="Videos only: the share of the entry's distinct good frames found in the query.",
    )

    def to_representation(self, instance: Any) -> dict[str, Any]:
        shown = super().to_representation(instance)
        return {key: value for key, value in shown.items() if value is not None}


class QueryResultOutput(serializers.Serializer[QueryResult]):
    algorithm = serializers.ChoiceField(choices=Algorithm.values)
    value = serializers.CharField()
    status = serializers.ChoiceField(
        choices=["matched", "no_match", "low_quality"],
        help_text="low_quality: a PDQ hash of quality under 50, or a video without such a frame; "
        "not looked up.",
    )
    matches = EntryMatchOutput(many=True)


class MatchHashesOutput(serializers.Serializer[dict[str, list[QueryResult]]]):
    results = QueryResultOutput(many=True)


@extend_schema_field(OpenApiTypes.BINARY)
class UploadField(serializers.FileField):
    """A file sent in a multipart form (documented as binary, not as a link)."""


class MatchImageInput(serializers.Serializer[None]):
    image = UploadField(help_text="An image; hashed in memory and never stored.")


class MatchImageOutput(serializers.Serializer[dict[str, Any]]):
    pdq = serializers.CharField()
    quality = serializers.IntegerField()
    result = QueryResultOutput()


class FrameSerializer(serializers.Serializer[VideoFrameHash]):
    """One hashed frame of a video, as vPDQ records it."""

    frame_number = serializers.IntegerField(min_value=0)
    quality = serializers.IntegerField(min_value=0, max_value=100)
    pdq = serializers.RegexField(r"^[0-9a-fA-F]{64}$", help_text="The frame's PDQ hash, 64 hex digits.")
    timestamp = serializers.FloatField(
        min_value=0, max_value=MAX_TIMESTAMP, help_text="Seconds from the start of the video."
    )


class VideoFramesInput(serializers.Serializer[None]):
    frames = FrameSerializer(many=True, required=False, allow_empty=False)
    vpdq = serializers.CharField(
        required=False,
        trim_whitespace=False,
        help_text="The frames as vPDQ's tools write them: one frame_number,quality,hash,timestamp line each.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("frames" in attrs) == ("vpdq" in attrs):
            raise serializers.ValidationError(
                _("Send a video's frames either as “frames” or as “vpdq” text.")
            )
        if "vpdq" in attrs:
            try:
                frames = parse_frame_list(attrs["vpdq"])
            except InvalidFrameList as error:
                raise serializers.ValidationError(
                    {"vpdq": _("Line %(line)d: %(message)s") % {"line": error.line, "message": error.message}}
                ) from None
        else:
            frames = []
            for number, f in enumerate(attrs["frames"]):
                try:
                    frames.append(
                        parse_frame_line(f"{f['frame_number']},{f['quality']},{f['pdq']},{f['timestamp']}")
                    )
                except InvalidFrameList as error:
                    raise serializers.ValidationError({"frames": {str(number): [error.message]}}) from None
        if len(frames) > MAX_FRAMES_PER_VIDEO:
            raise serializers.ValidationError(
                _("Send at most %(limit)d frames a video.") % {"limit": MAX_FRAMES_PER_VIDEO}
            )
        return {"frames": frames}


class MatchVpdqInput(serializers.Serializer[None]):
    videos = VideoFramesInput(many=True, allow_empty=False)

    def validate_videos(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if len(value) > MAX_VIDEOS_PER_REQUEST:
            raise serializers.ValidationError(
                _("Send at most %(limit)d videos at a time.") % {"limit": MAX_VIDEOS_PER_REQUEST}
            )
        return value


class MatchVpdqOutput(serializers.Serializer[dict[str, list[QueryResult]]]):
    results = QueryResultOutput(
        many=True, help_text="One per video; `value` is the digest of its frame list."
    )


class MatchVideoInput(serializers.Serializer[None]):
    video = UploadField(
        help_text="A video (MP4, MOV, WebM, MKV, AVI, FLV, MPEG, WMV); hashed in memory and never stored."
    )
    seconds_per_hash = serializers.FloatField(
        required=False,
        default=1.0,
        min_value=0.1,
        max_value=60,
        help_text="Hash one frame every this many seconds.",
    )


class MatchVideoOutput(serializers.Serializer[dict[str, Any]]):
    vpdq = serializers.CharField(
        help_text="The digest of the video's frame list, as kept in the match history."
    )
    frames = FrameSerializer(many=True, help_text="The video's vPDQ hash: one PDQ hash per frame hashed.")
    result = QueryResultOutput()

    def to_representation(self, instance: Any) -> dict[str, Any]:
        shown = super().to_representation(instance)
        shown["frames"] = [
            {"frame_number": f.frame_number, "quality": f.quality, "pdq": f.pdq, "timestamp": f.timestamp}
            for f in instance["frames"]
        ]
        return shown


class BankOutput(serializers.Serializer[HashBank]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    owner = serializers.CharField(source="owner.name")
    # The API's field names "source" (here) and "errors" (problems) shadow attributes of DRF's own.
    source = serializers.ChoiceField(choices=BankSource.values)  # type: ignore[assignment]
    sharing = serializers.ChoiceField(choices=SharingPolicy.values)
    enabled = serializers.BooleanField(source="is_enabled")
    live_entries = serializers.IntegerField()


class ProblemOutput(serializers.Serializer[dict[str, Any]]):
    """RFC 9457 problem details."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    code = serializers.CharField()
    errors = serializers.ListField(child=serializers.DictField(), required=False)  # type: ignore[assignment]
