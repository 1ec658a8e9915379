"""Forms of the places pages: the filter of the area list."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


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
