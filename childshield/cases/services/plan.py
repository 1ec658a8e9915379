"""The service plan: services of the ASEAN package added to a case, who provides them (another agency
asked first, by a service request), and their progress."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from childshield.accounts.models import Agency, Membership
from childshield.audit.models import AuditAction
from childshield.cases.models import Case, Consent, Referral, Service
from childshield.cases.models.plan import SERVICE_DONE_STATUSES, ServiceStatus
from childshield.cases.models.referrals import ReferralStatus, Urgency
from childshield.cases.permissions import require_edit
from childshield.cases.services.case_writes import audit_record, case_check_open
from childshield.cases.services.referrals import referral_create
from childshield.core.errors import ApplicationError
from childshield.directory.models import Resource, ServiceKind


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
    case_check_open(case=case)
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
        _resource_check(resource=resource, case=case, kind=kind)
        if provider is None and resource.agency_id is not None:
            provider = resource.agency
    if provider is not None and provider.pk != case.agency_id:
        # Another agency provides only once it agreed, on the case's consent: it is asked by a request.
        raise ApplicationError(
            _("Add the service first, then choose %(agency)s as its provider: that agency is asked first.")
            % {"agency": provider.name},
            code="ask_first",
        )
    service = Service.objects.create(
        case=case,
        kind=kind,
        provider=provider,
        resource=resource,
        starts_on=starts_on,
        status=status,
        created_by=acting,
    )
    audit_record(
        acting=acting, action=AuditAction.CREATE, obj=service, reason=f"service added to case {case.pk}"
    )
    return service


def _resource_check(*, resource: Resource, case: Case, kind: str) -> None:
    if not resource.is_active or resource.country != case.agency.country:
        raise ApplicationError(
            _("That service is not in the directory any more: choose another."), code="provider_gone"
        )
    offered = set(resource.kinds.values_list("kind", flat=True))
    if offered and kind not in offered:
        raise ApplicationError(
            _("%(name)s does not offer this kind of service: choose another, or another kind.")
            % {"name": resource.name},
            code="not_offered",
        )


def _service_locked(*, service: Service, version: int) -> Service:
    locked = Service.objects.select_for_update().get(pk=service.pk)
    if locked.version != version:
        raise ApplicationError(
            _(
                "Someone else changed this service after you opened it. Reload the case, check their "
                "change, then make yours again (what you typed is kept below)."
            ),
            code="stale",
        )
    return locked


@transaction.atomic
def service_provider_set(
    *,
    acting: Membership,
    service: Service,
    version: int,
    provider: Agency | None = None,
    resource: Resource | None = None,
    consent: Consent | None = None,
    sections: Sequence[str] = (),
    urgency: str = Urgency.ROUTINE,
    message: str = "",
) -> Referral | None:
    """Choose or change who provides a service: an agency, a service from the directory, or both.

    The case's own agency, the agency already providing it, or a directory service run by neither, is
    named at once (a service still requested becomes planned). Any other agency is asked first: it
    receives a service request (a referral limited to this service, on the case's consent, sharing
    only what the consent allows), returned here, and becomes the provider when it accepts.
    """
    case = service.case
    require_edit(acting, case)
    case_check_open(case=case)
    locked = _service_locked(service=service, version=version)
    if locked.status in SERVICE_DONE_STATUSES:
        raise ApplicationError(_("This service has ended: add a new one to the plan instead."))
    if provider is None and resource is None:
        raise ApplicationError(
            _("Choose who provides the service: an agency, or a service from the directory."),
            code="no_provider",
        )
    if resource is not None:
        _resource_check(resource=resource, case=case, kind=locked.kind)
        if provider is None and resource.agency_id is not None:
            provider = resource.agency
        elif provider is not None and resource.agency_id not in (None, provider.pk):
            raise ApplicationError(
                _("%(name)s is run by another agency: choose that agency, or no agency.")
                % {"name": resource.name},
                code="invalid",
            )
    if provider is not None and (not provider.is_active or provider.country != case.agency.country):
        raise ApplicationError(
            _("%(agency)s is no longer an active agency: choose another provider.")
            % {"agency": provider.name},
            code="provider_gone",
        )
    if locked.provider_requests.filter(status=ReferralStatus.SENT).exists():
        raise ApplicationError(
            _("A request to provide this service waits for an answer: wait for it before you choose again."),
            code="request_waiting",
        )
    if provider is not None and provider.pk not in (case.agency_id, locked.provider_id):
        return _service_request_send(
            acting=acting,
            service=locked,
            to_agency=provider,
            resource=resource,
            consent=consent,
            sections=sections,
            urgency=urgency,
            message=message,
        )
    locked.provider = provider
    locked.resource = resource
    if locked.status == ServiceStatus.REQUESTED:
        locked.status = ServiceStatus.PLANNED
    locked.version = F("version") + 1
    locked.save(update_fields=["provider", "resource", "status", "version"])
    locked.refresh_from_db(fields=["version"])
    audit_record(acting=acting, action=AuditAction.UPDATE, obj=locked, reason="service provider chosen")
    return None


def _service_request_send(
    *,
    acting: Membership,
    service: Service,
    to_agency: Agency,
    resource: Resource | None,
    consent: Consent | None,
    sections: Sequence[str],
    urgency: str,
    message: str,
) -> Referral:
    if service.kind == ServiceKind.CASE_MANAGEMENT:
        raise ApplicationError(
            _("To hand the case's management to another agency, refer the case to it."), code="invalid"
        )
    if consent is None:
        raise ApplicationError(
            _("Choose the consent that lets you share the case with %(agency)s.")
            % {"agency": to_agency.name},
            code="no_consent",
        )
    if consent.case_id != service.case_id:
        raise ApplicationError(_("That consent belongs to another case."))
    return referral_create(
        acting=acting,
        case=service.case,
        to_agency=to_agency,
        services=[service.kind],
        consent=consent,
        sections=sections,
        urgency=urgency,
        message=message,
        reason=f"service {service.pk} of case {service.case_id} requested from agency {to_agency.pk}",
        service=service,
        resource=resource,
    )


def _completed_at(service: Service, status: str) -> datetime | None:
    """When the service was completed: now when it becomes completed, kept while it stays so, and
    cleared when it is set back to another status (it was not delivered after all)."""
    if status != ServiceStatus.COMPLETED:
        return None
    return service.completed_at if service.status == ServiceStatus.COMPLETED else timezone.now()


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
    case_check_open(case=service.case)
    locked = _service_locked(service=service, version=version)
    if status not in ServiceStatus.values:
        raise ApplicationError(_("Choose the service's status."))
    if (
        status not in (ServiceStatus.REQUESTED, ServiceStatus.REFUSED, ServiceStatus.CANCELLED)
        and locked.provider_id is None
        and locked.resource_id is None
    ):
        raise ApplicationError(
            _("Choose who provides the service before you plan it.")
            if status != ServiceStatus.COMPLETED
            else _("Choose who provided the service before you mark it completed."),
            code="no_provider",
        )
    if starts_on and ends_on and ends_on < starts_on:
        raise ApplicationError(_("The end date is before the start date."))
    locked.completed_at = _completed_at(locked, status)
    locked.status = status
    locked.starts_on = starts_on
    locked.ends_on = ends_on
    locked.outcome = outcome.strip()
    locked.version = F("version") + 1
    locked.save(update_fields=["status", "starts_on", "ends_on", "outcome", "completed_at", "version"])
    locked.refresh_from_db(fields=["version"])
    audit_record(acting=acting, action=AuditAction.UPDATE, obj=locked, reason=f"service {status}")
    return locked
