"""Links between records of apps that may not import each other: "where this came from, what it led to".

A case and a hotline item sit side by side (neither may import the other) and a helpline contact sits
above both; yet the whole story of a report must be readable from any end. An app that holds a link
registers, from its AppConfig.ready(), a provider in one of two forms, and the page of a record asks
`related_for` and shows what comes back:

- `register(model_label, provider)`: links for records of one model, named by its label
  ("intake.Report", "hotline.ContentItem"); the provider gets the record;
- `register_from_report(provider)`: links for every record that came from a report, whatever its
  app: any record with a `source_report_id` (a case opened from a report); the provider gets that
  report's id, so it can list what else came from the same report without naming the record's app.

Links through the source report come first, then those of the record's own model, each in the order
the providers were registered. Each provider decides itself what the acting member may see, and returns
nothing they may not.
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
ReportProvider = Callable[[int, Membership | None], Iterable[RelatedLink]]

_PROVIDERS: dict[str, list[Provider]] = {}
_FROM_REPORT: list[ReportProvider] = []


def register(model_label: str, provider: Provider) -> None:
    """Add a provider of links for records of `model_label` ("cases.Case", "intake.Report")."""
    providers = _PROVIDERS.setdefault(model_label.lower(), [])
    if provider not in providers:
        providers.append(provider)


def register_from_report(provider: ReportProvider) -> None:
    """Add a provider of links for every record that came from a report, given the report's id."""
    if provider not in _FROM_REPORT:
        _FROM_REPORT.append(provider)


def related_for(obj: Model, acting: Membership | None) -> list[RelatedLink]:
    links: list[RelatedLink] = []
    source_report_id = getattr(obj, "source_report_id", None)
    if isinstance(source_report_id, int):
        for from_report in _FROM_REPORT:
            links.extend(from_report(source_report_id, acting))
    for provider in _PROVIDERS.get(obj._meta.label_lower, []):
        links.extend(provider(obj, acting))
    return links
