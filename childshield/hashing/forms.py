"""Forms of the hashing pages."""

from datetime import datetime, time
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from childshield.accounts.models import Agency
from childshield.hashing.api_keys import ROTATION_OVERLAP_HOURS, ROTATION_OVERLAP_MAX_HOURS
from childshield.hashing.models import Algorithm, ApiScope, BankSource, ImportFormat, SharingPolicy
from childshield.hashing.video import InvalidFrameList, VideoRejected, parse_frame_list, video_hash

MAX_IMPORT_BYTES = 50 * 1024 * 1024


class BankCreateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    source = forms.ChoiceField(label=_("Where its hashes come from"), choices=BankSource.choices)
    sharing = forms.ChoiceField(label=_("Sharing"), choices=SharingPolicy.choices)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class BankSharingForm(forms.Form):
    sharing = forms.ChoiceField(
        label=_("Who may match against this bank"),
        choices=SharingPolicy.choices,
        error_messages={
            "required": _("Choose who may match against this bank."),
            "invalid_choice": _("Choose who may match against this bank."),
        },
    )


class EntryAddForm(forms.Form):
    algorithm = forms.ChoiceField(
        label=_("Algorithm"), choices=[(a, label) for a, label in Algorithm.choices if a != Algorithm.VPDQ]
    )
    value = forms.CharField(
        label=_("Hash"), max_length=64, help_text=_("Hex digits, as the hashing tool printed them.")
    )
    quality = forms.IntegerField(
        label=_("PDQ quality"),
        min_value=0,
        max_value=100,
        required=False,
        help_text=_("For PDQ hashes, if known."),
    )
    source_reference = forms.CharField(label=_("Source"), max_length=200, required=False)


class HashCheckForm(forms.Form):
    algorithm = forms.ChoiceField(
        label=_("Algorithm"), choices=[(a, label) for a, label in Algorithm.choices if a != Algorithm.VPDQ]
    )
    value = forms.CharField(
        label=_("Hash"),
        max_length=64,
        help_text=_("For a picture, run “manage.py pdq_hash” on it and paste the 64 hex digits."),
    )


class VideoForm(forms.Form):
    """A video, hashed in memory with vPDQ when the form is cleaned, or its vPDQ frame hashes."""

    video = forms.FileField(
        label=_("Video"),
        required=False,
        help_text=_("Hashed here, in memory, one frame a second; the video itself is never kept."),
    )
    vpdq = forms.CharField(
        label=_("Or its vPDQ frame hashes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One “frame_number,quality,hash,timestamp” line per frame, as vPDQ's tools write them."),
    )

    def __init__(self, *args: Any, too_large: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.too_large = too_large

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.too_large:
            raise forms.ValidationError(_("The video is larger than the limit."))
        upload, text = data.get("video"), (data.get("vpdq") or "").strip()
        if bool(upload) == bool(text):
            raise forms.ValidationError(_("Choose a video, or paste its vPDQ frame hashes (not both)."))
        try:
            data["frames"] = video_hash(upload) if upload else parse_frame_list(text)
        except VideoRejected as error:
            self.add_error("video", str(error.message))
        except InvalidFrameList as error:
            self.add_error(
                "vpdq", _("Line %(line)d: %(message)s") % {"line": error.line, "message": error.message}
            )
        return data


class EntryRemoveForm(forms.Form):
    reason = forms.CharField(label=_("Reason for removal"), max_length=500)


class ImportForm(forms.Form):
    fmt = forms.ChoiceField(label=_("Format"), choices=ImportFormat.choices)
    file = forms.FileField(label=_("File"), help_text=_("Text: one hash or signal per line (UTF-8)."))

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        try:
            return str(upload.read().decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file is not UTF-8 text.")) from None


class ApiKeyFieldsForm(forms.Form):
    """What a new key is: its name, scopes and expiry (platforms' pages issue keys with it too)."""

    name = forms.CharField(label=_("Name"), max_length=200, help_text=_("Which system will use the key."))
    scopes = forms.MultipleChoiceField(
        label=_("What the key may do"),
        choices=ApiScope.choices,
        initial=[ApiScope.MATCH],
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one thing the key may do."),
            "invalid_choice": _("There is no such scope: %(value)s."),
        },
    )
    expires_at = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Optional. The key stops working as this day begins."),
    )

    def clean_expires_at(self) -> datetime | None:
        day = self.cleaned_data.get("expires_at")
        if day is None:
            return None
        if day <= timezone.localdate():
            raise forms.ValidationError(_("Choose a day after today."))
        return timezone.make_aware(datetime.combine(day, time.min))


class ApiKeyForm(ApiKeyFieldsForm):
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none())
    field_order = ["agency", "name", "scopes", "expires_at"]

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = agencies


class ApiKeyRotateForm(forms.Form):
    overlap_hours = forms.IntegerField(
        label=_("Hours the old key keeps working"),
        min_value=0,
        max_value=ROTATION_OVERLAP_MAX_HOURS,
        initial=ROTATION_OVERLAP_HOURS,
        error_messages={
            "required": _("Say how many hours the old key keeps working (0 to stop it at once).")
        },
    )
