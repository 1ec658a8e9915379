"""Reads of hash banks, entries, imports, match records and API keys, each for who is asking."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from childshield.accounts.models import Agency, Membership
from childshield.accounts.permissions import Scope, require
from childshield.hashing.api_keys import key_digest
from childshield.hashing.matching import history_latest_expression
from childshield.hashing.models import ApiKey, HashBank, HashEntry, HashImport, MatchRecord, SharingPolicy
from childshield.hashing.permissions import HashPerm
from childshield.hashing.scope import remembered_bank_ids, scope_version_expression

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
            .order_by("pk")
            .values_list("pk", flat=True)
        ),
    )


def api_key_authenticate(*, secret: str) -> ApiKey | None:
    """The live key with this secret, never remembered (a revoked key is refused at once).

    The same statement reads what every match then needs to know (`match_scope_version` and
    `match_history_latest` on the key): a platform's call to the match API makes one round trip
    before the index, not three.
    """
    return (
        ApiKey.objects.filter(key_digest=key_digest(secret), revoked_at__isnull=True, agency__is_active=True)
        .select_related("agency")
        .annotate(
            match_scope_version=scope_version_expression(), match_history_latest=history_latest_expression()
        )
        .first()
    )


def banks_for_api_key(*, key: ApiKey) -> QuerySet[HashBank]:
    """Banks shared with platforms (every key is issued by a hotline lead, so its holder is vetted)."""
    return (
        HashBank.objects.filter(sharing__in=SHARED_WITH_PLATFORMS, is_enabled=True)
        .select_related("owner")
        .order_by("pk")
    )


def matchable_bank_ids_for_api_key(*, key: ApiKey) -> list[int]:
    """The ids of `banks_for_api_key`, remembered per key while the match scope stays the same."""
    return remembered_bank_ids(
        f"key:{key.pk}",
        lambda: list(banks_for_api_key(key=key).values_list("pk", flat=True)),
        version=getattr(key, "match_scope_version", None),
    )


def bank_list_for_api_key(*, key: ApiKey) -> QuerySet[HashBank]:
    if not key.may_list_banks:
        raise PermissionDenied("bank listing")
    return banks_for_api_key(key=key)


def api_key_list(*, membership: Membership | None) -> QuerySet[ApiKey]:
    return ApiKey.objects.filter(
        _agency_scoped(membership, HashPerm.API_KEYS_MANAGE, "agency_id")
    ).select_related("agency")


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
