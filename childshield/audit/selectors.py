"""Reads of the audit log, scoped to the person asking."""

from typing import Any

from django.db.models import QuerySet

from childshield.audit.models import AuditEvent


def audit_events_visible(*, agency_id: Any, see_all: bool) -> QuerySet[AuditEvent]:
    """Staff see the events of the agency they act for; system administrators see every event.

    The caller resolves the scope through the accounts permissions (audit imports no app).
    """
    events = AuditEvent.objects.all()
    return events if see_all else events.filter(agency_id=str(agency_id))
