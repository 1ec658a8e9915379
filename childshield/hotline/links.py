"""Links from reports and cases to the hotline items that came from them (hotline never imports cases)."""

from collections.abc import Iterable

from django.db.models import Model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from childshield.accounts.models import Membership
from childshield.accounts.related import RelatedLink
from childshield.hotline import selectors


def _links(report_id: int | None, acting: Membership | None) -> list[RelatedLink]:
    if report_id is None:
        return []
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
    return _links(report.pk, acting)


def items_of_case(case: Model, acting: Membership | None) -> Iterable[RelatedLink]:
    return _links(getattr(case, "source_report_id", None), acting)
