"""Input and output shapes of the platforms' API. Every input refuses fields it does not know."""

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers

from childshield.hashing.formats import InvalidHash, check_quality, normalise_value
from childshield.hashing.models import Algorithm
from childshield.hotline.models import NoticeOutcome, NoticePurpose
from childshield.hotline.urlnorm import InvalidUrl, normalise_url
from childshield.platforms.models import ApparentAge, IncidentType

MAX_URLS_PER_REPORT = 100
MAX_HASHES_PER_REPORT = 1000
MAX_DESCRIPTION = 4000


class Strict(serializers.Serializer[Any]):
    """A serializer that names each field it does not know instead of dropping it silently."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            unknown = sorted(str(name) for name in data if name not in self.fields)
            if unknown:
                raise serializers.ValidationError({name: [_("Unknown field.")] for name in unknown})
        return super().to_internal_value(data)


class FileHashInput(Strict):
    algorithm = serializers.ChoiceField(choices=[a for a in Algorithm.values if a != Algorithm.VPDQ])
    value = serializers.CharField(max_length=64)
    quality = serializers.IntegerField(min_value=0, max_value=100, required=False, allow_null=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        try:
            attrs["value"] = normalise_value(attrs["algorithm"], attrs["value"])
            check_quality(attrs["algorithm"], attrs.get("quality"))
        except InvalidHash as error:
            raise serializers.ValidationError({"value": [str(error)]}) from None
        return attrs


class UploaderInput(Strict):
    account_id = serializers.CharField(max_length=200, required=False, allow_blank=True)
    username = serializers.CharField(max_length=200, required=False, allow_blank=True)
    display_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    ip_address = serializers.IPAddressField(required=False, allow_blank=True)
    profile_url = serializers.URLField(max_length=2000, required=False, allow_blank=True)


class LocationInput(Strict):
    country = serializers.RegexField(
        r"^[A-Za-z]{2}$", required=False, allow_blank=True, help_text="ISO 3166-1 alpha-2 code, e.g. VN."
    )
    region = serializers.CharField(max_length=200, required=False, allow_blank=True)
    city = serializers.CharField(max_length=200, required=False, allow_blank=True)
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True)

    def validate_country(self, value: str) -> str:
        return value.upper()


class PlatformReportInput(Strict):
    external_id = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="Your own reference for the report."
    )
    incident_type = serializers.ChoiceField(choices=IncidentType.choices)
    incident_at = serializers.DateTimeField(required=False, allow_null=True)
    urls = serializers.ListField(
        child=serializers.CharField(max_length=2000),
        required=False,
        max_length=MAX_URLS_PER_REPORT,
        help_text="Addresses where the material or the account can be seen.",
    )
    file_hashes = FileHashInput(many=True, required=False)
    uploader = UploaderInput(required=False, help_text="The account that shared it (kept encrypted).")
    reviewed_by_platform = serializers.BooleanField(
        required=False, allow_null=True, help_text="Whether your staff looked at the files."
    )
    apparent_age = serializers.ChoiceField(choices=ApparentAge.choices, required=False)
    location = LocationInput(required=False, help_text="Where the child or the uploader may be.")
    child_at_risk = serializers.BooleanField(
        required=False,
        help_text="A child in the country may be in danger now: the report also reaches the helpline.",
    )
    description = serializers.CharField(max_length=MAX_DESCRIPTION, required=False, allow_blank=True)

    def validate_incident_at(self, value: Any) -> Any:
        if value is not None and value > timezone.now() + timedelta(minutes=5):
            raise serializers.ValidationError(_("The time is in the future."))
        return value

    def validate_urls(self, value: list[str]) -> list[str]:
        problems: dict[str, list[str]] = {}
        for number, url in enumerate(value):
            try:
                normalise_url(url)
            except InvalidUrl as error:
                problems[str(number)] = [str(error.message)]
        if problems:
            raise serializers.ValidationError(problems)
        return value

    def validate_file_hashes(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if len(value) > MAX_HASHES_PER_REPORT:
            raise serializers.ValidationError(
                _("Send at most %(limit)d file hashes in one report.") % {"limit": MAX_HASHES_PER_REPORT}
            )
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not (attrs.get("urls") or attrs.get("file_hashes") or attrs.get("description", "").strip()):
            raise serializers.ValidationError(_("Send at least one address, one file hash or a description."))
        return attrs


ITEM_STATES = ["received", "in_review", "confirmed", "removed", "not_removed", "no_action"]


class ReportItemOutput(serializers.Serializer[Any]):
    url = serializers.CharField(help_text="The address as you sent it.")
    status = serializers.ChoiceField(
        choices=ITEM_STATES,
        help_text=(
            "received: waiting for an analyst; in_review: being assessed; confirmed: the hotline found it "
            "unlawful and sends (or has sent) a notice; removed: found gone; not_removed: closed while "
            "still online; no_action: not something the hotline acts on."
        ),
    )


class PlatformReportOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    number = serializers.CharField(help_text="The hotline's reference for the report, e.g. P-000012.")
    external_id = serializers.CharField()
    received_at = serializers.DateTimeField()
    status = serializers.ChoiceField(
        choices=["received", "in_review", "done"],
        help_text="done: every address has reached a final state (removed, not_removed or no_action).",
    )
    items = ReportItemOutput(many=True)
    file_hashes = serializers.IntegerField(help_text="How many file hashes were received.")
    forwarded_to_helpline = serializers.BooleanField()
    sandbox = serializers.BooleanField(
        help_text=(
            "Sent with a sandbox key: its addresses are kept for you to read back, each `received` "
            "for good, and never reach the hotline."
        )
    )


class WebhookInput(Strict):
    url = serializers.CharField(max_length=2000, help_text="An https address of yours that receives notices.")


class WebhookOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    url = serializers.CharField()
    created_at = serializers.DateTimeField()


class WebhookCreatedOutput(WebhookOutput):
    secret = serializers.CharField(
        help_text="Signs every delivery (see Childshield-Signature). Shown only now: keep it safe."
    )


class NoticeItemOutput(serializers.Serializer[Any]):
    number = serializers.CharField()
    url = serializers.CharField()
    classification = serializers.CharField()
    category = serializers.CharField()
    status = serializers.ChoiceField(choices=ITEM_STATES, help_text="As in a report's items.")


class NoticeResponseOutput(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=["acknowledged", "removed", "not_removed"])
    acted_at = serializers.DateTimeField()
    received_at = serializers.DateTimeField()


class RequestAnswerOutput(serializers.Serializer[Any]):
    outcome = serializers.ChoiceField(
        choices=NoticeOutcome.values,
        allow_null=True,
        help_text="Your answer to a preservation or file request; null until you answer (or for a takedown).",
    )
    preserved_until = serializers.DateField(allow_null=True)
    evidence_id = serializers.IntegerField(
        allow_null=True, help_text="The hotline's id of the file you sent."
    )
    answered_at = serializers.DateTimeField(allow_null=True)


class NoticeOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    purpose = serializers.ChoiceField(
        choices=NoticePurpose.values,
        help_text=(
            "takedown: remove the address; preservation: keep the account's and the content's data for "
            "the police for preserve_days; file_request: send the file (with file_hash, else the one at "
            "the address)."
        ),
    )
    sequence = serializers.IntegerField(
        help_text="Numbered per purpose: 1 for the first notice, 2 and more for re-notices."
    )
    renotice = serializers.BooleanField()
    sent_at = serializers.DateTimeField()
    preserve_days = serializers.IntegerField(allow_null=True, help_text="For a preservation request.")
    file_hash = serializers.CharField(
        help_text="For a file request: the MD5 or SHA-256 of the file, or empty."
    )
    item = NoticeItemOutput()
    responses = NoticeResponseOutput(many=True, help_text="Your answers so far.")
    answer = RequestAnswerOutput()


class NoticeListOutput(serializers.Serializer[Any]):
    notices = NoticeOutput(many=True)
    next_after = serializers.IntegerField(
        allow_null=True, help_text="Send as `after` to read the next page; null when this is the last."
    )


class AcknowledgeInput(Strict):
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True)


class RemovalInput(Strict):
    removed = serializers.BooleanField(
        help_text="true: you took it down; false: you will not (say why in note)."
    )
    acted_at = serializers.DateTimeField(required=False, help_text="When you acted (default: now).")
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs["removed"] and not attrs.get("note", "").strip():
            raise serializers.ValidationError({"note": [_("Say why it is not removed.")]})
        return attrs


class PreservationInput(Strict):
    preserved = serializers.BooleanField(
        help_text="true: you keep the data; false: you will not (say why in note)."
    )
    preserved_until = serializers.DateField(
        required=False, help_text="With preserved: the last day you keep the data (ISO 8601 date)."
    )
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["preserved"] and attrs.get("preserved_until") is None:
            raise serializers.ValidationError({"preserved_until": [_("Say until when the data is kept.")]})
        if not attrs["preserved"]:
            if attrs.get("preserved_until") is not None:
                raise serializers.ValidationError(
                    {"preserved_until": [_("A refused request keeps nothing: leave this out.")]}
                )
            if not attrs.get("note", "").strip():
                raise serializers.ValidationError({"note": [_("Say why the data is not preserved.")]})
        return attrs


class FileInput(Strict):
    file = serializers.FileField(help_text="One image (JPEG, PNG, GIF or WebP).", allow_empty_file=False)


class FileReceivedOutput(serializers.Serializer[Any]):
    notice_id = serializers.IntegerField()
    evidence_id = serializers.IntegerField(help_text="The hotline's id of the file as evidence.")
    known = serializers.BooleanField(help_text="The file matched a hash the hotline's banks already hold.")
