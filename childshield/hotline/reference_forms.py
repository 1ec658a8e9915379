"""Forms of the reference pages: a hosting provider, its AS numbers, IP ranges and domains typed as
text (read by `provider_lists`, every wrong line reported), and a partner hotline or police contact."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from childshield.hotline.models import HostingProvider, PartnerHotline, RecipientKind
from childshield.hotline.provider_lists import ReadList, asns_read, domains_read, networks_read
from childshield.hotline.services.reference import PartnerData, ProviderData

_LIST_WIDGET = {"rows": 4, "spellcheck": "false", "autocomplete": "off", "autocapitalize": "none"}


def _country(value: str, *, required: bool) -> str:
    country = value.strip().upper()
    if (country or required) and (len(country) != 2 or not country.isascii() or not country.isalpha()):
        raise forms.ValidationError(_("Two letters (ISO 3166-1 alpha-2), e.g. VN."))
    return country


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search by name, e-mail, country, AS number, IP address or domain"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "spellcheck": "false"}),
    )


class ProviderForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    is_platform = forms.BooleanField(
        label=_("A platform"), required=False, help_text=_("A service people post on, rather than a host.")
    )
    country = forms.CharField(
        label=_("Country"),
        max_length=2,
        required=False,
        help_text=_("Where it is established: ISO 3166-1 alpha-2 code, e.g. VN or SG."),
    )
    abuse_email = forms.EmailField(
        label=_("Abuse e-mail"), required=False, help_text=_("Notices to remove content are sent here.")
    )
    asns = forms.CharField(
        label=_("AS numbers"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs=_LIST_WIDGET),
        help_text=_(
            "One per line or separated by commas, e.g. AS13335 or 13335. Traces match them only where "
            "the ASN database is installed."
        ),
    )
    networks = forms.CharField(
        label=_("IP ranges"),
        required=False,
        max_length=100_000,
        widget=forms.Textarea(attrs=_LIST_WIDGET),
        help_text=_(
            "One per line or separated by commas: IPv4 or IPv6 ranges (203.0.113.0/24, 2001:db8::/32), "
            "single addresses, or 203.0.113.0 - 203.0.113.255 as whois writes them."
        ),
    )
    domains = forms.CharField(
        label=_("Domains"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs=_LIST_WIDGET),
        help_text=_("Hosts under these belong to it: example-video.com covers www.example-video.com."),
    )
    webhook_url = forms.URLField(
        label=_("Platform webhook"),
        required=False,
        assume_scheme="https",
        max_length=200,
        help_text=_("Used once platforms connect through the API."),
    )

    @classmethod
    def for_provider(cls, provider: HostingProvider) -> "ProviderForm":
        return cls(
            initial={
                "name": provider.name,
                "is_platform": provider.is_platform,
                "country": provider.country,
                "abuse_email": provider.abuse_email,
                "asns": "\n".join(f"AS{asn}" for asn in provider.asns),
                "networks": "\n".join(provider.networks),
                "domains": "\n".join(provider.domains),
                "webhook_url": provider.webhook_url,
            }
        )

    def _lines(self, name: str, read: Any) -> Any:
        found = read(self.cleaned_data[name])
        if found.problems:
            raise forms.ValidationError(found.problems)
        return found

    def clean_country(self) -> str:
        return _country(self.cleaned_data["country"], required=False)

    def clean_asns(self) -> ReadList[int]:
        found: ReadList[int] = self._lines("asns", asns_read)
        return found

    def clean_networks(self) -> ReadList[str]:
        found: ReadList[str] = self._lines("networks", networks_read)
        return found

    def clean_domains(self) -> ReadList[str]:
        found: ReadList[str] = self._lines("domains", domains_read)
        return found

    def data_read(self) -> tuple[ProviderData, list[str]]:
        """What to save, and the notes on entries saved in another form than typed."""
        cleaned = self.cleaned_data
        lists = {name: cleaned[name] for name in ("asns", "networks", "domains")}
        data = ProviderData(
            name=cleaned["name"],
            is_platform=cleaned["is_platform"],
            country=cleaned["country"],
            abuse_email=cleaned["abuse_email"],
            webhook_url=cleaned["webhook_url"],
            **{name: found.values for name, found in lists.items()},
        )
        notes = [
            f"{self.fields[name].label}: {note}" for name, found in lists.items() for note in found.notes
        ]
        return data, notes


class PartnerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(RecipientKind.PARTNER_HOTLINE, _("Partner hotline")), (RecipientKind.POLICE, _("Police"))],
        widget=forms.RadioSelect,
        initial=RecipientKind.PARTNER_HOTLINE,
        help_text=_(
            "Items hosted in its country are escalated to a partner hotline; the police of the hotline's "
            "own country receive escalations of items hosted at home or where no partner is known."
        ),
    )
    country = forms.CharField(
        label=_("Country"), max_length=2, help_text=_("ISO 3166-1 alpha-2 code, e.g. TH.")
    )
    email = forms.EmailField(label=_("E-mail"), help_text=_("Escalations are sent here."))

    @classmethod
    def for_partner(cls, partner: PartnerHotline) -> "PartnerForm":
        return cls(
            initial={
                "name": partner.name,
                "kind": partner.kind,
                "country": partner.country,
                "email": partner.email,
            }
        )

    def clean_country(self) -> str:
        return _country(self.cleaned_data["country"], required=True)

    def data_read(self) -> PartnerData:
        cleaned = self.cleaned_data
        return PartnerData(
            name=cleaned["name"], country=cleaned["country"], kind=cleaned["kind"], email=cleaned["email"]
        )
