"""Reads of hash banks, entries, imports, match records and API keys, each for who is asking."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Field, Model, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from childshield.accounts.models import Agency, Membership
from childshield.accounts.permissions import Scope, require
from childshield.hashing.api_keys import key_digest
from childshield.hashing.models import (
    ApiKey,
    ApiScope,
    BankSource,
    HashBank,
    HashChange,
    HashEntry,
    HashImport,
    MatchRecord,
    MatchScopeVersion,
    SharingPolicy,
)
from childshield.hashing.permissions import HashPerm
from childshield.hashing.scope import remembered_bank_ids

SHARED_WITH_PLATFORMS = [SharingPolicy.TRUSTED_PLATFORMS, SharingPolicy.ALL_PLATFORMS]


def _agency_scoped(membership: Membership | None, perm: HashPerm, field: str) -> Q:
    scope = require(membership, perm)
    assert membership is not None
    return Q() if scope == Scope.ALL else Q(**{field: membership.agency_id})


def bank_list(*, membership: Membership | None) -> QuerySet[HashBank]:
    return (
        HashBank.objects.filter(_agency_scoped(membership, HashPerm.BANKS_VIEW, "owner_id"))
        .select_related("owner")
        .order_by("owner__name", "name")
    )


def bank_get(*, membership: Membership | None, pk: int) -> HashBank:
    bank = bank_list(membership=membership).filter(pk=pk).first()
    if bank is None:
        raise Http404
    return bank


def entry_list(
    *, membership: Membership | None, bank: HashBank, removed: bool = False
) -> QuerySet[HashEntry]:
    bank = bank_get(membership=membership, pk=bank.pk)
    return (
        HashEntry.objects.filter(bank=bank, removed_at__isnull=not removed)
        .select_related("added_by", "removed_by", "video")
        .defer("video__frames")
        .order_by("-added_at", "-pk")
    )


def entry_get(*, membership: Membership | None, pk: int) -> HashEntry:
    entry = (
        HashEntry.objects.filter(_agency_scoped(membership, HashPerm.BANKS_VIEW, "bank__owner_id"), pk=pk)
        .select_related("bank", "bank__owner")
        .first()
    )
    if entry is None:
        raise Http404
    return entry


def import_list(*, membership: Membership | None) -> QuerySet[HashImport]:
    return HashImport.objects.filter(
        _agency_scoped(membership, HashPerm.BANKS_VIEW, "bank__owner_id")
    ).select_related("bank", "imported_by")


def import_get(*, membership: Membership | None, pk: int) -> HashImport:
    record = import_list(membership=membership).filter(pk=pk).first()
    if record is None:
        raise Http404
    return record


def match_record_list(*, membership: Membership | None) -> QuerySet[MatchRecord]:
    return MatchRecord.objects.filter(
        _agency_scoped(membership, HashPerm.MATCHES_VIEW, "agency_id")
    ).select_related("agency")


def matchable_bank_ids_for_member(*, membership: Membership | None) -> list[int]:
    """A hotline matches against its own banks and every bank others share (remembered: scope.py)."""
    require(membership, HashPerm.MATCH)
    assert membership is not None
    agency_id = membership.agency_id
    return remembered_bank_ids(
        f"member:{membership.pk}:{agency_id}",
        lambda: list(
            HashBank.objects.filter(Q(owner_id=agency_id) | Q(sharing__in=SHARED_WITH_PLATFORMS))
            .exclude(source=BankSource.SYNTHETIC)  # the sandbox's: for sandbox keys only
            .order_by("pk")
            .values_list("pk", flat=True)
        ),
    )


_KEY_AGENCY_FIELDS = ("id", "name", "kind", "country")


@cache
def _api_key_sql(vendor: str) -> str:
    """The key, its agency's few fields and the match's state, in one statement written once.

    Hand-written because it runs on every platform call: the same query through the ORM (filter,
    select_related, two subquery annotations) took 1.2 ms of CPU to build and read, this 0.3.
    Names come from the models' metadata, quoted, so a renamed column cannot go unnoticed; the
    only value, the secret's digest, is a parameter (hence the `noqa: S608`s).
    """
    q = connection.ops.quote_name

    def column(model: type[Model], name: str) -> str:
        field = model._meta.get_field(name)
        assert isinstance(field, Field) and field.column
        return q(field.column)

    key_table, agency_table = q(ApiKey._meta.db_table), q(Agency._meta.db_table)
    scope_table, history_table = q(MatchScopeVersion._meta.db_table), q(HashChange._meta.db_table)
    scope_id, history_id = column(MatchScopeVersion, "id"), column(HashChange, "id")
    columns = [f"k.{q(field.column)}" for field in ApiKey._meta.concrete_fields]
    columns += [f"a.{column(Agency, name)} AS {q('agency__' + name)}" for name in _KEY_AGENCY_FIELDS]
    columns += [
        f"COALESCE((SELECT s.{column(MatchScopeVersion, 'version')} FROM {scope_table} s"  # noqa: S608
        f" WHERE s.{scope_id} = 1), 0) AS {q('match_scope_version')}",
        f"COALESCE((SELECT h.{history_id} FROM {history_table} h"  # noqa: S608
        f" ORDER BY h.{history_id} DESC LIMIT 1), 0) AS {q('match_history_latest')}",
    ]
    expires_at = column(ApiKey, "expires_at")
    return (
        f"SELECT {', '.join(columns)} FROM {key_table} k"  # noqa: S608
        f" JOIN {agency_table} a ON a.{column(Agency, 'id')} = k.{column(ApiKey, 'agency')}"
        f" WHERE k.{column(ApiKey, 'key_digest')} = %s AND k.{column(ApiKey, 'revoked_at')} IS NULL"
        f" AND (k.{expires_at} IS NULL OR k.{expires_at} > %s) AND a.{column(Agency, 'is_active')}"
    )


def api_key_authenticate(*, secret: str) -> ApiKey | None:
    """The live key with this secret (not revoked, not expired, its agency active), never remembered:
    a revoked or expired key is refused at once.

    The same statement reads what every match then needs to know (`match_scope_version` and
    `match_history_latest` on the key): a platform's call to the match API makes one round trip
    before the index. The key's agency carries its id, name, kind and country.
    """
    found = ApiKey.objects.raw(_api_key_sql(connection.vendor), [key_digest(secret), timezone.now()])
    key = next(iter(found), None)
    if key is not None:
        values = [getattr(key, "agency__" + name) for name in _KEY_AGENCY_FIELDS]
        key.agency = Agency.from_db(connection.alias, list(_KEY_AGENCY_FIELDS), values)
    return key


@dataclass(frozen=True)
class KeyRefusal:
    """Why a secret opens nothing: "key_unknown", "key_revoked" (`at`: when; None when its agency was
    switched off) or "key_expired" (`at`: when)."""

    code: str
    at: datetime | None = None


def api_key_refusal(*, secret: str) -> KeyRefusal:
    """Why no live key has this secret (`api_key_authenticate` found none): asked only then."""
    found = (
        ApiKey.objects.filter(key_digest=key_digest(secret))
        .values_list("revoked_at", "expires_at", "agency__is_active")
        .first()
    )
    if found is None:
        return KeyRefusal("key_unknown")
    revoked_at, expires_at, agency_active = found
    if revoked_at is not None:
        return KeyRefusal("key_revoked", revoked_at)
    if expires_at is not None and expires_at <= timezone.now():
        return KeyRefusal("key_expired", expires_at)
    if not agency_active:
        return KeyRefusal("key_revoked")
    return KeyRefusal("key_unknown")  # live again since the first look: a caller's next call gets in


def live_bank_ids() -> list[int]:
    """Every bank switched on, except the sandbox's synthetic ones: what a service matches real
    material against (a chat's picture, a platform's live report)."""
    live = HashBank.objects.filter(is_enabled=True).exclude(source=BankSource.SYNTHETIC)
    return list(live.order_by("pk").values_list("pk", flat=True))


def banks_for_api_key(*, key: ApiKey) -> QuerySet[HashBank]:
    """Banks shared with platforms (every key's agency was onboarded by a hotline lead or a system
    administrator, so its holder is vetted); a sandbox key's: the synthetic banks alone."""
    banks = HashBank.objects.filter(is_enabled=True)
    if key.is_sandbox:
        banks = banks.filter(source=BankSource.SYNTHETIC)
    else:
        banks = banks.filter(sharing__in=SHARED_WITH_PLATFORMS).exclude(source=BankSource.SYNTHETIC)
    return banks.select_related("owner").order_by("pk")


