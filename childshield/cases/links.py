"""Links from a report to the cases opened from it, for the report's page (intake never imports cases).

Someone who may open the case sees its number, status and a link; anyone else who can read the
report learns only that a case was opened, so the report is not worked twice, and nothing more.
"""

from collections.abc import Iterable

from django.db.models import Model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from childshield.accounts.models import Membership
from childshield.accounts.related import RelatedLink
from childshield.cases.selectors.cases import cases_from_report


def cases_of_report(report: Model, acting: Membership | None) -> Iterable[RelatedLink]:
    if acting is None:
        return []
    cases, others = cases_from_report(acting=acting, report_id=report.pk)
    links = [
        RelatedLink(
            kind=_("Case"),
            label=case.number,
            url=reverse("cases:case_detail", args=[case.pk]),
            status=case.get_status_display(),
        )
        for case in cases
    ]
    if others:
        links.append(RelatedLink(kind=_("Case"), label=str(_("A case was opened")), url=""))
    return links
