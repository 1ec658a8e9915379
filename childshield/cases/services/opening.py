"""Opening a case: the child recorded (or found already recorded), the case numbered, consent given
at opening kept."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from childshield.accounts.models import Agency, Membership
from childshield.accounts.permissions import require
from childshield.audit.models import AuditAction
from childshield.cases.models import Case, CaseNumberCounter, CaseStatusChange, Child
from childshield.cases.models.cases import CaseStatus, HarmType, RiskLevel
from childshield.cases.name_search import child_duplicate_index, child_name_index
from childshield.cases.numbers import case_number
from childshield.cases.permissions import CasePerm
from childshield.cases.reference import has_disability
from childshield.cases.selectors.cases import cases_visible_to
from childshield.cases.selectors.opening import duplicate_check
from childshield.cases.services.assignments import assignment_begin
from childshield.cases.services.case_writes import audit_record, choices_clean, supervisor_check
from childshield.cases.services.children import child_name_parts_index
from childshield.cases.services.consent import ConsentInput, consent_record
from childshield.cases.services.links import link_request_send
from childshield.core.errors import ApplicationError
from childshield.intake.models import Report
from childshield.places.models import Area

CHILD_NOT_OPENABLE = gettext_lazy(
    "You can open a case for a child already recorded only when you can open one of their cases. "
    "Ask the agency that knows the child to link the records."
)


@dataclass
class ChildInput:
    full_name: str
    area: Area
    aliases: list[str] = field(default_factory=list)
    date_of_birth: date | None = None
    estimated_age: int | None = None
    sex: str = "unknown"
    gender: str = "unknown"
    ethnicity: str = ""
    disability: dict[str, str] = field(default_factory=dict)
    languages: list[str] = field(default_factory=list)
    school: str = ""
    caregivers: list[dict[str, str]] = field(default_factory=list)
    safe_contact: str = ""

    def birth_year(self, today: date) -> int | None:
        if self.date_of_birth is not None:
            return self.date_of_birth.year
        if self.estimated_age is not None:
            return today.year - self.estimated_age
        return None


def _next_number(agency: Agency, year: int) -> tuple[int, str]:
    """The agency's next sequence this year, and the number shown: "LTSW-2026-0001" (the agency's
    short code first, so that the same sequence at two agencies reads as two cases)."""
    counter, _created = CaseNumberCounter.objects.select_for_update().get_or_create(agency=agency, year=year)
    CaseNumberCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db(fields=["last"])
    return counter.last, case_number(agency.short_code, year, counter.last)


@transaction.atomic
def case_open(
    *,
    acting: Membership,
    child: ChildInput,
    risk_level: str,
    harm_types: Sequence[str],
    risk_reasons: str = "",
    summary: str = "",
    supervisor: Membership | None = None,
    consent: ConsentInput | None = None,
    existing_child: Child | None = None,
    duplicates_acknowledged: bool = False,
    ask_link: bool = False,
    link_note: str = "",
    source_report: Report | None = None,
) -> Case:
    """Open a case with the acting person as lead worker, and record the consent given at opening.

    A child already recorded with similar details (`selectors.opening.duplicate_check`) is never
    merged silently: the person is told, and either names that child (`existing_child`, only one
    whose case they may open) or confirms it is another. A child known only to other agencies is
    never named: with `ask_link`, the new case's child is recorded and the agency that knows the
    other is asked to link the two (`services.links`).
    """
    require(acting, CasePerm.CASE_OPEN)
    if not child.full_name.strip():
        raise ApplicationError(_("Enter the child's name, or a name the child chose."))
    if risk_level not in RiskLevel.values:
        raise ApplicationError(_("Choose a risk level."))
    harms = choices_clean(values=harm_types, allowed=HarmType.values, what=_("harm type"))
    if not harms:
        raise ApplicationError(_("Choose at least one harm type."))
    supervisor_check(supervisor=supervisor, agency_id=acting.agency_id)
    now = timezone.now()
    today = timezone.localdate()
    birth_year = child.birth_year(today)
    elsewhere: list[tuple[int, int]] = []
    if existing_child is None:
        check = duplicate_check(acting=acting, name=child.full_name, birth_year=birth_year, area=child.area)
        if check and not duplicates_acknowledged:
            raise ApplicationError(
                _(
                    "A child with similar details is already recorded. Check what is shown, then either "
                    "open this case for that child or confirm it is another child."
                ),
                code="possible_duplicate",
                extra={"duplicates": check},
            )
        if ask_link:
            if not check.elsewhere:
                raise ApplicationError(
                    _("No other agency knows a child with these details: there is nothing to ask."),
                    code="nothing_to_link",
                )
            elsewhere = check.elsewhere
        record = Child.objects.create(
            full_name=child.full_name.strip(),
            aliases=[alias.strip() for alias in child.aliases if alias.strip()],
            date_of_birth=child.date_of_birth.isoformat() if child.date_of_birth else None,
            birth_year=birth_year,
            age_is_estimated=child.date_of_birth is None and child.estimated_age is not None,
            sex=child.sex,
            gender=child.gender,
            ethnicity=child.ethnicity,
            disability=child.disability,
            has_disability=has_disability(child.disability),
            languages=child.languages,
            area=child.area,
            school=child.school,
            caregivers=child.caregivers,
            safe_contact=child.safe_contact,
            name_index=child_name_index(child.full_name),
            duplicate_index=child_duplicate_index(
                name=child.full_name, birth_year=birth_year, area_id=child.area.pk
            ),
        )
        child_name_parts_index(child=record)
        audit_record(acting=acting, action=AuditAction.CREATE, obj=record, reason="child recorded")
    else:
        if not cases_visible_to(acting=acting).filter(child=existing_child).exists():
            raise ApplicationError(CHILD_NOT_OPENABLE, code="forbidden")
        record = existing_child
    sequence, number = _next_number(acting.agency, now.year)
    case = Case.objects.create(
        opened_by_agency=acting.agency,
        year=now.year,
        sequence=sequence,
        number=number,
        child=record,
        agency=acting.agency,
        lead_worker=acting,
        supervisor=supervisor,
        risk_level=risk_level,
        risk_reasons=risk_reasons.strip(),
        harm_types=harms,
        summary=summary.strip(),
        source_report=source_report,
        opened_at=now,
        status_changed_at=now,
        safety_assessment_due_at=now + timedelta(hours=settings.CASES_SAFETY_ASSESSMENT_HOURS),
    )
    CaseStatusChange.objects.create(case=case, to_status=CaseStatus.OPEN, changed_by=acting, changed_at=now)
    assignment_begin(case=case, now=now)
    audit_record(
        acting=acting,
        action=AuditAction.CREATE,
        obj=case,
        reason="case opened" + (" for a child already recorded" if existing_child else ""),
    )
    if consent is not None:
        consent_record(acting=acting, case=case, consent=consent)
    for child_id, agency_id in elsewhere:
        link_request_send(acting=acting, case=case, child_id=child_id, agency_id=agency_id, note=link_note)
    return case
