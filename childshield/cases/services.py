"""Every write about cases, one function per use case: transactional, checked, audited.

Changes to a case's own fields carry the version the person saw; a stale one is refused
(optimistic locking), so two workers never silently overwrite each other.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from childshield.accounts.models import Agency, Membership
from childshield.accounts.permissions import may, require
from childshield.accounts.tasks import send_email
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.cases.assessment_forms import DEFAULT_FORMS
from childshield.cases.models import (
    SERVICE_DONE_STATUSES,
    Assessment,
    AssessmentForm,
    AssessmentKind,
    Attachment,
    BreakGlassAccess,
    Case,
    CaseNote,
    CaseNumberCounter,
    CaseStatus,
    CaseStatusChange,
    Child,
    ChildNamePart,
    Consent,
    ConsentKind,
    FeedbackAnswer,
    FeedbackInvitation,
    FeedbackResponse,
    FollowUp,
    HarmerAge,
    HarmerContact,
    HarmerRelationship,
    HarmType,
    PersonWhoHarmed,
    Referral,
    ReferralStatus,
    ReferralUpdate,
    Respondent,
    RiskLevel,
    Service,
    ServiceKind,
    ServiceStatus,
    ShareSection,
    Urgency,
    section_flags,
)
from childshield.cases.name_search import name_part_indexes
from childshield.cases.permissions import (
    CasePerm,
    case_access,
    may_break_glass,
    may_supervise,
    require_edit,
    require_respond,
)
from childshield.cases.reference import has_disability
from childshield.cases.selectors import (
    child_duplicate_index,
    child_name_index,
    feedback_token_hash,
    possible_duplicates,
)
from childshield.core import crypto
from childshield.core.errors import ApplicationError
from childshield.directory.models import Resource
from childshield.intake.models import Report
from childshield.places.models import Area

# The workflow, step by step; a step may also go back one (a plan that must be redone).
WORKFLOW: tuple[str, ...] = tuple(status for status in CaseStatus.values if status != CaseStatus.CLOSED)

BREAK_GLASS_HOURS = 4

# A step forward past an assessment needs that assessment recorded.
ASSESSMENT_BEFORE: dict[str, str] = {
    CaseStatus.COMPREHENSIVE_ASSESSMENT: AssessmentKind.SAFETY,
    CaseStatus.SERVICE_PLAN: AssessmentKind.COMPREHENSIVE,
}


class ClosureReason:
    GOALS_MET = "goals_met"
    MOVED = "moved"
    TRANSFERRED = "transferred_out"
    CHILD_DECLINED = "child_declined"
    OTHER = "other"

    CHOICES = (
        (GOALS_MET, gettext_lazy("The child is safe and the plan's goals are met")),
        (MOVED, gettext_lazy("The child moved away")),
        (TRANSFERRED, gettext_lazy("Handed over to a service outside this system")),
        (CHILD_DECLINED, gettext_lazy("The child or family no longer wants support")),
        (OTHER, gettext_lazy("Another reason (explain in the note)")),
    )


CLOSURE_CHECKLIST: tuple[tuple[str, Any], ...] = (
    ("child_safe", gettext_lazy("The child is safe")),
    ("services_done", gettext_lazy("Every service is completed or was refused")),
    ("caregiver_informed", gettext_lazy("The caregiver is informed")),
)


def safety_assessment_hours() -> int:
    return int(getattr(settings, "CASES_SAFETY_ASSESSMENT_HOURS", 24))


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


@dataclass
class ConsentInput:
    purpose: str
    agencies: Sequence[Agency]
    sections: Sequence[str]
    child_assent: bool
    caregiver_consent: bool = False
    caregiver_name: str = ""
    caregiver_not_asked_reason: str = ""


def caregiver_consent_under_age() -> int:
    """Below this age a caregiver's consent is needed as well as the child's (Viet Nam: 16)."""
    return int(getattr(settings, "CASES_CAREGIVER_CONSENT_UNDER_AGE", 16))


def _stale() -> ApplicationError:
    return ApplicationError(
        _(
            "Someone else changed this case after you opened it. Nothing was saved over their change: "
            "reload the case, check what they did, then make your change again "
            "(what you typed is kept below)."
        ),
        code="stale",
    )


def _lock(case: Case, version: int) -> Case:
    """The case locked for this transaction, refusing the change if it moved on since `version`."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.version != version:
        raise _stale()
    return locked


def _bump(case: Case, fields: list[str]) -> None:
    case.version = F("version") + 1
    case.save(update_fields=[*fields, "version"])
    case.refresh_from_db(fields=["version"])


def _record(acting: Membership, action: AuditAction, obj: Any, reason: str) -> None:
    audit.record(action=action, actor=acting.user, agency=acting.agency, obj=obj, reason=reason)


def _check_supervisor(supervisor: Membership | None, agency_id: int) -> None:
    if supervisor is None:
        return
    if supervisor.agency_id != agency_id or not may(supervisor, CasePerm.CASE_SUPERVISE):
        raise ApplicationError(
            _("The supervisor must be a supervisor of the agency managing the case."), code="invalid"
        )


def _clean_choices(values: Sequence[str], allowed: Sequence[str], what: str) -> list[str]:
    unknown = [value for value in values if value not in allowed]
    if unknown:
        raise ApplicationError(
            _("Unknown %(what)s: %(values)s.") % {"what": what, "values": ", ".join(unknown)}
        )
    return list(dict.fromkeys(values))


