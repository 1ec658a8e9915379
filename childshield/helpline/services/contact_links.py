"""Where a contact leads: a case opened for the child, and web addresses reported to the hotline."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from childshield.accounts.models import Membership
from childshield.accounts.permissions import require
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.cases.models import Case
from childshield.cases.permissions import CasePerm
from childshield.cases.services.opening import ChildInput, case_open
from childshield.core.errors import ApplicationError
from childshield.helpline.models import Contact, ContactHotlineItem
from childshield.helpline.permissions import HelplinePerm
from childshield.hotline.models import ContentItem, SourceKind
from childshield.hotline.selectors import hotline_agency_for
from childshield.hotline.services.items import content_item_report
from childshield.places.models import Area


def _record(acting: Membership, contact: Contact, reason: str) -> None:
    audit.record(
        action=AuditAction.UPDATE, actor=acting.user, agency=acting.agency, obj=contact, reason=reason
    )


@dataclass(frozen=True)
class CaseFromContact:
    """What the counsellor confirms to open a case, prefilled from the contact."""

    child_name: str
    area: Area
    risk_level: str
    harm_types: list[str]
    estimated_age: int | None = None
    gender: str = "unknown"
    summary: str = ""
    duplicates_acknowledged: bool = False


@transaction.atomic
def contact_case_open(*, acting: Membership, contact: Contact, data: CaseFromContact) -> Case:
    """Open a case (the cases app's own `case_open`, the counsellor as lead worker) for the child of a
    contact, and link the two: the contact holds the case, the case finds the contact through the
    related-records registry, and the case keeps the contact's report as its source."""
    require(acting, HelplinePerm.CONTACT_LOG)
    require(acting, CasePerm.CASE_OPEN)
    if contact.agency_id != acting.agency_id:
        raise ApplicationError(_("This contact belongs to another helpline."), code="forbidden")
    # Locked, so that the same form sent twice opens one case.
    locked = Contact.objects.select_for_update().get(pk=contact.pk)
    if locked.case_id is not None:
        raise ApplicationError(_("A case is already open from this contact."), code="case_exists")
    case = case_open(
        acting=acting,
        child=ChildInput(
            full_name=data.child_name,
            area=data.area,
            estimated_age=data.estimated_age,
            gender=data.gender,
        ),
        risk_level=data.risk_level,
        harm_types=data.harm_types,
        summary=data.summary,
        duplicates_acknowledged=data.duplicates_acknowledged,
        source_report=locked.report,
    )
    Contact.objects.filter(pk=locked.pk).update(case=case)
    contact.case = case
    _record(acting, contact, f"case {case.number} opened from contact {contact.pk}")
    return case


@dataclass(frozen=True)
class AddressResult:
    line: int
    text: str
    item: ContentItem | None = None
    error: str = ""


@transaction.atomic
def contact_addresses_report(*, acting: Membership, contact: Contact, text: str) -> list[AddressResult]:
    """Report to the hotline the web addresses a caller gave (one a line), linked to their contact.

    Each good line becomes (or joins) a hotline item of the country's hotline; a bad one says why
    and the others are still filed. The addresses are not logged: the hotline keeps them encrypted.
    """
    require(acting, HelplinePerm.CONTACT_LOG)
    if contact.agency_id != acting.agency_id:
        raise ApplicationError(_("This contact belongs to another helpline."), code="forbidden")
    hotline = hotline_agency_for(country=acting.agency.country)
    if hotline is None:
        raise ApplicationError(_("No hotline receives reported addresses here."), code="no_hotline")
    results: list[AddressResult] = []
    lines = [line.strip() for line in text.splitlines()]
    for number, line in enumerate(lines, start=1):
        if not line:
            continue
        try:
            item = content_item_report(
                acting=None,
                url=line,
                source=SourceKind.CONTACT,
                report=contact.report,
                reference=f"helpline contact {contact.pk}",
                agency=hotline,
            )
        except ApplicationError as error:
            results.append(AddressResult(number, line, error=str(error.message)))
            continue
        ContactHotlineItem.objects.get_or_create(contact=contact, item=item, defaults={"added_by": acting})
        results.append(AddressResult(number, line, item=item))
    if not results:
        raise ApplicationError(_("Write at least one web address, one a line."), code="addresses_missing")
    filed = sum(1 for result in results if result.item is not None)
    if filed:
        _record(acting, contact, f"{filed} web address(es) of contact {contact.pk} reported to the hotline")
    return results
