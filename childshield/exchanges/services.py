"""Every write a member causes on exchange connections: setting one up, changing it, switching it on
or off, and asking for a run now (done by a worker, never in the request)."""

from __future__ import annotations

import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from childshield.accounts.models import Membership
from childshield.accounts.permissions import Scope, may, require
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.core.addresses import non_public_address
from childshield.core.errors import ApplicationError
from childshield.exchanges import tasks
from childshield.exchanges.adapters import adapter_for
from childshield.exchanges.models import ExchangeConnection, ExchangeKind
from childshield.exchanges.permissions import ExchangePerm
from childshield.hashing.models import HashBank
from childshield.hashing.permissions import HashPerm
from childshield.outbox.kicks import kick_on_commit

MIN_EVERY_MINUTES = 5


@dataclass(frozen=True)
class ConnectionData:
    """What a member sets on a connection. Credentials left empty keep the ones stored."""

    name: str
    kind: str
    bank: HashBank
    base_url: str = ""
    collaboration: str = ""
    imports: bool = True
    exports: bool = False
    every_minutes: int = 60
    credentials: Mapping[str, str] = field(default_factory=dict)


def _require_connection(actor: Membership, connection: ExchangeConnection, perm: ExchangePerm) -> None:
    scope = require(actor, perm)
    if scope < Scope.ALL and connection.agency_id != actor.agency_id:
        raise ApplicationError(_("This connection belongs to another agency."), code="forbidden")


def _check_base_url(url: str) -> str:
    url = url.strip().rstrip("/")
    if not url:
        return ""
    parts = urlsplit(url)
    local_allowed = settings.EXCHANGES_ALLOW_PRIVATE_ADDRESSES
    if parts.scheme != "https" and not (local_allowed and parts.scheme == "http"):
        raise ApplicationError(_("The exchange's address must start with https://."), code="invalid_url")
    if not parts.hostname or parts.username or parts.password or parts.query:
        raise ApplicationError(
            _("The exchange's address has no host, or carries a password or a query."), code="invalid_url"
        )
    if not local_allowed:
        try:
            private = non_public_address(parts.hostname)
        except (socket.gaierror, UnicodeError):
            raise ApplicationError(
                _("The exchange's host name does not resolve."), code="invalid_url"
            ) from None
        if private:
            raise ApplicationError(
                _("The exchange's address leads to a private network: give a public address."),
                code="invalid_url",
            )
    return url


def _checked(actor: Membership, data: ConnectionData, stored: Mapping[str, str]) -> dict[str, object]:
    """The connection's fields from `data`, or the ApplicationError that says what is wrong."""
    if data.kind not in ExchangeKind.values:
        raise ApplicationError(_("Choose an exchange."), code="invalid")
    exchange = adapter_for(data.kind)
    if data.bank.owner_id != actor.agency_id or not may(actor, HashPerm.BANKS_MANAGE):
        raise ApplicationError(
            _("Choose a bank of your own agency that you may add hashes to."), code="forbidden"
        )
    if not (data.imports or data.exports):
        raise ApplicationError(_("Choose whether the connection imports, exports, or both."), code="invalid")
    if data.exports and not exchange.can_export:
        raise ApplicationError(
            _("python-threatexchange's client for this exchange cannot send hashes: it only imports."),
            code="invalid",
        )
    if data.imports and not exchange.can_import:
        raise ApplicationError(_("This exchange cannot be imported from."), code="invalid")
    if exchange.needs_collaboration and not data.collaboration.strip().isdigit():
        raise ApplicationError(_("Give the number of the ThreatExchange privacy group."), code="invalid")
    if data.every_minutes < MIN_EVERY_MINUTES:
        raise ApplicationError(
            _("Run at most every %(minutes)d minutes.") % {"minutes": MIN_EVERY_MINUTES}, code="invalid"
        )
    known = {credential.name for credential in exchange.credential_fields}
    credentials = {name: value for name, value in stored.items() if name in known}
    credentials.update(
        {name: value.strip() for name, value in data.credentials.items() if name in known and value.strip()}
    )
    missing = [
        str(credential.label)
        for credential in exchange.credential_fields
        if not credentials.get(credential.name)
        and ((data.imports and credential.needed_to_import) or (data.exports and credential.needed_to_export))
    ]
    if missing:
        raise ApplicationError(
            _("The connection needs: %(names)s.") % {"names": ", ".join(missing)}, code="credentials_required"
        )
    return {
        "name": data.name.strip(),
        "kind": data.kind,
        "bank": data.bank,
        "base_url": _check_base_url(data.base_url),
        "collaboration": data.collaboration.strip(),
        "imports": data.imports,
        "exports": data.exports,
        "every_minutes": data.every_minutes,
        "credentials": credentials,
        "configured_by": actor,
    }


