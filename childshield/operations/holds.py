"""Legal holds: placing one on a record stops retention for it until it is lifted or runs out."""

from datetime import datetime

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.operations.models import LegalHold


class HoldRefused(Exception):
    """A hold not placed or not lifted; the message says why."""


@transaction.atomic
def legal_hold_add(
    *, record: str, record_id: int, reason: str, by: str, until: datetime | None = None
) -> LegalHold:
    """Hold record `record_id` of model `record` ("intake.Report"), for `reason`, placed by `by`."""
    try:
        model = apps.get_model(record)
    except (LookupError, ValueError) as error:
        raise HoldRefused(
            f"{record!r} is not a kind of record (app_label.Model, e.g. intake.Report)."
        ) from error
    if not model._default_manager.filter(pk=record_id).exists():
        raise HoldRefused(f"There is no {record} {record_id}.")
    if not reason.strip() or not by.strip():
        raise HoldRefused("A hold needs its reason and who places it.")
    now = timezone.now()
    if until is not None and until <= now:
        raise HoldRefused("A hold's end must be in the future.")
    hold = LegalHold.objects.create(
        content_type=ContentType.objects.get_for_model(model),
        object_id=record_id,
        reason=reason.strip(),
        placed_by=by.strip(),
        since=now,
        until=until,
    )
    audit.record(action=AuditAction.CREATE, obj=hold, reason=f"legal hold on {record} {record_id} by {by}")
    return hold


@transaction.atomic
def legal_hold_lift(*, hold_id: int, by: str) -> LegalHold:
    hold = LegalHold.objects.select_for_update().filter(pk=hold_id, lifted_at__isnull=True).first()
    if hold is None:
        raise HoldRefused(f"There is no standing hold {hold_id}.")
    if not by.strip():
        raise HoldRefused("Say who lifts the hold.")
    hold.lifted_at = timezone.now()
    hold.lifted_by = by.strip()
    hold.save(update_fields=["lifted_at", "lifted_by"])
    audit.record(action=AuditAction.UPDATE, obj=hold, reason=f"legal hold lifted by {by}")
    return hold


def legal_holds_standing(*, now: datetime | None = None) -> QuerySet[LegalHold]:
    return LegalHold.objects.filter(LegalHold.standing(now or timezone.now())).select_related("content_type")