def _next_number(agency: Agency, year: int) -> tuple[int, str]:
    counter, _created = CaseNumberCounter.objects.select_for_update().get_or_create(agency=agency, year=year)
    CaseNumberCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db(fields=["last"])
    return counter.last, f"{year}-{counter.last:04d}"


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
    source_report: Report | None = None,
) -> Case:
    """Open a case with the acting person as lead worker, and record the consent given at opening.

    A child already recorded with the same name, birth year and area is never merged silently:
    the person is told, and either names that child (`existing_child`) or confirms it is another.
    """
    require(acting, CasePerm.CASE_OPEN)
    if not child.full_name.strip():
        raise ApplicationError(_("Enter the child's name, or a name the child chose."))
    if risk_level not in RiskLevel.values:
        raise ApplicationError(_("Choose a risk level."))
    harms = _clean_choices(harm_types, HarmType.values, _("harm type"))
    if not harms:
        raise ApplicationError(_("Choose at least one harm type."))
    _check_supervisor(supervisor, acting.agency_id)
    now = timezone.now()
    today = timezone.localdate()
    birth_year = child.birth_year(today)
    if existing_child is None:
        duplicates = possible_duplicates(name=child.full_name, birth_year=birth_year, area_id=child.area.pk)
        if duplicates and not duplicates_acknowledged:
            raise ApplicationError(
                _(
                    "A child with the same name, year of birth and area is already recorded. Check the "
                    "cases listed, then either open this case for that child or confirm it is another child."
                ),
                code="possible_duplicate",
                extra={"duplicates": duplicates},
            )
        record = Child.objects.create(  # type: ignore[misc]
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
        _index_name_parts(record)
        _record(acting, AuditAction.CREATE, record, "child recorded")
    else:
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
        safety_assessment_due_at=now + timedelta(hours=safety_assessment_hours()),
    )
    CaseStatusChange.objects.create(case=case, to_status=CaseStatus.OPEN, changed_by=acting, changed_at=now)
    _record(
        acting,
        AuditAction.CREATE,
        case,
        "case opened" + (" for a child already recorded" if existing_child else ""),
    )
    if consent is not None:
        consent_record(acting=acting, case=case, consent=consent)
    return case


def _index_name_parts(child: Child) -> None:
    ChildNamePart.objects.bulk_create(
        ChildNamePart(child=child, part_index=index)
        for index in sorted(name_part_indexes([child.full_name, *child.aliases]))
    )


def children_reindex(*, batch_size: int = 500) -> int:
    """Recompute every child's blind indexes (full name, duplicate check, name parts) with the current
    BLIND_INDEX_KEY: after the key is changed, or for children recorded before name parts existed.
    Works in batches, each in its own transaction; returns how many children were indexed."""
    done = 0
    last_id = 0
    while True:
        batch = list(
            Child.objects.filter(pk__gt=last_id)
            .order_by("pk")
            .only("id", "full_name", "aliases", "birth_year", "area_id")[:batch_size]
        )
        if not batch:
            return done
        with transaction.atomic():
            for child in batch:
                child.name_index = child_name_index(child.full_name)
                child.duplicate_index = child_duplicate_index(
                    name=child.full_name, birth_year=child.birth_year, area_id=child.area_id
                )
            Child.objects.bulk_update(batch, ["name_index", "duplicate_index"])
            ChildNamePart.objects.filter(child__in=batch).delete()
            ChildNamePart.objects.bulk_create(
                ChildNamePart(child=child, part_index=index)
                for child in batch
                for index in sorted(name_part_indexes([child.full_name, *child.aliases]))
            )
            audit.record(
                action=AuditAction.UPDATE,
                object_type="cases.Child",
                reason=f"blind indexes recomputed for {len(batch)} children",
            )
        done += len(batch)
        last_id = batch[-1].pk


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
    case = _lock(case, version)
    if risk_level not in RiskLevel.values:
        raise ApplicationError(_("Choose a risk level."))
    harms = _clean_choices(harm_types, HarmType.values, _("harm type"))
    if not harms:
        raise ApplicationError(_("Choose at least one harm type."))
    case.risk_level = risk_level
    case.harm_types = harms
    case.risk_reasons = risk_reasons.strip()
    case.summary = summary.strip()
    _bump(case, ["risk_level", "harm_types", "risk_reasons", "summary"])
    _record(acting, AuditAction.UPDATE, case, "case details changed")
    return case


@transaction.atomic
def case_supervisor_assign(
    *, acting: Membership, case: Case, version: int, supervisor: Membership | None
) -> Case:
    """Name (or change) the case's supervisor: a supervisor of the managing agency, not the lead."""
    require_edit(acting, case)
    case = _lock(case, version)
    _check_supervisor(supervisor, case.agency_id)
    if supervisor is not None and supervisor.pk == case.lead_worker_id:
        raise ApplicationError(_("The lead worker cannot supervise their own case."))
    if supervisor is None and case.closure_requested_at is not None and not case.is_closed:
        raise ApplicationError(_("A closure waits for the supervisor's approval: keep a supervisor."))
    case.supervisor = supervisor
    _bump(case, ["supervisor"])
    _record(acting, AuditAction.UPDATE, case, "supervisor named" if supervisor else "supervisor removed")
    return case


def legal_next_statuses(status: str) -> list[str]:
    """The statuses a case may move to from `status` by an ordinary step (closing has its own path)."""
    if status not in WORKFLOW:
        return []
    position = WORKFLOW.index(status)
    steps = []
    if position + 1 < len(WORKFLOW):
        steps.append(WORKFLOW[position + 1])
    if position > 0:
        steps.append(WORKFLOW[position - 1])
    return steps


