"""Links from cases and reports to their helpline contacts, and from a held report to its reply page
(cases and intake never import helpline).

`register_related_links` is called from HelplineConfig.ready(); each provider returns only the
contacts the acting member may open (their own, or their helpline's for a supervisor).
"""

from collections.abc import Iterable

from django.db.models import Model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from childshield.accounts import related
from childshield.accounts.models import Membership
from childshield.accounts.related import RelatedLink
from childshield.helpline import selectors
from childshield.helpline.models import Contact
from childshield.intake.models import Report


def _links(contacts: list[Contact]) -> list[RelatedLink]:
    return [
        RelatedLink(
            kind=_("Helpline contact"),
            label=f"#{contact.pk} · {contact.started_at:%Y-%m-%d}",
            url=reverse("helpline:contact_detail", args=[contact.pk]),
            status=contact.get_outcome_display(),
        )
        for contact in contacts
    ]


def contacts_of_case(case: Model, acting: Membership | None) -> Iterable[RelatedLink]:
    report_id = getattr(case, "source_report_id", None)
    return _links(selectors.contacts_linked(acting=acting, case_id=case.pk, case_report_id=report_id))


def contacts_of_report(report: Model, acting: Membership | None) -> Iterable[RelatedLink]:
    return _links(selectors.contacts_linked(acting=acting, report_id=report.pk))


def contacts_of_hotline_item(item: Model, acting: Membership | None) -> Iterable[RelatedLink]:
    return _links(selectors.contacts_of_hotline_item(acting=acting, item_id=item.pk))


def reply_of_report(report: Model, acting: Membership | None) -> Iterable[RelatedLink]:
    """The queue's reply page of a report the acting counsellor holds, from the report's page."""
    if not isinstance(report, Report):
        return []
    if not selectors.report_held_by_acting(acting=acting, report_id=report.pk):
        return []
    return [
        RelatedLink(
            kind=_("Reply from the queue"),
            label=report.display_reference,
            url=reverse("helpline:queue_reply", args=[report.reference]),
            status=_("You hold it"),
        )
    ]


def register_related_links() -> None:
    related.register("cases.Case", contacts_of_case)
    related.register("intake.Report", reply_of_report)
    related.register("intake.Report", contacts_of_report)
    related.register("hotline.ContentItem", contacts_of_hotline_item)
