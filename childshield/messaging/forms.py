"""The form a helpline supervisor adds or changes a chat channel with. Tokens and secrets are written,
never shown back: left empty when changing a channel, the stored ones are kept."""

import copy
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from childshield.core.choices import WritingLanguage
from childshield.messaging.models import ChannelKind, ChatChannel

# The settings each kind reads from `ChatChannel.config`, as form fields (docs/channels.md).
CONFIG_FIELDS: dict[str, forms.Field] = {
    "verify_token": forms.CharField(
        label=_("Verify token (Messenger)"),
        required=False,
        max_length=200,
        help_text=_(
            "The word you type in Meta's webhook settings; childshield answers Meta's check with it."
        ),
    ),
    "page_id": forms.CharField(label=_("Page id (Messenger)"), required=False, max_length=100),
    "app_id": forms.CharField(label=_("App id (Zalo)"), required=False, max_length=100),
    "app_secret": forms.CharField(
        label=_("App secret key (Zalo)"), required=False, max_length=200, widget=forms.PasswordInput
    ),
    "refresh_token": forms.CharField(
        label=_("Refresh token (Zalo)"), required=False, max_length=500, widget=forms.PasswordInput
    ),
    "account_sid": forms.CharField(label=_("Account SID (Twilio)"), required=False, max_length=100),
    "from": forms.CharField(label=_("Number messages are sent from (SMS)"), required=False, max_length=40),
    "send_url": forms.URLField(
        label=_("Sending address of the gateway (SMS)"), required=False, max_length=500, assume_scheme="https"
    ),
    "language": forms.ChoiceField(
        label=_("Language of the automatic messages"),
        required=False,
        choices=[("", _("The country's language")), *WritingLanguage.choices],
    ),
}
# Of those, what is never shown back.
SECRET_CONFIG = frozenset({"app_secret", "refresh_token"})


class ChannelForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ChannelKind.choices)
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("How counsellors see it, e.g. 111 Zalo.")
    )
    enabled = forms.BooleanField(label=_("On: messages are taken and replies sent"), required=False)
    token = forms.CharField(
        label=_("Access token"),
        required=False,
        max_length=1000,
        widget=forms.PasswordInput,
        help_text=_("What the provider gave to send messages. Left empty, the stored one is kept."),
    )
    secret = forms.CharField(
        label=_("Secret"),
        required=False,
        max_length=500,
        widget=forms.PasswordInput,
        help_text=_(
            "What checks that a message really comes from the provider. Left empty, the stored one is kept."
        ),
    )
    opens_at = forms.TimeField(label=_("Opens at"), required=False, help_text=_("Empty: always open."))
    closes_at = forms.TimeField(label=_("Closes at"), required=False)
    shared_account_warning = forms.BooleanField(
        label=_("Warn that others may see the chat"),
        required=False,
        help_text=_("Say in the first answer that people who share the phone or account may read it."),
    )

    def __init__(self, *args: Any, channel: ChatChannel | None = None, **kwargs: Any) -> None:
        if channel is not None:
            kwargs.setdefault(
                "initial",
                {
                    "kind": channel.kind,
                    "name": channel.name,
                    "enabled": channel.enabled,
                    "opens_at": channel.opens_at,
                    "closes_at": channel.closes_at,
                    "shared_account_warning": channel.shared_account_warning,
                    **{
                        k: v
                        for k, v in channel.config.items()
                        if k in CONFIG_FIELDS and k not in SECRET_CONFIG
                    },
                },
            )
        super().__init__(*args, **kwargs)
        for name, field in CONFIG_FIELDS.items():
            self.fields[name] = copy.deepcopy(field)
        if channel is not None:
            self.fields["kind"].disabled = True  # a channel's webhook address is for one provider

    def applied_to(self, channel: ChatChannel) -> ChatChannel:
        """The channel with the form's values; empty secrets keep what is stored."""
        data = self.cleaned_data
        if channel.pk is None:
            channel.kind = data["kind"]
        channel.name = data["name"]
        channel.enabled = data["enabled"]
        channel.opens_at, channel.closes_at = data["opens_at"], data["closes_at"]
        channel.shared_account_warning = data["shared_account_warning"]
        if data["token"]:
            channel.token = data["token"]
        if data["secret"]:
            channel.secret = data["secret"]
        config = dict(channel.config)
        if data["token"]:
            config.pop("token_expires_at", None)  # a new token's lifetime is not known
        for name in CONFIG_FIELDS:
            value = data.get(name) or ""
            if value or name not in SECRET_CONFIG:
                config[name] = value
        channel.config = {key: value for key, value in config.items() if value}
        return channel
