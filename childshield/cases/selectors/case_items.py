"""One item of a case (a consent, a service, a follow-up, an attachment), reached only through the
case as the reader may see it; 404 for an item of another case."""

from __future__ import annotations

from django.http import Http404

from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.cases.models import Attachment, Case, Consent, FollowUp, Service
from childshield.cases.models.plan import SERVICE_DONE_STATUSES
from childshield.cases.selectors.cases import CaseView


def consent_get_for_case(*, view: CaseView, consent_id: int) -> Consent:
    consent = Consent.objects.filter(case=view.case, pk=consent_id).first()
    if consent is None:
        raise Http404
    return consent


def service_get_for_case(*, view: CaseView, service_id: int) -> Service:
    service = Service.objects.filter(case=view.case, pk=service_id).first()
    if service is None:
        raise Http404
    return service


def follow_up_get_for_case(*, view: CaseView, follow_up_id: int) -> FollowUp:
    follow_up = FollowUp.objects.filter(case=view.case, pk=follow_up_id).first()
    if follow_up is None:
        raise Http404
    return follow_up


def services_open(*, case: Case) -> list[Service]:
    return list(
        case.services.exclude(status__in=SERVICE_DONE_STATUSES).select_related("provider", "resource")
    )


def attachment_get_for_download(*, view: CaseView, attachment_id: int) -> Attachment:
    """An attachment of a case the reader holds in full (never through a referral); audited."""
    if not view.access.full:
        raise Http404
    attachment = Attachment.objects.filter(case=view.case, pk=attachment_id).first()
    if attachment is None:
        raise Http404
    audit.record(
        action=AuditAction.EXPORT,
        actor=view.acting.user,
        agency=view.acting.agency,
        obj=attachment,
        reason=f"attachment downloaded (case {view.case.pk})",
    )
    return attachment
