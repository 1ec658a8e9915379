"""Moving a case along its workflow, one step at a time (closing has its own path)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from childshield.accounts.models import Membership
from childshield.audit.models import AuditAction
from childshield.cases.models import Case, CaseStatusChange
from childshield.cases.models.assessments import AssessmentKind
from childshield.cases.models.cases import CaseStatus
from childshield.cases.permissions import require_edit
from childshield.cases.services.case_writes import audit_record, case_lock, case_save
from childshield.cases.workflow import CaseFacts, legal_next_statuses, step_missing
from childshield.core.errors import ApplicationError


@transaction.atomic
def case_status_change(
    *, acting: Membership, case: Case, version: int, to_status: str, reason: str = ""
) -> Case:
    require_edit(acting, case)
    case = case_lock(case=case, version=version)
    labels = dict(CaseStatus.choices)
    if to_status == CaseStatus.CLOSED:
        raise ApplicationError(
            _("A case is closed through the closure form, with its checklist and a supervisor's approval."),
            code="illegal_transition",
        )
    if to_status not in legal_next_statuses(case.status):
        allowed = ", ".join(str(labels[status]) for status in legal_next_statuses(case.status))
        raise ApplicationError(
            _("A case cannot go from “%(current)s” to “%(target)s”. From here it can go to: %(allowed)s.")
            % {
                "current": labels.get(case.status, case.status),
                "target": labels.get(to_status, to_status),
                "allowed": allowed or _("nothing (reopen it first)"),
            },
            code="illegal_transition",
        )
    facts = CaseFacts(
        assessments=frozenset(case.assessments.values_list("kind", flat=True)),
        has_services=case.services.exists(),
    )
    for missing in step_missing(status=case.status, to_status=to_status, facts=facts):
        if missing.is_assessment:
            raise ApplicationError(
                _("Record the %(assessment)s before the case moves to “%(target)s”.")
                % {
                    "assessment": str(dict(AssessmentKind.choices)[missing.what]).lower(),
                    "target": labels[to_status],
                },
                code="assessment_missing",
            )
        raise ApplicationError(
            _("Add a service to the plan before the case moves to “%(target)s”.")
            % {"target": labels[to_status]},
            code="service_missing",
        )
    now = timezone.now()
    CaseStatusChange.objects.create(
        case=case,
        from_status=case.status,
        to_status=to_status,
        changed_by=acting,
        changed_at=now,
        reason=reason,
    )
    case.status = to_status
    case.status_changed_at = now
    case_save(case=case, fields=["status", "status_changed_at"])
    audit_record(acting=acting, action=AuditAction.UPDATE, obj=case, reason=f"status {to_status}")
    return case
