"""Forms of the hotline pages."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from childshield.accounts.models import Agency
from childshield.hotline.models import (
    PRESERVE_DAYS_DEFAULT,
    PRESERVE_DAYS_MAX,
    PRESERVE_DAYS_MIN,
    ApparentAge,
    Category,
    Classification,
    ContentType,
    ItemStatus,
    NoticePurpose,
    SourceKind,
)

YES_NO = [("", _("Not said")), ("yes", _("Yes")), ("no", _("No"))]


class YesNoField(forms.TypedChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            choices=YES_NO,
            coerce=lambda value: value == "yes",
            empty_value=None,
            required=False,
            widget=forms.RadioSelect,
            **kwargs,
        )


class ItemFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any")), *ItemStatus.choices], required=False
    )
    classification = forms.ChoiceField(
        label=_("Classification"), choices=[("", _("Any")), *Classification.choices], required=False
    )
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", _("Any")), *Category.choices], required=False
    )
    notice_bounced = forms.BooleanField(label=_("Only those whose last notice bounced"), required=False)
    # From a hosting provider's page: the items it hosts.
    provider = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class AddUrlsForm(forms.Form):
    urls = forms.CharField(
        label=_("Addresses"),
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false", "autocomplete": "off"}),
        help_text=_("One address per line. Good lines are saved; lines we cannot read are listed below."),
        max_length=200_000,
    )
    source = forms.ChoiceField(
        label=_("Where they came from"), choices=SourceKind.choices, initial=SourceKind.ANALYST
    )
    reference = forms.CharField(
        label=_("Reference"),
        required=False,
        max_length=200,
        help_text=_("The partner's or platform's reference, if any."),
    )


class AssessmentForm(forms.Form):
    classification = forms.ChoiceField(
        label=_("Classification"), choices=Classification.choices, widget=forms.RadioSelect
    )
    illegal_national = YesNoField(label=_("Illegal under national law"))
    interpol_baseline = YesNoField(label=_("Meets the INTERPOL baseline"))
    category = forms.ChoiceField(
        label=_("Severity category"), choices=[("", _("Not said")), *Category.choices], required=False
    )
    content_type = forms.ChoiceField(
        label=_("Content type"), choices=[("", _("Not said")), *ContentType.choices], required=False
    )
    apparent_age = forms.ChoiceField(
        label=_("Apparent age"), choices=[("", _("Not said")), *ApparentAge.choices], required=False
    )
    commercial = YesNoField(label=_("Commercial"))
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Describe what you assessed in neutral words. Never describe the child."),
    )


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("Capture"),
        help_text=_("An image or video the hotline must keep. It is encrypted when stored."),
    )


class PlatformRequestForm(forms.Form):
    """A request to the item's platform: keep the data for the police, or send the file."""

    purpose = forms.ChoiceField(
        label=_("Ask the platform to"),
        choices=[
            (NoticePurpose.PRESERVATION, _("Preserve the account's and the content's data for the police")),
            (NoticePurpose.FILE_REQUEST, _("Send the hotline the file")),
        ],
        widget=forms.RadioSelect,
        initial=NoticePurpose.PRESERVATION,
    )
    preserve_days = forms.IntegerField(
        label=_("Days to preserve"),
        min_value=PRESERVE_DAYS_MIN,
        max_value=PRESERVE_DAYS_MAX,
        initial=PRESERVE_DAYS_DEFAULT,
        required=False,
        help_text=_("For a preservation request: %(low)d to %(high)d days; most platforms keep data for 90.")
        % {"low": PRESERVE_DAYS_MIN, "high": PRESERVE_DAYS_MAX},
    )
    file_hash = forms.RegexField(
        label=_("File's hash"),
        regex=r"^\s*(?:[0-9a-fA-F]{32}|[0-9a-fA-F]{64})\s*$",
        required=False,
        max_length=80,
        help_text=_(
            "For a file request: the MD5 or SHA-256 the platform reported, or leave empty for the file at "
            "the address."
        ),
        error_messages={"invalid": _("Give an MD5 (32 characters) or a SHA-256 (64), in hex.")},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("purpose") == NoticePurpose.PRESERVATION and cleaned.get("preserve_days") is None:
            cleaned["preserve_days"] = PRESERVE_DAYS_DEFAULT
        return cleaned


class CloseForm(forms.Form):
    reason = forms.CharField(label=_("Why it is closed as not removed"), max_length=500)


class BounceForm(forms.Form):
    detail = forms.CharField(label=_("What the returned message said"), max_length=300, required=False)


class PackageForm(forms.Form):
    recipient = forms.ModelChoiceField(
        label=_("Recipient agency"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=_("Not in childshield"),
    )
    recipient_label = forms.CharField(
        label=_("Or the recipient's name"),
        required=False,
        max_length=200,
        help_text=_("For a partner abroad."),
    )
    items = forms.CharField(
        label=_("Item numbers"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The numbers of confirmed items, separated by spaces or commas (e.g. 12, 15)."),
    )

    def __init__(self, *args: Any, recipients: "QuerySet[Agency] | None" = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        recipient = self.fields["recipient"]
        if recipients is not None and isinstance(recipient, forms.ModelChoiceField):
            recipient.queryset = recipients

    def clean_items(self) -> list[int]:
        text = self.cleaned_data["items"].replace(",", " ")
        ids: list[int] = []
        for word in text.split():
            word = word.upper().removeprefix("H-")
            if not word.isdigit():
                raise forms.ValidationError(_("“%(word)s” is not an item number.") % {"word": word[:20]})
            ids.append(int(word))
        if not ids:
            raise forms.ValidationError(_("Give at least one item number."))
        return ids
