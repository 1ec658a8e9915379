"""Changes to a case's own details: risk, harm types, summary, and its supervisor."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from childshield.accounts.models import Membership
from childshield.audit.models import AuditAction
from childshield.cases.models import Case
from childshield.cases.models.cases import HarmType, RiskLevel
from childshield.cases.permissions import require_edit
from childshield.cases.services.assignments import assignment_begin
from childshield.cases.services.case_writes import (
    audit_record,
    case_lock,
    case_save,
    choices_clean,
    supervisor_check,
)
from childshield.core.errors import ApplicationError


@transaction.atomic
def case_update(
    *,
    acting: Membership,
    case: Case,
    version: int,
    risk_level: str,
    harm_types: Sequence[str],
    risk_reasons: str,
    summary: str,
) -> Case:
    require_edit(acting, case)
    case = case_lock(case=case, version=version)
    if risk_level not in RiskLevel.values:
        raise ApplicationError(_("Choose a risk level."))
    harms = choices_clean(values=harm_types, allowed=HarmType.values, what=_("harm type"))
    if not harms:
        raise ApplicationError(_("Choose at least one harm type."))
    case.risk_level = risk_level
    case.harm_types = harms
    case.risk_reasons = risk_reasons.strip()
    case.summary = summary.strip()
    case_save(case=case, fields=["risk_level", "harm_types", "risk_reasons", "summary"])
    audit_record(acting=acting, action=AuditAction.UPDATE, obj=case, reason="case details changed")
    return case


@transaction.atomic
def case_supervisor_assign(
    *, acting: Membership, case: Case, version: int, supervisor: Membership | None
) -> Case:
    """Name (or change) the case's supervisor: a supervisor of the managing agency, not the lead."""
    require_edit(acting, case)
    case = case_lock(case=case, version=version)
    supervisor_check(supervisor=supervisor, agency_id=case.agency_id)
    if supervisor is not None and supervisor.pk == case.lead_worker_id:
        raise ApplicationError(_("The lead worker cannot supervise their own case."))
    if supervisor is None and case.closure_requested_at is not None and not case.is_closed:
        raise ApplicationError(_("A closure waits for the supervisor's approval: keep a supervisor."))
    changed = case.supervisor_id != (supervisor.pk if supervisor is not None else None)
    case.supervisor = supervisor
    case_save(case=case, fields=["supervisor"])
    if changed:
        assignment_begin(case=case, now=timezone.now())
    audit_record(
        acting=acting,
        action=AuditAction.UPDATE,
        obj=case,
        reason="supervisor named" if supervisor else "supervisor removed",
    )
    return case
