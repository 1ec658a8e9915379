"""Shapes of the hash-list sync API: a page of a bank's signals, and platforms' feedback on them."""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers

from childshield.hashing.models import Algorithm, ChangeKind
from childshield.platforms.models import Verdict
from childshield.platforms.serializers import Strict
from childshield.platforms.sync import SignalPage

DEFAULT_PAGE = 1000
MAX_PAGE = 10_000
MAX_FEEDBACK = 1000
MAX_NOTE = 500


class SignalPageQuery(Strict):
    cursor = serializers.CharField(
        required=False,
        max_length=200,
        help_text="The `next_cursor` of the page before; without it, the bank's history from its beginning.",
    )
    limit = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_PAGE,
        default=DEFAULT_PAGE,
        help_text=f"At most this many signals (default {DEFAULT_PAGE}, at most {MAX_PAGE}).",
    )


class SignalOutput(serializers.Serializer[dict[str, Any]]):
    id = serializers.IntegerField(help_text="The hash's id: the same in its addition and its removal.")
    change = serializers.ChoiceField(
        choices=ChangeKind.values, help_text="added: match against it; removed: stop matching against it."
    )
    algorithm = serializers.ChoiceField(choices=Algorithm.choices)
    value = serializers.CharField(help_text="The hash, lowercase hex (for vpdq: the SHA-256 of `frames`).")
    quality = serializers.IntegerField(allow_null=True, help_text="PDQ's quality (0-100), when known.")
    frames = serializers.CharField(
        required=False,
        help_text="vpdq only: the video's frames, one `frame_number,quality,hash,timestamp` line each.",
    )
    at = serializers.DateTimeField(help_text="When the hash was added to the bank or removed from it.")


class SignalPageOutput(serializers.Serializer[dict[str, Any]]):
    signals = SignalOutput(many=True, help_text="In the bank's history order.")
    next_cursor = serializers.CharField(
        help_text="Send it as `cursor` for the signals after these: now if `has_more`, later otherwise."
    )
    has_more = serializers.BooleanField(help_text="More signals wait after this page: ask again at once.")


def signal_page_output(page: SignalPage, next_cursor: str) -> dict[str, Any]:
    """SignalPageOutput's shape, written out directly: a page holds up to 10,000 signals, and DRF's
    fields would look the time zone up again for each one (a third of a page's time)."""
    zone = timezone.get_current_timezone()
    signals = []
    for signal in page.signals:
        shown: dict[str, Any] = {
            "id": signal.entry_id,
            "change": signal.change,
            "algorithm": signal.algorithm,
            "value": signal.value,
            "quality": signal.quality,
        }
        if signal.frames is not None:
            shown["frames"] = signal.frames
        shown["at"] = signal.at.astimezone(zone).isoformat()
        signals.append(shown)
    return {"signals": signals, "next_cursor": next_cursor, "has_more": page.has_more}


class FeedbackItemInput(Strict):
    id = serializers.IntegerField(min_value=1, help_text="A signal's `id`: a hash of this bank.")
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=MAX_NOTE,
        help_text="For the hotline's analysts (kept encrypted); replaces the note sent before.",
    )


class FeedbackInput(Strict):
    feedback = serializers.ListField(child=FeedbackItemInput(), allow_empty=False, max_length=MAX_FEEDBACK)

    def validate_feedback(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        seen: set[int] = set()
        twice: dict[str, dict[str, list[str]]] = {}
        for number, item in enumerate(value):
            if item["id"] in seen:
                twice[str(number)] = {"id": [_("This hash is in the list already.")]}
            seen.add(item["id"])
        if twice:
            raise serializers.ValidationError(twice)
        return value


class FeedbackOutput(serializers.Serializer[dict[str, Any]]):
    recorded = serializers.IntegerField(help_text="How many hashes' feedback was recorded.")
