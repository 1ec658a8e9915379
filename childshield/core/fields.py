"""Model fields whose values are stored encrypted with the keys in settings.FIELD_ENCRYPTION_KEYS."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.core import checks
from django.core.exceptions import FieldError
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.fields.mixins import CheckFieldDefaultMixin
from django.db.models.lookups import IsNull, Lookup, Transform

from childshield.core import crypto


class EncryptedLookupError(FieldError):
    """A query tried to compare an encrypted value, which the database only holds as ciphertext."""


class EncryptedField(models.TextField[Any, Any]):
    """A text column holding one Fernet token per value; subclasses say how a value becomes text.

    None is stored as NULL; every other value, the empty string included, is encrypted, so the
    column never tells which values are empty.
    """

    def to_plaintext(self, value: Any) -> str:
        raise NotImplementedError

    def from_plaintext(self, plaintext: str) -> Any:
        raise NotImplementedError

    def get_prep_value(self, value: Any) -> Any:
        # Field's, not TextField's: it resolves lazy strings without forcing the value to str.
        value = models.Field.get_prep_value(self, value)
        if value is None:
            return None
        return crypto.encrypt(self.to_plaintext(value))

    def from_db_value(self, value: str | None, expression: Any, connection: BaseDatabaseWrapper) -> Any:
        if value is None:
            return None
        try:
            plaintext = crypto.decrypt(value)
        except crypto.InvalidToken:
            # Never fall back to returning the stored text: it could be shown as if it were a value.
            raise crypto.DecryptionError(
                f"{self._label()}: a stored value cannot be decrypted with any key in "
                "FIELD_ENCRYPTION_KEYS (missing key, or not a token written by this field)."
            ) from None
        return self.from_plaintext(plaintext)

    def get_lookup(self, lookup_name: str) -> type[Lookup[Any]] | None:
        if lookup_name == IsNull.lookup_name:
            return super().get_lookup(lookup_name)
        raise EncryptedLookupError(self._refusal(lookup_name))

    def get_transform(self, lookup_name: str) -> type[Transform] | None:
        raise EncryptedLookupError(self._refusal(lookup_name))

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        errors = super().check(**kwargs)
        # getattr: django-stubs does not declare Field.db_index.
        if self.unique or getattr(self, "db_index", False):
            # Each encryption of a value differs, so an index or a uniqueness rule on the token
            # costs space and guarantees nothing.
            errors.append(
                checks.Error(
                    "An encrypted field cannot be unique or indexed; index a blind index column instead.",
                    obj=self,
                    id="core.E001",
                )
            )
        return errors

    def _label(self) -> str:
        model = getattr(self, "model", None)
        return f"{model._meta.label}.{self.name}" if model is not None else f"encrypted field {self.name}"

    def _refusal(self, lookup_name: str) -> str:
        return (
            f"{self._label()} is encrypted, so it cannot be queried with '{lookup_name}': "
            "search its blind index instead (only 'isnull' is allowed)."
        )


class EncryptedTextField(EncryptedField):
    """Text such as a name, a phone number or a note, encrypted at rest."""

    description = "Text, encrypted at rest"

    def to_plaintext(self, value: Any) -> str:
        return str(self.to_python(value))

    def from_plaintext(self, plaintext: str) -> str:
        return plaintext


class EncryptedJSONField(CheckFieldDefaultMixin, EncryptedField):
    """A JSON-serialisable value (dict, list, str, number, bool), encrypted at rest as JSON text.

    None is NULL, so a JSON null cannot be stored as such.
    """

    # What django-stubs' plugin reads as the field's Python type: any JSON value, not TextField's str.
    _pyi_private_set_type: Any
    _pyi_private_get_type: Any

    description = "A JSON value, encrypted at rest"
    empty_strings_allowed = False
    _default_hint = ("dict", "{}")

    def to_python(self, value: Any) -> Any:
        # The value is already Python data; TextField's to_python would turn it into a str.
        return value

    def to_plaintext(self, value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    def from_plaintext(self, plaintext: str) -> Any:
        return json.loads(plaintext)

    def value_to_string(self, obj: models.Model) -> Any:
        # As Django's JSONField: serialisers write the data itself, not a str() of it.
        return self.value_from_object(obj)

    def formfield(
        self,
        form_class: type[forms.Field] | None = None,
        choices_form_class: type[forms.ChoiceField] | None = None,
        **kwargs: Any,
    ) -> forms.Field | None:
        return super().formfield(
            form_class=form_class or forms.JSONField, choices_form_class=choices_form_class, **kwargs
        )