def matchable_bank_ids_for_api_key(*, key: ApiKey) -> list[int]:
    """The ids of `banks_for_api_key`, remembered per key while the match scope stays the same."""
    return remembered_bank_ids(
        f"key:{key.pk}",
        lambda: list(banks_for_api_key(key=key).values_list("pk", flat=True)),
        version=getattr(key, "match_scope_version", None),
    )


def bank_list_for_api_key(*, key: ApiKey) -> QuerySet[HashBank]:
    """The banks a key reads (its view asks for the scope first, with a problem naming it)."""
    if not key.has_scope(ApiScope.BANKS_READ):
        raise PermissionDenied(ApiScope.BANKS_READ)
    return banks_for_api_key(key=key)


def api_key_list(*, membership: Membership | None) -> QuerySet[ApiKey]:
    return (
        ApiKey.objects.filter(_agency_scoped(membership, HashPerm.API_KEYS_MANAGE, "agency_id"))
        .select_related("agency", "replaced_by")
        .order_by("-created_at", "-pk")
    )


def api_key_get(*, membership: Membership | None, pk: int) -> ApiKey:
    key = api_key_list(membership=membership).filter(pk=pk).first()
    if key is None:
        raise Http404
    return key


def agencies_for_api_keys(*, membership: Membership | None) -> QuerySet[Agency]:
    """Agencies the member may issue keys for: their own, or every active one for system administrators."""
    scope = require(membership, HashPerm.API_KEYS_MANAGE)
    assert membership is not None
    agencies = Agency.objects.filter(is_active=True).order_by("name")
    return agencies if scope == Scope.ALL else agencies.filter(pk=membership.agency_id)
