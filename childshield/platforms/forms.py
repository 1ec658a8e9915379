"""Forms of the platforms' staff pages: a platform onboarded, a test notice asked for (a key's fields
are hashing's `ApiKeyFieldsForm`, its rotation `ApiKeyRotateForm`)."""

from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from childshield.hotline.models import HostingProvider
from childshield.platforms.models import WebhookSubscription


class PlatformCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=200, help_text=_("The company or the app, as people know it.")
    )
    country = forms.CharField(
        label=_("Country"),
        max_length=2,
        min_length=2,
        help_text=_("Where the platform is established: ISO 3166-1 alpha-2 code, e.g. VN or SG."),
    )
    contact_email = forms.EmailField(
        label=_("Contact e-mail for notices"),
        help_text=_(
            "The platform's abuse or trust-and-safety address: notices of record are e-mailed there."
        ),
    )
    providers = forms.ModelMultipleChoiceField(
        label=_("Hosting providers it answers for"),
        queryset=HostingProvider.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Notices to these go to the platform's webhooks too. Only providers no platform answers for yet."
        ),
    )

    def __init__(self, *args: Any, providers: QuerySet[HostingProvider], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"country": settings.CHILDSHIELD_COUNTRY})
        super().__init__(*args, **kwargs)
        field = self.fields["providers"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = providers

    def clean_country(self) -> str:
        country = str(self.cleaned_data["country"]).strip().upper()
        if not country.isalpha():
            raise forms.ValidationError(_("Two letters, e.g. VN."))
        return country


class WebhookTestForm(forms.Form):
    webhook = forms.ModelChoiceField(label=_("Webhook"), queryset=WebhookSubscription.objects.none())

    def __init__(self, *args: Any, webhooks: QuerySet[WebhookSubscription], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["webhook"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = webhooks
