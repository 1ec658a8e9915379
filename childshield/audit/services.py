"""Writing audit events: `record` is the one call every app uses."""

from typing import TypedDict, Unpack

from django.db import models

from childshield.audit.context import current_request_id
from childshield.audit.models import AuditAction, AuditEvent


class EventFields(TypedDict, total=False):
    actor: models.Model | None
    agency: models.Model | None
    obj: models.Model | None
    object_type: str
    object_id: str
    reason: str


def record(*, action: AuditAction | str, **fields: Unpack[EventFields]) -> AuditEvent:
    """Append one event. Call it inside the transaction of the change it records."""
    made = event(action=action, **fields)
    made.save(force_insert=True)
    return made


def event(
    *,
    action: AuditAction | str,
    actor: models.Model | None = None,
    agency: models.Model | None = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    reason: str = "",
) -> AuditEvent:
    """The event `record` appends, not yet saved: for a path that writes it together with the change
    it records (`core.inserts.insert_together`)."""
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or str(obj.pk)
    return AuditEvent(
        action=AuditAction(action),
        actor_id="" if actor is None else str(actor.pk),
        actor_label="" if actor is None else str(actor)[:254],
        agency_id="" if agency is None else str(agency.pk),
        agency_label="" if agency is None else str(agency)[:200],
        object_type=object_type,
        object_id=object_id,
        reason=reason,
        request_id=current_request_id.get(),
    )