@transaction.atomic
def case_status_change(
    *, acting: Membership, case: Case, version: int, to_status: str, reason: str = ""
) -> Case:
    require_edit(acting, case)
    case = _lock(case, version)
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
    needed = ASSESSMENT_BEFORE.get(to_status)
    moving_on = WORKFLOW.index(to_status) > WORKFLOW.index(case.status)
    if needed and moving_on and not case.assessments.filter(kind=needed).exists():
        raise ApplicationError(
            _("Record the %(assessment)s before the case moves to “%(target)s”.")
            % {"assessment": str(dict(AssessmentKind.choices)[needed]).lower(), "target": labels[to_status]},
            code="assessment_missing",
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
    _bump(case, ["status", "status_changed_at"])
    _record(acting, AuditAction.UPDATE, case, f"status {to_status}")
    return case


@transaction.atomic
def consent_record(*, acting: Membership, case: Case, consent: ConsentInput) -> Consent:
    """Record what the child (and a caregiver) agreed to share, with which agencies, for what."""
    require_edit(acting, case)
    if not consent.purpose.strip():
        raise ApplicationError(_("Write what the sharing is for (the purpose)."))
    if not consent.child_assent:
        raise ApplicationError(
            _(
                "Sharing needs the child's own agreement. If the child does not agree and the child is in "
                "danger, use an emergency override with a reason and the supervisor's confirmation."
            ),
            code="no_assent",
        )
    sections = _clean_choices(consent.sections, ShareSection.values, _("section"))
    if not sections:
        raise ApplicationError(_("Choose at least one part of the case that may be shared."))
    if not consent.agencies:
        raise ApplicationError(_("Choose at least one agency the case may be shared with."))
    age = case.child.age_on(timezone.localdate())
    under_age = age is None or age < caregiver_consent_under_age()
    if under_age and not consent.caregiver_consent and not consent.caregiver_not_asked_reason.strip():
        raise ApplicationError(
            _(
                "For a child under %(age)d (or of unknown age), a caregiver's consent is needed too. If no "
                "caregiver can safely be asked (for example, a caregiver harmed the child), write why."
            )
            % {"age": caregiver_consent_under_age()},
            code="no_caregiver_consent",
        )
    record = Consent.objects.create(
        case=case,
        kind=ConsentKind.CONSENT,
        child_assent=True,
        caregiver_consent=consent.caregiver_consent,
        caregiver_name=consent.caregiver_name.strip(),
        caregiver_not_asked_reason=consent.caregiver_not_asked_reason.strip(),
        purpose=consent.purpose.strip(),
        sections=sections,
        recorded_by=acting,
    )
    record.agencies.set(consent.agencies)
    _record(acting, AuditAction.CREATE, record, f"consent recorded for case {case.pk}")
    return record


@transaction.atomic
def consent_emergency_override(
    *,
    acting: Membership,
    case: Case,
    reason: str,
    agencies: Sequence[Agency],
    sections: Sequence[str],
) -> Consent:
    """Share without consent because the child is in danger: only with a reason, and only once the
    case's supervisor confirms (at once when the supervisor records it)."""
    require_edit(acting, case)
    if not reason.strip():
        raise ApplicationError(_("An emergency override needs a reason: what danger makes it necessary."))
    if case.supervisor_id is None:
        raise ApplicationError(
            _("The case has no supervisor to confirm an emergency override. Name a supervisor first."),
            code="no_supervisor",
        )
    chosen = _clean_choices(sections, ShareSection.values, _("section"))
    if not chosen or not agencies:
        raise ApplicationError(_("Choose what may be shared and with which agencies."))
    now = timezone.now()
    confirmed = may_supervise(acting, case)
    record = Consent.objects.create(
        case=case,
        kind=ConsentKind.EMERGENCY_OVERRIDE,
        purpose=reason.strip(),
        override_reason=reason.strip(),
        sections=chosen,
        recorded_by=acting,
        confirmed_by=acting if confirmed else None,
        confirmed_at=now if confirmed else None,
    )
    record.agencies.set(agencies)
    _record(acting, AuditAction.CREATE, record, f"emergency override for case {case.pk}")
    return record


@transaction.atomic
def consent_emergency_confirm(*, acting: Membership, consent: Consent) -> Consent:
    case = consent.case
    if not may_supervise(acting, case):
        raise ApplicationError(
            _("Only the case's supervisor can confirm an emergency override."), code="forbidden"
        )
    if not consent.is_emergency or consent.withdrawn_at is not None:
        raise ApplicationError(_("There is no emergency override waiting for confirmation."))
    consent.confirmed_by = acting
    consent.confirmed_at = timezone.now()
    consent.save(update_fields=["confirmed_by", "confirmed_at"])
    _record(acting, AuditAction.UPDATE, consent, "emergency override confirmed")
    return consent


@transaction.atomic
def consent_withdraw(*, acting: Membership, consent: Consent, reason: str = "") -> Consent:
    """Withdrawal stops further sharing: referrals not yet answered are cancelled, no new one may
    rest on it. Accepted referrals keep only what was already shared."""
    require_edit(acting, consent.case)
    if consent.withdrawn_at is not None:
        raise ApplicationError(_("This consent was already withdrawn."))
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = acting
    consent.withdrawal_reason = reason.strip()
    consent.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    for referral in consent.referrals.filter(status=ReferralStatus.SENT).select_related("sent_by__user"):
        referral.status = ReferralStatus.CANCELLED
        referral.responded_at = consent.withdrawn_at
        referral.save(update_fields=["status", "responded_at"])
        _record(acting, AuditAction.UPDATE, referral, "referral cancelled: consent withdrawn")
    _record(acting, AuditAction.UPDATE, consent, "consent withdrawn")
    return consent


def _notify_sender(referral: Referral) -> None:
    """Tell the person who sent the referral, in the app and by e-mail (after the commit)."""
    ReferralUpdate.objects.create(referral=referral, recipient=referral.sent_by, status=referral.status)
    email = referral.sent_by.user.email
    status_label = str(dict(ReferralStatus.choices)[referral.status])
    agency_name = referral.to_agency.name
    number = referral.case.number
    # No name or detail of the child: an e-mail can be read by anyone with the mailbox.
    subject = _("Referral of case %(number)s: %(status)s") % {"number": number, "status": status_label}
    body = _(
        "Your referral of case %(number)s to %(agency)s is now: %(status)s.\n\n"
        "Sign in to childshield and open Cases to see it."
    ) % {"number": number, "agency": agency_name, "status": status_label}
    transaction.on_commit(lambda: send_email.delay(subject=subject, body=body, to=[email]))


@transaction.atomic
def referral_send(
    *,
    acting: Membership,
    case: Case,
    to_agency: Agency,
    services: Sequence[str],
    consent: Consent,
    sections: Sequence[str],
    urgency: str = Urgency.ROUTINE,
    message: str = "",
) -> Referral:
    """Refer the case to another agency. It must rest on consent in force that names that agency and
    allows what is shared, or on an emergency override a supervisor confirmed."""
    require_edit(acting, case)
    if case.is_closed:
        raise ApplicationError(_("A closed case cannot be referred. Reopen it first."))
    if to_agency.pk == case.agency_id:
        raise ApplicationError(_("Choose another agency: this one already manages the case."))
    if consent.case_id != case.pk:
        raise ApplicationError(_("That consent belongs to another case."))
    requested = _clean_choices(services, ServiceKind.values, _("service"))
    if not requested:
        raise ApplicationError(_("Choose at least one service you ask for."))
    shared = _clean_choices(sections, ShareSection.values, _("section"))
    if urgency not in Urgency.values:
        raise ApplicationError(_("Choose how urgent the referral is."))
    if not consent.is_in_force:
        if consent.withdrawn_at is not None:
            message_text = _("The consent was withdrawn: the case cannot be shared on it any more.")
        elif consent.is_emergency:
            message_text = _("The emergency override waits for the supervisor's confirmation.")
        else:
            message_text = _("The child has not agreed to this sharing.")
        raise ApplicationError(message_text, code="no_consent")
    if not consent.agencies.filter(pk=to_agency.pk).exists():
        raise ApplicationError(
            _("The consent does not cover %(agency)s. Record a consent that names it first.")
            % {"agency": to_agency.name},
            code="no_consent",
        )
    beyond = [section for section in shared if section not in consent.sections]
    if beyond:
        labels = dict(ShareSection.choices)
        raise ApplicationError(
            _("The consent does not allow sharing: %(sections)s.")
            % {"sections": "; ".join(str(labels[section]) for section in beyond)},
            code="no_consent",
        )
    referral = Referral.objects.create(
        case=case,
        from_agency=acting.agency,
        to_agency=to_agency,
        sent_by=acting,
        services_requested=requested,
        urgency=urgency,
        consent=consent,
        sections=shared,
        section_flags=section_flags(shared),
        message=message.strip(),
    )
    _record(acting, AuditAction.CREATE, referral, f"referral of case {case.pk} to agency {to_agency.pk}")
    return referral


def _require_waiting(referral: Referral) -> None:
    if referral.status != ReferralStatus.SENT:
        raise ApplicationError(
            _("This referral was already answered (%(status)s).") % {"status": referral.get_status_display()},
            code="already_answered",
        )


@transaction.atomic
def referral_accept(
    *, acting: Membership, referral: Referral, supervisor: Membership | None = None
) -> Referral:
    """Accept a referral. A case-management referral hands the case over: the person accepting
    becomes its lead worker, with a supervisor of their agency."""
    require_respond(acting, referral)
    referral = (
        Referral.objects.select_for_update()
        .select_related("case", "to_agency", "sent_by__user")
        .get(pk=referral.pk)
    )
    _require_waiting(referral)
    if not referral.consent.is_in_force:
        raise ApplicationError(_("The consent this referral rested on was withdrawn."), code="no_consent")
    case = Case.objects.select_for_update().get(pk=referral.case_id)
    now = timezone.now()
    if referral.is_transfer:
        if case.is_closed:
            raise ApplicationError(_("The case was closed in the meantime."))
        _check_supervisor(supervisor, acting.agency_id)
        case.lead_worker = acting
        case.supervisor = supervisor
        case.agency = acting.agency
        _bump(case, ["lead_worker", "supervisor", "agency"])
        _record(acting, AuditAction.UPDATE, case, "case management handed over by referral")
    referral.status = ReferralStatus.ACCEPTED
    referral.responded_at = now
    referral.responded_by = acting
    referral.save(update_fields=["status", "responded_at", "responded_by"])
    for kind in referral.services_requested:
        Service.objects.create(
            case=case,
            kind=kind,
            provider=acting.agency,
            status=ServiceStatus.IN_PROGRESS
            if kind == ServiceKind.CASE_MANAGEMENT
            else ServiceStatus.PLANNED,
            starts_on=timezone.localdate(),
            referral=referral,
            created_by=acting,
        )
    _record(acting, AuditAction.UPDATE, referral, "referral accepted")
    _notify_sender(referral)
    return referral


@transaction.atomic
def referral_decline(*, acting: Membership, referral: Referral, reason: str) -> Referral:
    require_respond(acting, referral)
    referral = (
        Referral.objects.select_for_update()
        .select_related("case", "to_agency", "sent_by__user")
        .get(pk=referral.pk)
    )
    _require_waiting(referral)
    if not reason.strip():
        raise ApplicationError(
            _("Say why you decline, so the sender can find another service for the child."), code="invalid"
        )
    referral.status = ReferralStatus.DECLINED
    referral.responded_at = timezone.now()
    referral.responded_by = acting
    referral.decline_reason = reason.strip()
    referral.save(update_fields=["status", "responded_at", "responded_by", "decline_reason"])
    _record(acting, AuditAction.UPDATE, referral, "referral declined")
    _notify_sender(referral)
    return referral


@transaction.atomic
def referral_complete(*, acting: Membership, referral: Referral) -> Referral:
    require_respond(acting, referral)
    referral = (
        Referral.objects.select_for_update()
        .select_related("case", "to_agency", "sent_by__user")
        .get(pk=referral.pk)
    )
    if referral.status != ReferralStatus.ACCEPTED:
        raise ApplicationError(_("Only an accepted referral can be completed."))
    referral.status = ReferralStatus.COMPLETED
    referral.completed_at = timezone.now()
    referral.save(update_fields=["status", "completed_at"])
    _record(acting, AuditAction.UPDATE, referral, "referral completed")
    _notify_sender(referral)
    return referral


@transaction.atomic
def referral_updates_read(*, acting: Membership) -> int:
    return ReferralUpdate.objects.filter(recipient=acting, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def _check_open(case: Case) -> None:
    if case.is_closed:
        raise ApplicationError(_("The case is closed. Reopen it to change it."), code="closed")


@transaction.atomic
def service_add(
    *,
    acting: Membership,
    case: Case,
    kind: str,
    provider: Agency | None = None,
    resource: Resource | None = None,
    starts_on: date | None = None,
    status: str = ServiceStatus.PLANNED,
) -> Service:
    """Add a service to the plan, provided by an agency, by a service from the directory, or both."""
    require_edit(acting, case)
    _check_open(case)
    if kind not in ServiceKind.values:
        raise ApplicationError(_("Choose a service from the package."))
    if status not in ServiceStatus.values:
        raise ApplicationError(_("Choose the service's status."))
    if provider is None and resource is None:
        raise ApplicationError(
            _("Choose who provides the service: an agency, or a service from the directory."),
            code="no_provider",
        )
    if resource is not None:
        if not resource.is_active or resource.country != case.agency.country:
            raise ApplicationError(_("That service is not in the directory any more: choose another."))
        offered = set(resource.kinds.values_list("kind", flat=True))
        if offered and kind not in offered:
            raise ApplicationError(
                _("%(name)s does not offer this kind of service: choose another, or another kind.")
                % {"name": resource.name},
                code="not_offered",
            )
        if provider is None and resource.agency_id is not None:
            provider = resource.agency
    service = Service.objects.create(
        case=case,
        kind=kind,
        provider=provider,
        resource=resource,
        starts_on=starts_on,
        status=status,
        created_by=acting,
    )
    _record(acting, AuditAction.CREATE, service, f"service added to case {case.pk}")
    return service


@transaction.atomic
def service_update(
    *,
    acting: Membership,
    service: Service,
    version: int,
    status: str,
    starts_on: date | None,
    ends_on: date | None,
    outcome: str,
) -> Service:
    require_edit(acting, service.case)
    _check_open(service.case)
    locked = Service.objects.select_for_update().get(pk=service.pk)
    if locked.version != version:
        raise ApplicationError(
            _(
                "Someone else changed this service after you opened it. Reload the case, check their "
                "change, then make yours again (what you typed is kept below)."
            ),
            code="stale",
        )
    if status not in ServiceStatus.values:
        raise ApplicationError(_("Choose the service's status."))
    if starts_on and ends_on and ends_on < starts_on:
        raise ApplicationError(_("The end date is before the start date."))
    locked.status = status
    locked.starts_on = starts_on
    locked.ends_on = ends_on
    locked.outcome = outcome.strip()
    locked.version = F("version") + 1
    locked.save(update_fields=["status", "starts_on", "ends_on", "outcome", "version"])
    locked.refresh_from_db(fields=["version"])
    _record(acting, AuditAction.UPDATE, locked, f"service {status}")
    return locked


@transaction.atomic
def followup_add(
    *, acting: Membership, case: Case, due_on: date, assignee: Membership, purpose: str = ""
) -> FollowUp:
    require_edit(acting, case)
    _check_open(case)
    # Only the people who can open the case: a follow-up given to anyone else would lead to a 404.
    if assignee.pk not in {case.lead_worker_id, case.supervisor_id}:
        raise ApplicationError(_("A follow-up goes to the case's lead worker or its supervisor."))
    follow_up = FollowUp.objects.create(
        case=case, due_on=due_on, assignee=assignee, purpose=purpose.strip(), created_by=acting
    )
    _record(acting, AuditAction.CREATE, follow_up, f"follow-up added to case {case.pk}")
    return follow_up


@transaction.atomic
def followup_complete(*, acting: Membership, follow_up: FollowUp, outcome: str = "") -> FollowUp:
    require_edit(acting, follow_up.case)
    if follow_up.done_at is not None:
        raise ApplicationError(_("This follow-up is already done."))
    follow_up.done_at = timezone.now()
    follow_up.done_by = acting
    follow_up.outcome = outcome.strip()
    follow_up.save(update_fields=["done_at", "done_by", "outcome"])
    _record(acting, AuditAction.UPDATE, follow_up, "follow-up done")
    return follow_up


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
    _check_open(case)
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
    _record(acting, AuditAction.CREATE, person, f"person who harmed added to case {case.pk}")
    return person


@transaction.atomic
def note_add(*, acting: Membership, case: Case, body: str) -> CaseNote:
    require_edit(acting, case)
    if not body.strip():
        raise ApplicationError(_("The note is empty."))
    note = CaseNote.objects.create(case=case, author=acting, body=body.strip())
    _record(acting, AuditAction.CREATE, note, f"note added to case {case.pk}")
    return note


@transaction.atomic
def case_closure_request(
    *,
    acting: Membership,
    case: Case,
    version: int,
    reason: str,
    checklist: dict[str, bool],
    note: str = "",
) -> Case:
    """The lead worker asks to close, with the checklist; the supervisor's approval closes it.
    When the supervisor asks, the case closes at once."""
    require_edit(acting, case)
    case = _lock(case, version)
    _check_open(case)
    if reason not in dict(ClosureReason.CHOICES):
        raise ApplicationError(_("Choose why the case closes."))
    if case.supervisor_id is None:
        raise ApplicationError(
            _("A case closes with a supervisor's approval, and this case has none. Name a supervisor first."),
            code="no_supervisor",
        )
    ticked = {key: bool(checklist.get(key)) for key, _label in CLOSURE_CHECKLIST}
    if not all(ticked.values()) and not note.strip():
        raise ApplicationError(
            _("Tick every item of the checklist, or explain in the note why an item cannot be ticked."),
            code="checklist",
        )
    open_services = case.services.exclude(status__in=SERVICE_DONE_STATUSES).count()
    if ticked["services_done"] and open_services:
        raise ApplicationError(
            _(
                "%(count)d service(s) are still planned or in progress. Mark each completed, refused or "
                "cancelled first."
            )
            % {"count": open_services},
            code="checklist",
        )
    now = timezone.now()
    case.closure_reason = reason
    case.closure_checklist = ticked
    case.closure_note = note.strip()
    case.closure_requested_by = acting
    case.closure_requested_at = now
    fields = [
        "closure_reason",
        "closure_checklist",
        "closure_note",
        "closure_requested_by",
        "closure_requested_at",
    ]
    if may_supervise(acting, case):
        fields += _close(case, acting, now)
    _bump(case, fields)
    _record(acting, AuditAction.UPDATE, case, "closure requested")
    return case


def _close(case: Case, acting: Membership, now: Any) -> list[str]:
    CaseStatusChange.objects.create(
        case=case, from_status=case.status, to_status=CaseStatus.CLOSED, changed_by=acting, changed_at=now
    )
    case.status = CaseStatus.CLOSED
    case.status_changed_at = now
    case.closed_at = now
    case.closure_approved_by = acting
    return ["status", "status_changed_at", "closed_at", "closure_approved_by"]


@transaction.atomic
def case_close(*, acting: Membership, case: Case, version: int) -> Case:
    """The supervisor approves the closure the lead worker asked for."""
    if not may_supervise(acting, case):
        raise ApplicationError(_("Only the case's supervisor can approve its closure."), code="forbidden")
    case = _lock(case, version)
    _check_open(case)
    if case.closure_requested_at is None:
        raise ApplicationError(_("Nobody has asked to close this case yet."))
    _bump(case, _close(case, acting, timezone.now()))
    _record(acting, AuditAction.UPDATE, case, "case closed (supervisor approval)")
    return case


@transaction.atomic
def case_reopen(*, acting: Membership, case: Case, version: int, reason: str) -> Case:
    require_edit(acting, case)
    case = _lock(case, version)
    if not case.is_closed:
        raise ApplicationError(_("The case is not closed."))
    if not reason.strip():
        raise ApplicationError(_("Say why the case is reopened."))
    now = timezone.now()
    CaseStatusChange.objects.create(
        case=case,
        from_status=CaseStatus.CLOSED,
        to_status=CaseStatus.OPEN,
        changed_by=acting,
        changed_at=now,
        reason=reason.strip(),
    )
    case.status = CaseStatus.OPEN
    case.status_changed_at = now
    case.closed_at = None
    case.closure_requested_at = None
    case.closure_requested_by = None
    case.closure_approved_by = None
    _bump(
        case,
        [
            "status",
            "status_changed_at",
            "closed_at",
            "closure_requested_at",
            "closure_requested_by",
            "closure_approved_by",
        ],
    )
    _record(acting, AuditAction.UPDATE, case, "case reopened")
    return case


@transaction.atomic
def break_glass_open(*, acting: Membership, case: Case, reason: str) -> BreakGlassAccess:
    """Open a case one would not otherwise see, for a few hours, with a reason everyone can audit."""
    if not may_break_glass(acting, case):
        raise PermissionDenied(CasePerm.BREAK_GLASS)
    if len(reason.strip()) < 10:
        raise ApplicationError(
            _("Write the reason in a sentence (at least 10 characters): it is kept in the audit log."),
            code="invalid",
        )
    if case_access(acting, case).full:
        raise ApplicationError(_("You can already open this case."))
    now = timezone.now()
    access = BreakGlassAccess.objects.create(
        case=case,
        membership=acting,
        reason=reason.strip(),
        opened_at=now,
        expires_at=now + timedelta(hours=BREAK_GLASS_HOURS),
    )
    audit.record(
        action=AuditAction.BREAK_GLASS,
        actor=acting.user,
        agency=acting.agency,
        obj=case,
        reason=reason.strip(),
    )
    return access


@dataclass(frozen=True)
class Reminder:
    email: str
    due_today: int
    overdue: int


def followup_reminders_queue(*, today: date) -> int:
    """E-mail each person with follow-ups due today or overdue how many they have (the daily task).

    The e-mail gives counts only: no case number, no child; the details are behind sign-in.
    """
    counts: dict[str, list[int]] = {}
    for email, due_on in (
        FollowUp.objects.filter(
            done_at__isnull=True,
            due_on__lte=today,
            assignee__is_active=True,
            assignee__user__is_active=True,
        )
        .exclude(case__status=CaseStatus.CLOSED)
        .values_list("assignee__user__email", "due_on")
    ):
        pair = counts.setdefault(email, [0, 0])
        pair[0 if due_on == today else 1] += 1
    reminders = [Reminder(email=email, due_today=pair[0], overdue=pair[1]) for email, pair in counts.items()]
    with transaction.atomic():
        for reminder in reminders:
            subject = _("Follow-ups: %(today)d due today, %(overdue)d overdue") % {
                "today": reminder.due_today,
                "overdue": reminder.overdue,
            }
            body = _(
                "You have %(today)d follow-up(s) due today and %(overdue)d overdue.\n\n"
                "Sign in to childshield and open My cases to see them."
            ) % {"today": reminder.due_today, "overdue": reminder.overdue}
            transaction.on_commit(partial(send_email.delay, subject=subject, body=body, to=[reminder.email]))
    return len(reminders)


_QUESTION_TYPES = {"choice", "text"}
FORM_LANGUAGES = ("vi", "km", "en")
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,49}$")


def _check_questions(questions: list[dict[str, Any]]) -> None:
    """A form a worker can fill in and whose answers can be read later: refused with what to fix."""
    if not questions:
        raise ApplicationError(_("A form needs at least one question."))
    keys: set[str] = set()
    for question in questions:
        key = question.get("key")
        if not isinstance(key, str) or not _KEY.match(key):
            raise ApplicationError(
                _(
                    "Each question needs a key of small letters, digits and underscores, starting with a "
                    "letter (for example safe_now): %(key)s"
                )
                % {"key": key or "—"}
            )
        if key in keys:
            raise ApplicationError(
                _("Two questions have the key %(key)s: each key is used once.") % {"key": key}
            )
        keys.add(key)
        if question.get("type") not in _QUESTION_TYPES:
            raise ApplicationError(_("Question %(key)s has an unknown type.") % {"key": key})
        if not isinstance(question.get("label"), dict) or not str(question["label"].get("en", "")).strip():
            raise ApplicationError(_("Question %(key)s needs an English label.") % {"key": key})
        if question["type"] == "choice":
            choices = question.get("choices")
            if not isinstance(choices, list) or len(choices) < 2:
                raise ApplicationError(_("Question %(key)s needs at least two options.") % {"key": key})
            values = [choice.get("value") if isinstance(choice, dict) else None for choice in choices]
            if any(not isinstance(value, str) or not _KEY.match(value) for value in values) or len(
                set(values)
            ) != len(values):
                raise ApplicationError(
                    _("The options of question %(key)s need different values of small letters and digits.")
                    % {"key": key}
                )
            if any(not isinstance(c.get("label"), dict) or not str(c["label"].get("en", "")).strip()
                   for c in choices):  # fmt: skip
                raise ApplicationError(
                    _("Each option of question %(key)s needs an English label.") % {"key": key}
                )


def _form_data(title: dict[str, str], questions: list[dict[str, Any]]) -> dict[str, Any]:
    return {"title": title, "questions": questions}


@transaction.atomic
def assessment_form_publish(
    *,
    acting: Membership | None,
    kind: str,
    title: dict[str, str],
    questions: list[dict[str, Any]],
    for_all_agencies: bool = False,
) -> AssessmentForm:
    """Publish a new version of an assessment form: the agency's own, or (acting=None, from data)
    the default. Earlier versions stay, with the assessments that used them."""
    if kind not in AssessmentKind.values:
        raise ApplicationError(_("Unknown assessment."))
    _check_questions(questions)
    if not isinstance(title, dict) or not str(title.get("en", "")).strip():
        raise ApplicationError(_("The form needs an English title."))
    if for_all_agencies:
        agency = None
    else:
        require(acting, CasePerm.FORMS_MANAGE)
        assert acting is not None
        agency = acting.agency
    last = (
        AssessmentForm.objects.select_for_update()
        .filter(kind=kind, agency=agency)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    form = AssessmentForm.objects.create(
        kind=kind, agency=agency, version=(last or 0) + 1, title=title, questions=questions
    )
    if acting is not None:
        _record(acting, AuditAction.CREATE, form, f"assessment form {kind} v{form.version} published")
    return form


def assessment_forms_default_install() -> list[AssessmentForm]:
    """The default forms from data: installed once, and published again as a new version when the
    data changed (say, labels in another language were added). Idempotent."""
    installed = []
    for kind, definition in DEFAULT_FORMS.items():
        current = AssessmentForm.objects.filter(kind=kind, agency__isnull=True).order_by("-version").first()
        if current is None or _form_data(current.title, current.questions) != _form_data(
            definition["title"], definition["questions"]
        ):
            current = assessment_form_publish(
                acting=None,
                kind=kind,
                title=definition["title"],
                questions=definition["questions"],
                for_all_agencies=True,
            )
        installed.append(current)
    return installed


@transaction.atomic
def assessment_record(
    *, acting: Membership, case: Case, form: AssessmentForm, answers: dict[str, str]
) -> Assessment:
    """Record an assessment's answers against the form version the worker saw."""
    require_edit(acting, case)
    _check_open(case)
    kept: dict[str, str] = {}
    missing: list[str] = []
    for question in form.questions:
        value = str(answers.get(question["key"], "") or "").strip()
        if question["type"] == "choice" and value and value not in {c["value"] for c in question["choices"]}:
            raise ApplicationError(_("An answer is not one of the choices: reload the form."))
        if question.get("required") and not value:
            missing.append(question["label"].get("en", question["key"]))
        kept[question["key"]] = value
    if missing:
        raise ApplicationError(
            _("Answer every required question: %(questions)s") % {"questions": "; ".join(missing)},
            code="incomplete",
        )
    assessment = Assessment.objects.create(  # type: ignore[misc]
        case=case, form=form, kind=form.kind, answers=kept, completed_by=acting
    )
    _record(acting, AuditAction.CREATE, assessment, f"{form.kind} assessment of case {case.pk}")
    return assessment


# Recognised by their first bytes, never by the name or the browser's word for the type.
ATTACHMENT_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


def attachment_max_bytes() -> int:
    return int(getattr(settings, "CASES_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))


@transaction.atomic
def attachment_add(
    *, acting: Membership, case: Case, upload: UploadedFile, description: str = ""
) -> Attachment:
    """Keep a PDF or a photo of a document with the case, encrypted before it is stored."""
    require_edit(acting, case)
    _check_open(case)
    limit = attachment_max_bytes()
    if upload.size is not None and upload.size > limit:
        raise ApplicationError(
            _("The file is too large: at most %(mb)d MB. Scan at a lower resolution or split it.")
            % {"mb": limit // (1024 * 1024)},
            code="too_large",
        )
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ApplicationError(
            _("The file is too large: at most %(mb)d MB. Scan at a lower resolution or split it.")
            % {"mb": limit // (1024 * 1024)},
            code="too_large",
        )
    content_type = next((kind for magic, kind in ATTACHMENT_SIGNATURES if content.startswith(magic)), None)
    if content_type is None:
        raise ApplicationError(
            _("Only PDF, JPEG and PNG files can be attached. Save the document as a PDF and try again."),
            code="wrong_type",
        )
    storage_name = f"cases/attachments/{secrets.token_hex(16)}.bin"
    default_storage.save(storage_name, ContentFile(crypto.field_cipher().encrypt(content)))
    try:
        attachment = Attachment.objects.create(
            case=case,
            file_name=(upload.name or "file")[:200],
            description=description.strip(),
            content_type=content_type,
            size=len(content),
            storage_name=storage_name,
            uploaded_by=acting,
        )
    except Exception:
        # Nothing points at the file any more: remove it rather than keep an orphan.
        default_storage.delete(storage_name)
        raise
    _record(acting, AuditAction.CREATE, attachment, f"attachment added to case {case.pk}")
    return attachment


def attachment_content(*, attachment: Attachment) -> bytes:
    with default_storage.open(attachment.storage_name, "rb") as stored:
        return crypto.field_cipher().decrypt(stored.read())


def attachments_rotate(dry_run: bool) -> int:
    """Re-encrypt every stored attachment with the primary key (`manage.py rotate_keys` calls this).

    Each file is written under a new name and the row repointed before the old file goes, so a
    crash half-way leaves every attachment readable.
    """
    count = 0
    for attachment in Attachment.objects.only("pk", "storage_name").order_by("pk").iterator():
        with default_storage.open(attachment.storage_name, "rb") as stored:
            rotated = crypto.field_cipher().rotate(stored.read())
        count += 1
        if dry_run:
            continue
        old_name = attachment.storage_name
        new_name = default_storage.save(
            f"cases/attachments/{secrets.token_hex(16)}.bin", ContentFile(rotated)
        )
        Attachment.objects.filter(pk=attachment.pk).update(storage_name=new_name)
        default_storage.delete(old_name)
    return count


FEEDBACK_LINK_DAYS = 30
FEEDBACK_QUESTIONS = ("listened", "safe", "not_blamed", "helped")


@transaction.atomic
def feedback_invite(*, acting: Membership, case: Case, respondent: str) -> tuple[FeedbackInvitation, str]:
    """A one-time link for the child or caregiver; the secret is returned once and never stored."""
    require_edit(acting, case)
    if respondent not in Respondent.values:
        raise ApplicationError(_("Choose who answers."))
    token = secrets.token_urlsafe(18)
    now = timezone.now()
    invitation = FeedbackInvitation.objects.create(
        case=case,
        respondent=respondent,
        token_hash=feedback_token_hash(token),
        created_by=acting,
        created_at=now,
        expires_at=now + timedelta(days=FEEDBACK_LINK_DAYS),
    )
    _record(acting, AuditAction.CREATE, invitation, f"feedback link for case {case.pk}")
    return invitation, token


def _feedback_create(
    *, case: Case, respondent: str, channel: str, language: str, answers: dict[str, str]
) -> FeedbackResponse:
    values = {question: answers.get(question, "") for question in FEEDBACK_QUESTIONS}
    if any(value not in FeedbackAnswer.values for value in values.values()):
        raise ApplicationError(_("Please answer each question. You can choose “I'd rather not say”."))
    today = timezone.localdate()
    return FeedbackResponse.objects.create(
        agency_id=case.agency_id,
        area_id=case.child.area_id,
        respondent=respondent,
        channel=channel,
        language=language[:10],
        period=today.replace(day=1),
        **values,
    )


@transaction.atomic
def feedback_submit(*, token: str, answers: dict[str, str], language: str) -> FeedbackResponse:
    """Answers sent through the link, by the child or caregiver alone; the link then stops working."""
    invitation = (
        FeedbackInvitation.objects.select_for_update()
        .select_related("case__child")
        .filter(token_hash=feedback_token_hash(token))
        .first()
    )
    if invitation is None or invitation.used_at is not None or invitation.expires_at <= timezone.now():
        raise ApplicationError(_("This link does not work any more. Thank you for wanting to tell us."))
    response = _feedback_create(
        case=invitation.case,
        respondent=invitation.respondent,
        channel="link",
        language=language,
        answers=answers,
    )
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    audit.record(
        action=AuditAction.CREATE, object_type="cases.FeedbackResponse", reason="feedback through a link"
    )
    return response


@transaction.atomic
def feedback_record_paper(
    *, acting: Membership, case: Case, respondent: str, answers: dict[str, str], language: str
) -> FeedbackResponse:
    """Answers the child or caregiver gave on paper, typed in by the worker."""
    require_edit(acting, case)
    if respondent not in Respondent.values:
        raise ApplicationError(_("Choose who answered."))
    response = _feedback_create(
        case=case, respondent=respondent, channel="paper", language=language, answers=answers
    )
    audit.record(
        action=AuditAction.CREATE,
        actor=acting.user,
        agency=acting.agency,
        object_type="cases.FeedbackResponse",
        reason="feedback entered from paper",
    )
    return response
