"""Reads of the audit log, scoped to the person asking."""

from typing import Any

from django.db.models import BooleanField, Case, F, QuerySet, TextField, Value, When

from childshield.audit.models import AuditAction, AuditEvent

# Events whose reason says why someone opened what they would not otherwise see: it may describe a
# child's situation, so it is for those who oversee the agency's work, not for every member.
REASON_FOR_OVERSIGHT = (AuditAction.BREAK_GLASS,)


def audit_events_visible(
    *, agency_id: Any, see_all: bool, oversees: bool, action: str = ""
) -> QuerySet[AuditEvent]:
    """Staff see the events of the agency they act for; system administrators see every event.
    With `action`, only the events of that action.

    Each event carries `shown_reason`: its reason, except a break-glass reason for someone who does
    not oversee (`oversees`), which never leaves the database for them (`reason_withheld` is set).
    The caller resolves the scope through the accounts permissions (audit imports no app).
    """
    events = AuditEvent.objects.all()
    if action:
        events = events.filter(action=action)
    if not see_all:
        events = events.filter(agency_id=str(agency_id))
    withheld = () if oversees else REASON_FOR_OVERSIGHT
    return events.defer("reason").annotate(
        shown_reason=Case(
            When(action__in=withheld, then=Value("")), default=F("reason"), output_field=TextField()
        ),
        reason_withheld=Case(
            When(action__in=withheld, then=Value(True)), default=Value(False), output_field=BooleanField()
        ),
    )
