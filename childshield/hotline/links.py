"""Links to the hotline items filed from a report: on its page, and on any record that came from it."""

from collections.abc import Iterable

from django.db.models import Model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from childshield.accounts.models import Membership
from childshield.accounts.related import RelatedLink
from childshield.hotline import selectors


def items_of_source_report(report_id: int, acting: Membership | None) -> Iterable[RelatedLink]:
    return [
        RelatedLink(
            kind=_("Hotline item"),
            label=item.number,
            url=reverse("hotline:item_detail", args=[item.pk]) if openable else "",
            status=item.get_status_display(),
        )
        for item, openable in selectors.items_from_report(membership=acting, report_id=report_id)
    ]


def items_of_report(report: Model, acting: Membership | None) -> Iterable[RelatedLink]:
    return items_of_source_report(report.pk, acting)
