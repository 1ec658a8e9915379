"""The form of an exchange connection; its secrets are never shown back (empty keeps the stored one)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from childshield.exchanges.adapters import adapter_for
from childshield.exchanges.models import ExchangeConnection, ExchangeKind
from childshield.exchanges.services import ConnectionData
from childshield.hashing.models import HashBank


def _credentials() -> dict[str, tuple[Any, list[str]]]:
    """Every kind's credentials, once each: name -> (label, the exchanges that take it)."""
    found: dict[str, tuple[Any, list[str]]] = {}
    for kind in ExchangeKind:
        for credential in adapter_for(kind).credential_fields:
            found.setdefault(credential.name, (credential.label, []))[1].append(str(kind.label))
    return found


CREDENTIALS = _credentials()


class ConnectionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Exchange"), choices=ExchangeKind.choices)
    bank = forms.ModelChoiceField(label=_("Bank"), queryset=HashBank.objects.none())
    imports = forms.BooleanField(label=_("Import the exchange's PDQ hashes into the bank"), required=False)
    exports = forms.BooleanField(
        label=_("Send the bank's new PDQ hashes to the exchange"),
        required=False,
        help_text=_("StopNCII and ThreatExchange only: the NCMEC client cannot send hashes."),
    )
    base_url = forms.CharField(
        label=_("Address of the exchange's API"),
        max_length=500,
        required=False,
        help_text=_("Leave empty for the client's own address (the exchange's production service)."),
    )
    collaboration = forms.CharField(
        label=_("ThreatExchange privacy group"), max_length=100, required=False, help_text=_("Its number.")
    )
    every_minutes = forms.IntegerField(label=_("Run every (minutes)"), min_value=5, initial=60)

    def __init__(
        self, *args: Any, banks: QuerySet[HashBank], has_secrets: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        bank_field = self.fields["bank"]
        assert isinstance(bank_field, forms.ModelChoiceField)
        bank_field.queryset = banks
        for name, (label, kinds) in CREDENTIALS.items():
            kept = _("Stored: leave empty to keep it.") if has_secrets else ""
            self.fields[f"secret_{name}"] = forms.CharField(
                label=f"{label} ({', '.join(kinds)})",
                required=False,
                max_length=500,
                strip=True,
                widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
                help_text=kept,
            )

    def secret_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("secret_")]

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if not name.startswith("secret_")]

    def connection_data(self) -> ConnectionData:
        data = self.cleaned_data
        return ConnectionData(
            name=data["name"],
            kind=data["kind"],
            bank=data["bank"],
            base_url=data["base_url"],
            collaboration=data["collaboration"],
            imports=data["imports"],
            exports=data["exports"],
            every_minutes=data["every_minutes"],
            credentials={name: data[f"secret_{name}"] for name in CREDENTIALS if data.get(f"secret_{name}")},
        )


def initial_of(connection: ExchangeConnection) -> dict[str, object]:
    return {
        "name": connection.name,
        "kind": connection.kind,
        "bank": connection.bank_id,
        "imports": connection.imports,
        "exports": connection.exports,
        "base_url": connection.base_url,
        "collaboration": connection.collaboration,
        "every_minutes": connection.every_minutes,
    }
