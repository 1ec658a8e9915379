"""The service plan: services of the ASEAN package added to a case, and their progress."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from childshield.accounts.models import Agency, Membership
from childshield.audit.models import AuditAction
from childshield.cases.models import Case, Service
from childshield.cases.models.plan import ServiceStatus
from childshield.cases.permissions import require_edit
from childshield.cases.services.case_writes import audit_record, case_check_open
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
    audit_record(
        acting=acting, action=AuditAction.CREATE, obj=service, reason=f"service added to case {case.pk}"
    )
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
    case_check_open(case=service.case)
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
    audit_record(acting=acting, action=AuditAction.UPDATE, obj=locked, reason=f"service {status}")
    return locked