def _unique_name(actor: Membership, name: str, exclude: int | None = None) -> None:
    taken = ExchangeConnection.objects.filter(agency_id=actor.agency_id, name=name.strip())
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise ApplicationError(_("Your agency already has a connection with this name."), code="duplicate")


@transaction.atomic
def connection_create(*, actor: Membership, data: ConnectionData) -> ExchangeConnection:
    require(actor, ExchangePerm.MANAGE)
    fields = _checked(actor, data, {})
    _unique_name(actor, data.name)
    connection = ExchangeConnection.objects.create(agency=actor.agency, **fields)
    audit.record(action=AuditAction.CREATE, actor=actor.user, agency=actor.agency, obj=connection)
    return connection


@transaction.atomic
def connection_update(
    *, actor: Membership, connection: ExchangeConnection, data: ConnectionData
) -> ExchangeConnection:
    """Change a connection; the one who changes it is the one its runs act as from now on.

    Another exchange or another bank starts the import and the export again from the beginning.
    """
    _require_connection(actor, connection, ExchangePerm.MANAGE)
    connection = ExchangeConnection.objects.select_for_update().get(pk=connection.pk)
    fields = _checked(actor, data, connection.credentials or {})
    _unique_name(actor, data.name, exclude=connection.pk)
    moved = (
        fields["kind"] != connection.kind
        or fields["bank"] != connection.bank
        or (fields["base_url"] != connection.base_url)
    )
    for name, value in fields.items():
        setattr(connection, name, value)
    if moved:
        connection.checkpoint = {}
        connection.exported_through = 0
        connection.signals.all().delete()
    connection.save()
    changed = "settings and credentials" if data.credentials else "settings"
    audit.record(
        action=AuditAction.UPDATE, actor=actor.user, agency=actor.agency, obj=connection, reason=changed
    )
    return connection


@transaction.atomic
def connection_set_enabled(
    *, actor: Membership, connection: ExchangeConnection, enabled: bool
) -> ExchangeConnection:
    _require_connection(actor, connection, ExchangePerm.RUN)
    connection.is_enabled = enabled
    ExchangeConnection.objects.filter(pk=connection.pk).update(is_enabled=enabled)
    audit.record(
        action=AuditAction.UPDATE,
        actor=actor.user,
        agency=actor.agency,
        obj=connection,
        reason="enabled" if enabled else "disabled",
    )
    return connection


@transaction.atomic
def connection_run_request(*, actor: Membership, connection: ExchangeConnection) -> ExchangeConnection:
    """Ask a worker to run the connection now: recorded on the connection (the beat's sweep runs it
    if the kick is lost), then kicked once the request commits."""
    _require_connection(actor, connection, ExchangePerm.RUN)
    if not connection.is_enabled:
        raise ApplicationError(_("The connection is switched off: switch it on first."), code="disabled")
    connection.run_requested_at = timezone.now()
    ExchangeConnection.objects.filter(pk=connection.pk).update(run_requested_at=connection.run_requested_at)
    audit.record(
        action=AuditAction.UPDATE, actor=actor.user, agency=actor.agency, obj=connection, reason="run asked"
    )
    kick_on_commit(tasks.exchange_run, connection.pk)
    return connection
