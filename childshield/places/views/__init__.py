"""Staff pages of places: areas (the tree, a file's import with its preview), agencies and the areas
they serve, helpline numbers."""

from django import forms

from childshield.core.errors import ApplicationError


def show_refusal(form: forms.Form, error: ApplicationError) -> None:
    """A service's refusal on the form: beside the field it names (`extra["field"]`), else above all."""
    field = str(error.extra.get("field", ""))
    form.add_error(field if field in form.fields else None, str(error.message))
