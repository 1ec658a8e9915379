"""Input and output shapes of the hashing API (one pair per operation)."""

from django.utils.translation import gettext as _
from rest_framework import serializers

from childshield.hashing.models import Algorithm, BankSource, SharingPolicy

MAX_HASHES_PER_REQUEST = 1000


class HashInput(serializers.Serializer):
    algorithm = serializers.ChoiceField(choices=[a for a in Algorithm.values if a != Algorithm.VPDQ])
    value = serializers.CharField(max_length=64, trim_whitespace=True)
    quality = serializers.IntegerField(
        min_value=0, max_value=100, required=False, allow_null=True, help_text="PDQ quality, if known."
    )


class MatchHashesInput(serializers.Serializer):
    hashes = HashInput(many=True, allow_empty=False)

    def validate_hashes(self, value: list[dict[str, object]]) -> list[dict[str, object]]:
        if len(value) > MAX_HASHES_PER_REQUEST:
            raise serializers.ValidationError(
                _("Send at most %(limit)d hashes at a time.") % {"limit": MAX_HASHES_PER_REQUEST}
            )
        return value


class EntryMatchOutput(serializers.Serializer):
    entry = serializers.IntegerField(source="entry_id")
    bank = serializers.IntegerField(source="bank_id")
    bank_name = serializers.CharField()
    distance = serializers.IntegerField(help_text="Bits that differ (PDQ); 0 for exact hashes.")


class QueryResultOutput(serializers.Serializer):
    algorithm = serializers.ChoiceField(choices=Algorithm.values)
    value = serializers.CharField()
    status = serializers.ChoiceField(
        choices=["matched", "no_match", "low_quality"],
        help_text="low_quality: a PDQ hash of quality under 50, not looked up.",
    )
    matches = EntryMatchOutput(many=True)


class MatchHashesOutput(serializers.Serializer):
    results = QueryResultOutput(many=True)


class MatchImageInput(serializers.Serializer):
    image = serializers.FileField(help_text="An image; hashed in memory and never stored.")


class MatchImageOutput(serializers.Serializer):
    pdq = serializers.CharField()
    quality = serializers.IntegerField()
    result = QueryResultOutput()


class BankOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    owner = serializers.CharField(source="owner.name")
    source = serializers.ChoiceField(choices=BankSource.values)  # type: ignore[assignment]
    sharing = serializers.ChoiceField(choices=SharingPolicy.values)
    enabled = serializers.BooleanField(source="is_enabled")
    live_entries = serializers.IntegerField()


class ProblemOutput(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    code = serializers.CharField()
    errors = serializers.ListField(child=serializers.DictField(), required=False)  # type: ignore[assignment]
