"""A run of an exchange connection: the bank's new hashes sent, then the exchange's news fetched and
applied; one run at a time per connection, its outcome recorded on the connection.

What an import fetches is applied in one transaction with the checkpoint that follows it: an error
while fetching (a server error on the third page) leaves the bank and the checkpoint as they were,
and the next run asks again from the same place. Hashes are added through hashing's `list_import`
and withdrawn through `entry_remove`, as the member who set the connection up, so the bank's
history, its import records and the match index see them as any other.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.core.errors import ApplicationError
from childshield.exchanges.adapters import Exchange, ExchangeFailure, Page, adapter_for
from childshield.exchanges.models import ExchangeConnection, ExchangeSignal
from childshield.hashing import services as hashing
from childshield.hashing.formats import InvalidHash, normalise_value, write_list
from childshield.hashing.models import (
    Algorithm,
    ChangeKind,
    HashChange,
    HashEntry,
    ImportFormat,
    ImportStatus,
)

logger = logging.getLogger(__name__)


@dataclass
class RunOutcome:
    imported: int = 0
    removed: int = 0
    exported: int = 0
    skipped: int = 0  # hashes the exchange sent that are no valid PDQ
    error: str = ""


def connection_adapter(connection: ExchangeConnection) -> Exchange:
    return adapter_for(connection.kind)(
        base_url=connection.base_url,
        credentials=connection.credentials or {},
        collaboration=connection.collaboration,
    )


def _claim(connection_id: int, now: datetime) -> ExchangeConnection | None:
    """Hold the connection for this run, or None: switched off, or another run holds it."""
    free = Q(running_until__isnull=True) | Q(running_until__lte=now)
    taken = ExchangeConnection.objects.filter(free, pk=connection_id, is_enabled=True).update(
        running_until=now + timedelta(minutes=settings.EXCHANGES_RUN_LEASE_MINUTES), run_requested_at=None
    )
    if not taken:
        return None
    return ExchangeConnection.objects.select_related(
        "bank", "agency", "configured_by__user", "configured_by__agency"
    ).get(pk=connection_id)


def exchange_run(*, connection_id: int) -> RunOutcome | None:
    """Run the connection now, unless it is switched off or already running (None then)."""
    started = timezone.now()
    connection = _claim(connection_id, started)
    if connection is None:
        return None
    outcome = RunOutcome()
    try:
        exchange = connection_adapter(connection)
        if connection.exports and exchange.can_export:
            _export(connection, exchange, outcome)
        if connection.imports and exchange.can_import:
            _import(connection, exchange, outcome)
    except ExchangeFailure as failure:
        outcome.error = failure.message
    except (ApplicationError, PermissionDenied):  # the member who set it up may no longer add to the bank
        outcome.error = _(
            "The bank refused the hashes: the member who set the connection up may no longer add to it. "
            "Someone who may should save the connection again."
        )
    except Exception as error:  # whatever else: recorded, never raised to the worker or the page
        logger.error("exchange connection %s failed: %s", connection_id, type(error).__name__)
        outcome.error = _("The run failed unexpectedly (%(kind)s).") % {"kind": type(error).__name__}
    _finish(connection, outcome, started)
    return outcome


@transaction.atomic
def _finish(connection: ExchangeConnection, outcome: RunOutcome, started: datetime) -> None:
    ended = timezone.now()
    fields: dict[str, object] = {
        "running_until": None,
        "last_run_at": ended,
        "last_error": outcome.error[:500],
    }
    if not outcome.error:
        fields["last_success_at"] = ended
    ExchangeConnection.objects.filter(pk=connection.pk).update(**fields)
    audit.record(
        action=AuditAction.UPDATE,
        actor=connection.configured_by.user,
        agency=connection.agency,
        obj=connection,
        reason=(
            f"exchange run: {outcome.imported} imported, {outcome.removed} withdrawn, "
            f"{outcome.exported} sent" + (" (failed)" if outcome.error else "")
        ),
    )


# Export ----------------------------------------------------------------------------------------


def _export(connection: ExchangeConnection, exchange: Exchange, outcome: RunOutcome) -> None:
    """The bank's PDQ hashes added since the last export, batch by batch; never what this exchange sent."""
    from_exchange = ExchangeSignal.objects.filter(connection=connection).values("value")
    pending = (
        HashChange.objects.filter(
            bank_id=connection.bank_id,
            kind=ChangeKind.ADDED,
            entry__algorithm=Algorithm.PDQ,
            entry__removed_at__isnull=True,
        )
        .exclude(entry__value__in=from_exchange)
        .order_by("pk")
    )
    through = connection.exported_through
    while True:
        batch = list(pending.filter(pk__gt=through).values_list("pk", "entry__value")[: exchange.send_batch])
        if not batch:
            return
        values = list(dict.fromkeys(value for _pk, value in batch))
        exchange.send(values)
        through = batch[-1][0]
        ExchangeConnection.objects.filter(pk=connection.pk).update(
            exported_through=through, exported_total=F("exported_total") + len(values)
        )
        outcome.exported += len(values)


