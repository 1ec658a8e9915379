"""Forms of the directory pages: they check the shape of what was typed; services.py checks the rules."""

from __future__ import annotations

import re
from datetime import time
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from childshield.accounts.models import Agency
from childshield.core.forms import choices_limit
from childshield.directory.models import Resource, ServiceKind, ServiceLanguage, Weekday
from childshield.directory.services import PLAIN_FIELDS, HoursRange, ResourceDetails
from childshield.places.models import Area

# "07:30", "7.30", "7h30", "7h" or "7" (as Vietnamese write times), Khmer digits too (\d matches them).
_TIME = r"(\d{1,2})(?:[:.hH](\d{2})?)?"
_RANGE = re.compile(rf"^\s*{_TIME}\s*[-\u2013\u2014]\s*{_TIME}\s*$")


class AreaChoiceField(forms.ModelChoiceField[Area]):
    def label_from_instance(self, obj: Area) -> str:
        return _area_label(obj)


class AreaMultipleChoiceField(forms.ModelMultipleChoiceField[Area]):
    def label_from_instance(self, obj: Area) -> str:
        return _area_label(obj)


def _area_label(area: Area) -> str:
    if area.level in (Area.Level.DISTRICT, Area.Level.COMMUNE) and area.parent_id:
        return f"{area.name}, {area.parent.name}" if area.parent else area.name
    if area.level == Area.Level.COUNTRY:
        return str(_("%(country)s, the whole country") % {"country": area.name})
    return area.name


def parse_hours(text: str, *, weekday: int) -> list[HoursRange]:
    """ "07:30-11:30, 13:30-17:00" as ranges of `weekday`; raises ValidationError on anything else."""
    ranges = []
    for part in (piece for piece in re.split(r"[,;]", text) if piece.strip()):
        match = _RANGE.match(part)
        if match is None:
            raise forms.ValidationError(_("Write times like 07:30-11:30, 13:30-17:00."))
        h1, m1, h2, m2 = (int(group or 0) for group in match.groups())
        if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2):
            raise forms.ValidationError(_("%(time)s is not a time of day.") % {"time": part.strip()})
        opens, closes = time(h1, m1), time(0, 0) if h2 == 24 else time(h2, m2)
        ranges.append(HoursRange(weekday=weekday, opens=opens, closes=closes))
    return ranges


def format_hours(ranges: list[HoursRange]) -> str:
    return ", ".join(f"{r.opens:%H:%M}-{r.closes:%H:%M}" for r in sorted(ranges, key=lambda r: r.opens))


class ResourceSearchForm(forms.Form):
    q = forms.CharField(label=_("Name or words"), required=False, max_length=200)
    kind = forms.ChoiceField(
        label=_("Kind of service"), required=False, choices=[("", _("Any kind")), *ServiceKind.choices]
    )
    area = AreaChoiceField(
        label=_("Area"), required=False, queryset=Area.objects.none(), empty_label=_("Any area")
    )
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("Any language")), *ServiceLanguage.choices]
    )
    open_now = forms.BooleanField(label=_("Open now"), required=False)
    self_referral = forms.BooleanField(label=_("Children and families can go directly"), required=False)
    inactive = forms.BooleanField(label=_("Include services no longer active"), required=False)

    def __init__(self, *args: Any, areas: QuerySet[Area], may_see_inactive: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices_limit(self, "area", areas)
        if not may_see_inactive:
            del self.fields["inactive"]


class ResourceForm(forms.Form):
    name_vi = forms.CharField(label=_("Name in Vietnamese"), required=False, max_length=200)
    name_km = forms.CharField(label=_("Name in Khmer"), required=False, max_length=200)
    name_en = forms.CharField(label=_("Name in English"), required=False, max_length=200)
    kinds = forms.MultipleChoiceField(
        label=_("Kinds of service"), choices=ServiceKind.choices, widget=forms.CheckboxSelectMultiple
    )
    areas = AreaMultipleChoiceField(
        label=_("Areas served"),
        queryset=Area.objects.none(),
        help_text=_("Choose the country itself for a service that helps everyone in it."),
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages the staff speak"),
        required=False,
        choices=ServiceLanguage.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    always_open = forms.BooleanField(label=_("Open 24 hours, 7 days"), required=False)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=60)
    email = forms.EmailField(label=_("E-mail"), required=False)
    address = forms.CharField(label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    agency = forms.ModelChoiceField(
        label=_("Agency in childshield that runs it"),
        required=False,
        queryset=Agency.objects.none(),
        help_text=_("Referrals can then be sent to it here."),
    )
    accepts_self_referral = forms.BooleanField(
        label=_("Children and families can go directly"), required=False
    )
    free_of_charge = forms.BooleanField(label=_("Free of charge"), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    last_verified = forms.DateField(
        label=_("Last checked"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The day someone last checked these details with the service."),
    )

    def __init__(
        self, *args: Any, areas: QuerySet[Area], agencies: QuerySet[Agency], country: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.country = country
        choices_limit(self, "areas", areas)
        choices_limit(self, "agency", agencies)
        for day, label in Weekday.choices:
            self.fields[f"hours_{day}"] = forms.CharField(
                label=label,
                required=False,
                max_length=100,
                widget=forms.TextInput(attrs={"placeholder": "07:30-11:30, 13:30-17:00"}),
            )
        if not self.is_bound and "last_verified" not in self.initial:
            self.initial["last_verified"] = timezone.localdate()

    def hour_fields(self) -> list[forms.BoundField]:
        return [self[f"hours_{day}"] for day in Weekday.values]

    def main_fields(self) -> list[forms.BoundField]:
        return [field for field in self if not field.name.startswith("hours_")]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any((data.get(name) or "").strip() for name in ("name_vi", "name_km", "name_en")):
            self.add_error("name_en", _("Give the service a name in at least one language."))
        hours: list[HoursRange] = []
        for day in Weekday.values:
            try:
                hours += parse_hours(data.get(f"hours_{day}") or "", weekday=day)
            except forms.ValidationError as error:
                self.add_error(f"hours_{day}", error)
        data["hours"] = hours
        return data

    def details(self) -> ResourceDetails:
        data = self.cleaned_data
        return ResourceDetails(
            country=self.country,
            name_vi=data["name_vi"].strip(),
            name_km=data["name_km"].strip(),
            name_en=data["name_en"].strip(),
            kinds=list(data["kinds"]),
            areas=list(data["areas"]),
            languages=list(data["languages"]),
            always_open=data["always_open"],
            hours=[] if data["always_open"] else data["hours"],
            phone=data["phone"].strip(),
            email=data["email"],
            address=data["address"].strip(),
            website=data["website"],
            agency=data["agency"],
            accepts_self_referral=data["accepts_self_referral"],
            free_of_charge=data["free_of_charge"],
            notes=data["notes"].strip(),
            is_active=data["is_active"],
            last_verified=data["last_verified"],
        )

    @staticmethod
    def initial_for(resource: Resource) -> dict[str, Any]:
        """The form's starting values for an existing service (its rows prefetched by the selector)."""
        initial: dict[str, Any] = {
            name: getattr(resource, name) for name in PLAIN_FIELDS if name not in {"country", "agency"}
        }
        initial["agency"] = resource.agency_id
        initial["kinds"] = resource.kind_values
        initial["languages"] = resource.language_values
        initial["areas"] = [area.pk for area in resource.areas.all()]
        for day, ranges in enumerate(resource.hours_by_day()):
            initial[f"hours_{day}"] = format_hours(
                [HoursRange(weekday=day, opens=row.opens, closes=row.closes) for row in ranges[1]]
            )
        return initial
