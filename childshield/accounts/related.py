"""Links between records of apps that may not import each other: "where this came from, what it led to".

A case and a hotline item sit side by side (neither may import the other) and a helpline contact sits
above both; yet the whole story of a report must be readable from any end. An app that holds a link
registers, from its AppConfig.ready(), a provider for the model it links to; the page of that model
asks `related_for` and shows what comes back. Each provider decides itself what the acting member may
see, and returns nothing they may not.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Model
from django.utils.functional import Promise

from childshield.accounts.models import Membership


@dataclass(frozen=True)
class RelatedLink:
    kind: str | Promise  # what the other record is, translated: "Helpline contact", "Hotline item"
    label: str  # its number or reference; never a child's name
    url: str  # empty when the member may know it exists but not open it
    status: str | Promise = ""


Provider = Callable[[Model, Membership | None], Iterable[RelatedLink]]

_PROVIDERS: dict[str, list[Provider]] = {}


def register(model_label: str, provider: Provider) -> None:
    """Add a provider of links for records of `model_label` ("cases.Case", "intake.Report")."""
    providers = _PROVIDERS.setdefault(model_label.lower(), [])
    if provider not in providers:
        providers.append(provider)


def related_for(obj: Model, acting: Membership | None) -> list[RelatedLink]:
    links: list[RelatedLink] = []
    for provider in _PROVIDERS.get(obj._meta.label_lower, []):
        links.extend(provider(obj, acting))
    return links
