"""Reads of data-subject requests, for those who handle them; and each request's history."""

from django.db.models import QuerySet
from django.http import Http404

from childshield.accounts.models import Membership
from childshield.accounts.permissions import require
from childshield.audit.models import AuditEvent
from childshield.operations.models import SubjectRequest
from childshield.operations.permissions import OperationsPerm


def subject_request_list(*, acting: Membership) -> QuerySet[SubjectRequest]:
    """Every request (system administrators handle every agency's), newest first."""
    require(acting, OperationsPerm.SUBJECT_REQUESTS)
    return SubjectRequest.objects.select_related("created_by__user").order_by("-received_at", "-pk")


def subject_request_get(*, acting: Membership, pk: int) -> SubjectRequest:
    request = subject_request_list(acting=acting).filter(pk=pk).first()
    if request is None:
        raise Http404
    return request


def subject_request_history(*, request: SubjectRequest) -> QuerySet[AuditEvent]:
    """The request's own audit events, oldest first: its history."""
    return AuditEvent.objects.filter(
        object_type=SubjectRequest._meta.label, object_id=str(request.pk)
    ).order_by("occurred_at", "pk")
