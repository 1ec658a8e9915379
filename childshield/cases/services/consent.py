"""Consent to share a case: recorded, overridden in an emergency (confirmed by the supervisor), withdrawn."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from childshield.accounts.models import Agency, Membership
from childshield.audit.models import AuditAction
from childshield.cases.models import Case, Consent
from childshield.cases.models.consent import ConsentKind, ShareSection
from childshield.cases.models.referrals import ReferralStatus
from childshield.cases.permissions import may_supervise, require_edit
from childshield.cases.services.case_writes import audit_record, choices_clean
from childshield.core.errors import ApplicationError


@dataclass
class ConsentInput:
    purpose: str
    agencies: Sequence[Agency]
    sections: Sequence[str]
    child_assent: bool
    caregiver_consent: bool = False
    caregiver_name: str = ""
    caregiver_not_asked_reason: str = ""


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
    sections = choices_clean(values=consent.sections, allowed=ShareSection.values, what=_("section"))
    if not sections:
        raise ApplicationError(_("Choose at least one part of the case that may be shared."))
    if not consent.agencies:
        raise ApplicationError(_("Choose at least one agency the case may be shared with."))
    age = case.child.age_on(timezone.localdate())
    # Below this age a caregiver's consent is needed as well as the child's (Viet Nam: 16).
    under_age = age is None or age < settings.CASES_CAREGIVER_CONSENT_UNDER_AGE
    if under_age and not consent.caregiver_consent and not consent.caregiver_not_asked_reason.strip():
        raise ApplicationError(
            _(
                "For a child under %(age)d (or of unknown age), a caregiver's consent is needed too. If no "
                "caregiver can safely be asked (for example, a caregiver harmed the child), write why."
            )
            % {"age": settings.CASES_CAREGIVER_CONSENT_UNDER_AGE},
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
    audit_record(
        acting=acting, action=AuditAction.CREATE, obj=record, reason=f"consent recorded for case {case.pk}"
    )
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
    chosen = choices_clean(values=sections, allowed=ShareSection.values, what=_("section"))
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
    audit_record(
        acting=acting, action=AuditAction.CREATE, obj=record, reason=f"emergency override for case {case.pk}"
    )
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
    audit_record(acting=acting, action=AuditAction.UPDATE, obj=consent, reason="emergency override confirmed")
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
        audit_record(
            acting=acting,
            action=AuditAction.UPDATE,
            obj=referral,
            reason="referral cancelled: consent withdrawn",
        )
    audit_record(acting=acting, action=AuditAction.UPDATE, obj=consent, reason="consent withdrawn")
    return consent
