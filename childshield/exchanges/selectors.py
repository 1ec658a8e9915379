"""Reads of exchange connections, each for who is asking; and which connections are due to run."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from childshield.accounts.models import Membership
from childshield.accounts.permissions import Scope, require
from childshield.exchanges.models import ExchangeConnection
from childshield.exchanges.permissions import ExchangePerm


def connection_list(*, membership: Membership | None) -> QuerySet[ExchangeConnection]:
    scope = require(membership, ExchangePerm.VIEW)
    assert membership is not None
    mine = Q() if scope == Scope.ALL else Q(agency_id=membership.agency_id)
    return (
        ExchangeConnection.objects.filter(mine)
        .select_related("agency", "bank", "configured_by__user")
        .defer("credentials", "checkpoint")
        .order_by("agency__name", "name", "pk")
    )


def connection_get(*, membership: Membership | None, pk: int) -> ExchangeConnection:
    connection = connection_list(membership=membership).filter(pk=pk).first()
    if connection is None:
        raise Http404
    return connection


def connections_due(*, now: datetime | None = None) -> list[int]:
    """Enabled connections asked to run, never run, or whose interval has passed since their last run.

    Read whole rather than filtered by interval in SQL: a country has a handful of connections.
    """
    now = now or timezone.now()
    rows = ExchangeConnection.objects.filter(is_enabled=True).values_list(
        "pk", "every_minutes", "last_run_at", "run_requested_at"
    )
    return [
        pk
        for pk, every, last_run, requested in rows.order_by("pk")
        if requested is not None or last_run is None or last_run + timedelta(minutes=every) <= now
    ]