# Import ----------------------------------------------------------------------------------------


def _pages_to_apply(exchange: Exchange, checkpoint: dict[str, object]) -> Iterator[Page]:
    """The pages up to the last one a later run may resume after, at most EXCHANGES_PAGES_PER_RUN."""
    waiting: list[Page] = []
    read = 0
    for page in exchange.fetch(checkpoint):
        waiting.append(page)
        if page.checkpoint is None:
            continue
        yield from waiting
        waiting = []
        read += 1
        if read >= settings.EXCHANGES_PAGES_PER_RUN:
            return


def _import(connection: ExchangeConnection, exchange: Exchange, outcome: RunOutcome) -> None:
    # Everything is fetched before anything is written: a failure on any page writes nothing.
    pages = list(_pages_to_apply(exchange, dict(connection.checkpoint or {})))
    if not pages:
        return
    latest: dict[str, str | None] = {}  # the exchange's id -> its hash now (None: withdrawn)
    for page in pages:
        for remote_id in page.removed:
            latest[remote_id] = None
        for remote_id, value in page.added.items():
            try:
                latest[remote_id] = normalise_value(Algorithm.PDQ, value)
            except InvalidHash:
                outcome.skipped += 1
    _apply(connection, latest, pages[-1].checkpoint or {}, outcome)


@transaction.atomic
def _apply(
    connection: ExchangeConnection,
    latest: dict[str, str | None],
    checkpoint: dict[str, object],
    outcome: RunOutcome,
) -> None:
    actor, bank = connection.configured_by, connection.bank
    known = {
        signal.remote_id: signal
        for signal in ExchangeSignal.objects.select_for_update().filter(
            connection=connection, remote_id__in=latest
        )
    }
    # Withdrawn, or now another hash: the old hash goes, if the import added it and nothing else holds it.
    gone = [signal for remote_id, signal in known.items() if latest[remote_id] != signal.value]
    ExchangeSignal.objects.filter(pk__in=[signal.pk for signal in gone]).delete()
    for signal in gone:
        entry = signal.entry
        still_held = ExchangeSignal.objects.filter(connection=connection, entry=entry).exists()
        if entry is not None and entry.removed_at is None and not still_held:
            hashing.entry_remove(
                actor=actor,
                entry=entry,
                reason=_("Withdrawn by the exchange “%(name)s”.") % {"name": connection.name},
            )
            outcome.removed += 1
    arriving = {
        remote_id: value
        for remote_id, value in latest.items()
        if value is not None and (remote_id not in known or known[remote_id] in gone)
    }
    values = sorted(set(arriving.values()))
    if values:
        live = HashEntry.objects.filter(bank=bank, algorithm=Algorithm.PDQ, removed_at__isnull=True)
        present = set(live.filter(value__in=values).values_list("value", flat=True))
        record = hashing.list_import(
            actor=actor,
            bank=bank,
            text=write_list(((Algorithm.PDQ, value, None, None) for value in values), ImportFormat.SIGNALS),
            fmt=ImportFormat.SIGNALS,
            filename=f"exchange: {connection.name}"[:255],
        )
        if record.status != ImportStatus.IMPORTED:
            raise ExchangeFailure(
                _("The bank did not take the exchange's hashes (import %(id)d).") % {"id": record.pk}
            )
        outcome.imported += record.added
        # A hash the bank held already is left to whoever added it, unless this import did (under another id).
        entries = {
            signal.value: signal.entry
            for signal in ExchangeSignal.objects.filter(
                connection=connection, value__in=present, entry__removed_at__isnull=True
            ).select_related("entry")
        }
        entries.update({entry.value: entry for entry in live.filter(value__in=set(values) - present)})
        ExchangeSignal.objects.bulk_create(
            [
                ExchangeSignal(
                    connection=connection, remote_id=remote_id, value=value, entry=entries.get(value)
                )
                for remote_id, value in arriving.items()
            ],
            batch_size=1000,
        )
    ExchangeConnection.objects.filter(pk=connection.pk).update(
        checkpoint=checkpoint,
        imported_total=F("imported_total") + outcome.imported,
        removed_total=F("removed_total") + outcome.removed,
    )
