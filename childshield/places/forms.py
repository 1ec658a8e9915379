"""Forms of the places pages: the filter of the area list, an agency and the areas it serves, an area
file to preview and apply, a helpline number."""

import copy
import re
from dataclasses import fields
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from childshield.accounts.models import AgencyKind
from childshield.places.models import Area, HelplineNumber
from childshield.places.services.helplines import HelplineNumberData

# Area codes typed by hand: separated by spaces, commas, semicolons or new lines.
_CODE_SEPARATORS = re.compile(r"[\s,;]+")
# Uploads larger than this are refused before they are read: a whole country's communes fit well within.
AREA_FILE_MOST_BYTES = 2 * 1024 * 1024


class AreaListFilterForm(forms.Form):
    country = forms.ChoiceField(label=_("Country"), required=False)
    on = forms.DateField(
        label=_("As of"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Show which areas existed on this day."),
    )

    def __init__(self, *args: Any, countries: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        country = self.fields["country"]
        assert isinstance(country, forms.ChoiceField)
        country.choices = [("", _("All countries")), *countries]


def _area_label(area: Area) -> str:
    if area.level == Area.Level.COUNTRY:
        return str(_("The whole country: %(name)s (%(code)s)") % {"name": area.name, "code": area.code})
    if area.level == Area.Level.DISTRICT and area.parent is not None:
        return f"{area.name}, {area.parent.name} ({area.code})"
    return f"{area.name} ({area.code})"


class AgencyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=AgencyKind.choices)
    country = forms.ChoiceField(
        label=_("Country"),
        help_text=_("Countries whose areas are loaded. The areas below are this country's."),
    )
    short_code = forms.CharField(
        label=_("Short code"),
        max_length=6,
        required=False,
        help_text=_(
            "2 to 6 capital letters or digits in front of the agency's case numbers, e.g. LTSW-2026-0001. "
            "Left empty, it is made from the name. A change applies to cases opened from then on."
        ),
    )
    on_call_phone = forms.CharField(
        label=_("On-call phone"),
        max_length=60,
        required=False,
        help_text=_("Answered at any hour. Shown to agencies whose referral to this one is overdue."),
    )
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        initial=True,
        help_text=_("A closed agency's members can no longer act for it; its records are kept."),
    )
    areas = forms.MultipleChoiceField(
        label=_("Areas it serves, from the list"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("%(value)s is not an area of the chosen country. Choose from the list again.")
        },
    )
    area_codes = forms.CharField(
        label=_("Other areas, by code"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "autocapitalize": "characters"}),
        help_text=_(
            "Communes, villages or areas not in the list: their codes, separated by spaces, commas or new "
            "lines, e.g. VN44-LT-KIMTHUY. The Places page shows every code."
        ),
    )

    def __init__(
        self, *args: Any, countries: list[tuple[str, str]], area_choices: list[Area], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        country = self.fields["country"]
        assert isinstance(country, forms.ChoiceField)
        country.choices = countries
        areas = self.fields["areas"]
        assert isinstance(areas, forms.MultipleChoiceField)
        areas.choices = [(area.code, _area_label(area)) for area in area_choices]

    def clean_short_code(self) -> str:
        return str(self.cleaned_data["short_code"]).strip().upper()

    def clean_area_codes(self) -> list[str]:
        text = str(self.cleaned_data["area_codes"]).upper()
        return [code for code in _CODE_SEPARATORS.split(text) if code]

    def chosen_area_codes(self) -> list[str]:
        """The codes ticked in the list, then those typed, each once."""
        data = self.cleaned_data
        return list(dict.fromkeys([*data.get("areas", []), *data.get("area_codes", [])]))


class AreaFileForm(forms.Form):
    file = forms.FileField(
        label=_("Areas file (CSV)"),
        help_text=_("UTF-8, with the header row of the example file. At most 2 MB."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > AREA_FILE_MOST_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB. Split it into several files."))
        return upload


class AreaApplyForm(forms.Form):
    """What the preview page sends back: the signed token naming the file and the changes it showed."""

    token = forms.CharField(widget=forms.HiddenInput)


HELPLINE_FORM_FIELDS: tuple[str, ...] = tuple(field.name for field in fields(HelplineNumberData))
# The model's own fields, validators included. Not a ModelForm: that would check the country's numbers
# itself, in the model's generic words; the service says "VN already has the number 111" on the field.
_HELPLINE_FIELDS = forms.fields_for_model(
    HelplineNumber,
    fields=HELPLINE_FORM_FIELDS,
    widgets={
        "name_vi": forms.TextInput(attrs={"lang": "vi"}),
        "name_km": forms.TextInput(attrs={"lang": "km"}),
        "hours_vi": forms.TextInput(attrs={"lang": "vi"}),
        "hours_km": forms.TextInput(attrs={"lang": "km"}),
    },
)


class HelplineNumberForm(forms.Form):
    def __init__(self, *args: Any, countries: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {name: copy.deepcopy(field) for name, field in _HELPLINE_FIELDS.items() if field}
        self.fields["country"] = forms.ChoiceField(label=_("Country"), choices=countries)
        self.fields["order"].help_text = _("Smaller numbers come first on the public pages.")
