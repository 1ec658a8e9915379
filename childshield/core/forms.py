"""What every app's forms share: the choices of a model field narrowed to what the acting member may pick."""

from typing import Any

from django import forms
from django.db.models import QuerySet


def choices_limit(form: forms.BaseForm, name: str, queryset: QuerySet[Any]) -> None:
    """Offer (and accept) only `queryset` in the form's model choice field `name`."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset
