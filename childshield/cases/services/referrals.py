"""Referrals between agencies: sent on consent, accepted (a case-management referral hands the case
over), declined or completed, with the sender told each time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from childshield.accounts.models import Agency, Membership
from childshield.audit.models import AuditAction
from childshield.cases.deadlines import response_time
from childshield.cases.models import Case, Consent, Referral, ReferralUpdate, Service
from childshield.cases.models.consent import ShareSection
from childshield.cases.models.plan import SERVICE_DONE_STATUSES, ServiceStatus
from childshield.cases.models.referrals import ReferralStatus, Urgency, section_flags
from childshield.cases.permissions import require_edit, require_respond
from childshield.cases.services.assignments import assignment_begin
from childshield.cases.services.case_writes import (
    audit_record,
    case_save,
    choices_clean,
    supervisor_check,
)
from childshield.core.errors import ApplicationError
from childshield.directory.models import Resource, ServiceKind
from childshield.outbox.services import email_enqueue


def _notify_sender(referral: Referral) -> None:
    """Tell the person who sent the referral, in the app and by e-mail (through the outbox)."""
    update = ReferralUpdate.objects.create(
        referral=referral, recipient=referral.sent_by, status=referral.status
    )
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
    email_enqueue(subject=subject, body=body, to=[email], idempotency_key=f"referral-update-{update.pk}")


def consent_check(*, consent: Consent, to_agency: Agency, sections: Sequence[str]) -> None:
    """Sharing with an agency rests on consent in force that names it and allows every section shared."""
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
    beyond = [section for section in sections if section not in consent.sections]
    if beyond:
        labels = dict(ShareSection.choices)
        raise ApplicationError(
            _("The consent does not allow sharing: %(sections)s.")
            % {"sections": "; ".join(str(labels[section]) for section in beyond)},
            code="no_consent",
        )


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
    requested = choices_clean(values=services, allowed=ServiceKind.values, what=_("service"))
    if not requested:
        raise ApplicationError(_("Choose at least one service you ask for."))
    return referral_create(
        acting=acting,
        case=case,
        to_agency=to_agency,
        services=requested,
        consent=consent,
        sections=sections,
        urgency=urgency,
        message=message,
        reason=f"referral of case {case.pk} to agency {to_agency.pk}",
    )


def referral_create(
    *,
    acting: Membership,
    case: Case,
    to_agency: Agency,
    services: list[str],
    consent: Consent,
    sections: Sequence[str],
    urgency: str,
    message: str,
    reason: str,
    service: Service | None = None,
    resource: Resource | None = None,
) -> Referral:
    """What every referral shares once its sender's own checks passed (a whole case's, or a request
    for one service): the sections and the urgency checked, the consent checked, the referral with
    its deadline, and its audit."""
    shared = choices_clean(values=sections, allowed=ShareSection.values, what=_("section"))
    if urgency not in Urgency.values:
        raise ApplicationError(_("Choose how urgent the referral is."))
    consent_check(consent=consent, to_agency=to_agency, sections=shared)
    sent_at = timezone.now()
    referral = Referral.objects.create(
        case=case,
        from_agency=acting.agency,
        to_agency=to_agency,
        sent_by=acting,
        services_requested=services,
        service=service,
        resource=resource,
        urgency=urgency,
        consent=consent,
        sections=shared,
        section_flags=section_flags(shared),
        message=message.strip(),
        sent_at=sent_at,
        # Kept with the referral: a later change of the settings does not move it.
        respond_by=sent_at + response_time(urgency),
    )
    audit_record(acting=acting, action=AuditAction.CREATE, obj=referral, reason=reason)
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
    if referral.service_id is not None:
        return _service_request_accept(
            acting=acting, referral=referral, case=case, service_id=referral.service_id, now=now
        )
    if referral.is_transfer:
        if case.is_closed:
            raise ApplicationError(_("The case was closed in the meantime."))
        supervisor_check(supervisor=supervisor, agency_id=acting.agency_id)
        case.lead_worker = acting
        case.supervisor = supervisor
        case.agency = acting.agency
        case_save(case=case, fields=["lead_worker", "supervisor", "agency"])
        assignment_begin(case=case, now=now)
        audit_record(
            acting=acting,
            action=AuditAction.UPDATE,
            obj=case,
            reason="case management handed over by referral",
        )
    referral.status = ReferralStatus.ACCEPTED
    referral.responded_at = now
    referral.responded_by = acting
    referral.save(update_fields=["status", "responded_at", "responded_by"])
    for kind in referral.services_requested:
        # The case's management is handed over and under way; every other service waits as requested,
        # its provider chosen afterwards (the accepting agency is not named for what it may not provide).
        handed_over = kind == ServiceKind.CASE_MANAGEMENT and referral.is_transfer
        Service.objects.create(
            case=case,
            kind=kind,
            provider=acting.agency if handed_over else None,
            status=ServiceStatus.IN_PROGRESS if handed_over else ServiceStatus.REQUESTED,
            starts_on=timezone.localdate() if handed_over else None,
            referral=referral,
            created_by=acting,
        )
    audit_record(acting=acting, action=AuditAction.UPDATE, obj=referral, reason="referral accepted")
    _notify_sender(referral)
    return referral


def _service_request_accept(
    *, acting: Membership, referral: Referral, case: Case, service_id: int, now: datetime
) -> Referral:
    """The agency agrees to provide the one service it was asked for: it becomes its provider."""
    if case.is_closed:
        raise ApplicationError(_("The case was closed in the meantime."))
    service = Service.objects.select_for_update().get(pk=service_id)
    if service.status in SERVICE_DONE_STATUSES:
        raise ApplicationError(
            _("This service was ended in the meantime (%(status)s).")
            % {"status": service.get_status_display()},
            code="already_answered",
        )
    service.provider = acting.agency
    service.resource = referral.resource
    if service.status == ServiceStatus.REQUESTED:
        service.status = ServiceStatus.PLANNED
    service.version = F("version") + 1
    service.save(update_fields=["provider", "resource", "status", "version"])
    referral.status = ReferralStatus.ACCEPTED
    referral.responded_at = now
    referral.responded_by = acting
    referral.save(update_fields=["status", "responded_at", "responded_by"])
    audit_record(acting=acting, action=AuditAction.UPDATE, obj=service, reason="service provider accepted")
    audit_record(acting=acting, action=AuditAction.UPDATE, obj=referral, reason="service request accepted")
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
    audit_record(acting=acting, action=AuditAction.UPDATE, obj=referral, reason="referral declined")
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
    audit_record(acting=acting, action=AuditAction.UPDATE, obj=referral, reason="referral completed")
    _notify_sender(referral)
    return referral


@transaction.atomic
def referral_updates_read(*, acting: Membership) -> int:
    return ReferralUpdate.objects.filter(recipient=acting, read_at__isnull=True).update(
        read_at=timezone.now()
    )
