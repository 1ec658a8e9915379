"""Reads of the audit log, scoped to the person asking."""

from typing import Any

from django.db.models import QuerySet

from childshield.audit.models import AuditEvent


def audit_events_visible(*, agency_id: Any, see_all: bool, action: str = "") -> QuerySet[AuditEvent]:
    """Staff see the events of the agency they act for; system administrators see every event.
    With `action`, only the events of that action.

    The caller resolves the scope through the accounts permissions (audit imports no app).
    """
    events = AuditEvent.objects.all()
    if action:
        events = events.filter(action=action)
    return events if see_all else events.filter(agency_id=str(agency_id))
