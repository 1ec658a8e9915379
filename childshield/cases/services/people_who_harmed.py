"""Recording the people who harmed the child."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from childshield.accounts.models import Membership
from childshield.audit.models import AuditAction
from childshield.cases.models import Case, PersonWhoHarmed
from childshield.cases.models.people_who_harmed import HarmerAge, HarmerContact, HarmerRelationship
from childshield.cases.permissions import require_edit
from childshield.cases.services.case_writes import audit_record, case_check_open
from childshield.core.errors import ApplicationError


@transaction.atomic
def person_who_harmed_add(
    *,
    acting: Membership,
    case: Case,
    relationship: str,
    contact: str,
    age_group: str,
    identity_known: bool = False,
    description: str = "",
) -> PersonWhoHarmed:
    require_edit(acting, case)
    case_check_open(case=case)
    if (
        relationship not in HarmerRelationship.values
        or contact not in HarmerContact.values
        or age_group not in HarmerAge.values
    ):
        raise ApplicationError(_("Choose the relationship, the contact and whether an adult or a child."))
    person = PersonWhoHarmed.objects.create(
        case=case,
        relationship=relationship,
        contact=contact,
        age_group=age_group,
        identity_known=identity_known,
        description=description.strip(),
        added_by=acting,
    )
    audit_record(
        acting=acting,
        action=AuditAction.CREATE,
        obj=person,
        reason=f"person who harmed added to case {case.pk}",
    )
    return person
