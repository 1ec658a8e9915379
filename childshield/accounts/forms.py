"""Forms for signing in, two-factor codes, password resets, memberships and one's own languages."""

from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction
from django.template import loader
from django.utils.translation import gettext_lazy as _

from childshield.accounts.models import Agency, Role
from childshield.accounts.selectors import users_for_password_reset
from childshield.core.choices import WritingLanguage
from childshield.core.forms import choices_limit
from childshield.outbox.services import email_enqueue


class SignInForm(forms.Form):
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "size": 8}
        ),
    )

    def clean_token(self) -> str:
        token: str = self.cleaned_data["token"].replace(" ", "")
        if not token.isdigit() or len(token) != 6:
            raise forms.ValidationError(_("Enter the six digits your app shows."))
        return token


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, with the e-mail sent through the outbox by a worker.

    Invited people have no password yet, so the link is sent to every active account with the
    address (Django's form skips accounts without a usable password).
    """

    def get_users(self, email: str) -> Iterator[Any]:
        return iter(users_for_password_reset(email=email))

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        with transaction.atomic():
            email_enqueue(subject=subject, body=body, to=[to_email])


class MembershipCreateForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none())

    def __init__(self, *args: Any, agencies: Any, roles: list[Role], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices_limit(self, "agency", agencies)
        # Only the roles the acting administrator may give; the service refuses the others too.
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = [(role.value, role.label) for role in roles]
        if agencies.count() == 1:
            self.fields["agency"].initial = agencies.first()


class LanguagesForm(forms.Form):
    languages = forms.MultipleChoiceField(
        label=_("The languages you write to children in"),
        help_text=_("The queue offers you reports in these languages first, after the urgent ones."),
        choices=WritingLanguage.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class RecoveryCodeForm(forms.Form):
    recovery_code = forms.CharField(
        label=_("Recovery code"),
        max_length=24,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )


class MemberImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: email, full_name, agency (its short code), role (e.g. case_worker), "
            "and languages if you like (e.g. vi en). The first line names the columns."
        ),
    )


class TwoFactorResetForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        help_text=_("What happened, and how you checked who asked. It is kept in the audit log."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
