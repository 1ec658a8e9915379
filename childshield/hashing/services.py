"""Every write about hash banks: banks, hashes, imports, API keys and their calls, and the match service."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from childshield.accounts.models import Agency, Membership, User
from childshield.accounts.permissions import Scope, require
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.core.errors import ApplicationError
from childshield.core.inserts import insert_together
from childshield.hashing import tasks
from childshield.hashing.api_keys import (
    KEY_PREFIX_LENGTH,
    ROTATION_OVERLAP_HOURS,
    ROTATION_OVERLAP_MAX_HOURS,
    checked_scopes,
    key_digest,
)
from childshield.hashing.formats import InvalidHash, check_quality, normalise_value, parse_list
from childshield.hashing.index import hamming, hashes_from_hex
from childshield.hashing.matching import match_index, video_index
from childshield.hashing.models import (
    PDQ_MIN_QUALITY,
    Algorithm,
    ApiCall,
    ApiKey,
    ApiScope,
    BankSource,
    ChangeKind,
    HashBank,
    HashChange,
    HashEntry,
    HashImport,
    ImportFormat,
    ImportStatus,
    MatchChannel,
    MatchRecord,
    SharingPolicy,
    VideoHash,
)
from childshield.hashing.permissions import HashPerm
from childshield.hashing.scope import match_scope_changed
from childshield.hashing.video import VideoFrameHash, canonical_frames, frame_words, is_video_match
from childshield.outbox.kicks import kick_on_commit


def _require_bank(actor: Membership, bank: HashBank, perm: HashPerm) -> None:
    scope = require(actor, perm)
    if scope < Scope.ALL and bank.owner_id != actor.agency_id:
        raise ApplicationError(_("This bank belongs to another agency."), code="forbidden")


def history_lock(*, bank_id: int) -> None:
    """Hold the bank's row until the commit before its history takes ids.

    Every writer of a bank's history calls this first, so the bank's changes commit in the order of
    their ids: a reader that resumes after the last id it read (a platform keeping the bank's list in
    sync) never passes over a change still to commit. Writers of one bank queued on the row anyway,
    for its `live_entries`; they now queue before taking ids rather than after.
    """
    HashBank.objects.select_for_update().filter(pk=bank_id).values_list("pk", flat=True).first()


def _tell_match_workers() -> None:
    # A best-effort kick, not an outbox item: a match syncs its index before it answers, so a
    # message lost with the broker costs the next match some time, never a wrong answer.
    kick_on_commit(tasks.index_sync)


@transaction.atomic
def bank_create(
    *,
    actor: Membership,
    name: str,
    source: BankSource | str,
    sharing: SharingPolicy | str,
    description: str = "",
) -> HashBank:
    require(actor, HashPerm.BANKS_MANAGE)
    name = name.strip()
    if HashBank.objects.filter(owner=actor.agency, name=name).exists():
        raise ApplicationError(_("Your agency already has a bank with this name."), code="duplicate")
    bank = HashBank.objects.create(
        name=name, owner=actor.agency, source=source, sharing=sharing, description=description
    )
    match_scope_changed()
    audit.record(action=AuditAction.CREATE, actor=actor.user, agency=actor.agency, obj=bank)
    return bank


@transaction.atomic
def bank_set_enabled(*, actor: Membership, bank: HashBank, enabled: bool) -> HashBank:
    _require_bank(actor, bank, HashPerm.BANKS_CONFIGURE)
    bank.is_enabled = enabled
    bank.save(update_fields=["is_enabled"])
    match_scope_changed()
    audit.record(
        action=AuditAction.UPDATE,
        actor=actor.user,
        agency=actor.agency,
        obj=bank,
        reason="enabled" if enabled else "disabled",
    )
    return bank


@transaction.atomic
def bank_set_sharing(*, actor: Membership, bank: HashBank, sharing: SharingPolicy | str) -> HashBank:
    """Who may match against the bank: the hotline only, or also vetted platforms, or every platform.

    Every process's remembered bank ids are dropped with the change, so the next call sees it.
    """
    _require_bank(actor, bank, HashPerm.BANKS_CONFIGURE)
    sharing = SharingPolicy(sharing)
    bank.sharing = sharing
    bank.save(update_fields=["sharing"])
    match_scope_changed()
    audit.record(
        action=AuditAction.UPDATE,
        actor=actor.user,
        agency=actor.agency,
        obj=bank,
        reason=f"sharing: {sharing}",
    )
    return bank


def _add_entries(
    *,
    actor: Membership | None,
    bank: HashBank,
    hashes: Sequence[tuple[str, str, int | None]],
    reference: str,
    videos: Mapping[str, str] | None = None,
) -> tuple[int, int]:
    """Add (algorithm, value, quality) hashes not yet live in the bank; returns (added, already there).

    `videos` gives the frame list of each vPDQ value (whose SHA-256 the value is).
    """
    history_lock(bank_id=bank.pk)
    live = set(
        HashEntry.objects.filter(
            bank=bank, removed_at__isnull=True, value__in=[value for _a, value, _q in hashes]
        ).values_list("algorithm", "value")
    )
    now = timezone.now()
    fresh: dict[tuple[str, str], HashEntry] = {}
    for algorithm, value, quality in hashes:
        key = (algorithm, value)
        if key in live or key in fresh:
            continue
        fresh[key] = HashEntry(
            bank=bank,
            algorithm=algorithm,
            value=value,
            quality=quality,
            source_reference=reference,
            added_by=actor.user if actor else None,
            added_at=now,
        )
    entries = HashEntry.objects.bulk_create(fresh.values(), batch_size=2000)
    if not all(entry.pk for entry in entries):  # databases that do not return keys on bulk insert
        entries = list(HashEntry.objects.filter(bank=bank, added_at=now, removed_at__isnull=True))
    VideoHash.objects.bulk_create(
        [
            VideoHash(
                entry=entry,
                frames=(videos or {})[entry.value],
                frame_count=(videos or {})[entry.value].count("\n"),
                duration=float((videos or {})[entry.value].rstrip("\n").rpartition(",")[2]),
            )
            for entry in entries
            if entry.algorithm == Algorithm.VPDQ
        ],
        batch_size=500,
    )
    HashChange.objects.bulk_create(
        [
            HashChange(
                bank=bank, entry=entry, kind=ChangeKind.ADDED, at=now, by=actor.user if actor else None
            )
            for entry in entries
        ],
        batch_size=2000,
    )
    if entries:
        HashBank.objects.filter(pk=bank.pk).update(live_entries=F("live_entries") + len(entries))
        _tell_match_workers()
    return len(entries), len(hashes) - len(entries)


@transaction.atomic
def synthetic_bank_ensure(
    *, owner: Agency, name: str, hashes: Sequence[tuple[str, str, int | None]]
) -> HashBank:
    """The bank sandbox keys match, made once by the system with `hashes` (algorithm, value, quality)
    of drawn pictures and random values only; never shared, so live keys never see it."""
    bank, created = HashBank.objects.get_or_create(
        owner=owner,
        name=name,
        defaults={"source": BankSource.SYNTHETIC, "sharing": SharingPolicy.NOT_SHARED},
    )
    if bank.source != BankSource.SYNTHETIC:
        raise ApplicationError(_("A bank of this name holds real hashes."), code="duplicate")
    if created:
        match_scope_changed()
        audit.record(
            action=AuditAction.CREATE, agency=owner, obj=bank, reason="synthetic bank for sandbox keys"
        )
        _add_entries(actor=None, bank=bank, hashes=hashes, reference="synthetic")
    return bank


@transaction.atomic
def entry_add(
    *,
    actor: Membership,
    bank: HashBank,
    algorithm: Algorithm | str,
    value: str,
    quality: int | None = None,
    source_reference: str = "",
) -> HashEntry:
    _require_bank(actor, bank, HashPerm.BANKS_MANAGE)
    try:
        value = normalise_value(algorithm, value)
        check_quality(algorithm, quality)
    except InvalidHash as error:
        raise ApplicationError(str(error), code="invalid_hash") from None
    added, _present = _add_entries(
        actor=actor, bank=bank, hashes=[(algorithm, value, quality)], reference=source_reference
    )
    if not added:
        raise ApplicationError(_("This hash is already in the bank."), code="duplicate")
    entry = HashEntry.objects.get(bank=bank, algorithm=algorithm, value=value, removed_at__isnull=True)
    audit.record(action=AuditAction.CREATE, actor=actor.user, agency=actor.agency, obj=entry)
    return entry


@transaction.atomic
def video_entry_add(
    *, actor: Membership, bank: HashBank, frames: Sequence[VideoFrameHash], source_reference: str = ""
) -> HashEntry:
    """Add a video's vPDQ hash; its value is the SHA-256 of its frame list, so a repeat is refused."""
    _require_bank(actor, bank, HashPerm.BANKS_MANAGE)
    if not frames:
        raise ApplicationError(_("The video has no frame hashes."), code="invalid_hash")
    text, value = canonical_frames(frames)
    added, _present = _add_entries(
        actor=actor,
        bank=bank,
        hashes=[(Algorithm.VPDQ, value, None)],
        reference=source_reference,
        videos={value: text},
    )
    if not added:
        raise ApplicationError(_("This video is already in the bank."), code="duplicate")
    entry = HashEntry.objects.get(bank=bank, algorithm=Algorithm.VPDQ, value=value, removed_at__isnull=True)
    audit.record(action=AuditAction.CREATE, actor=actor.user, agency=actor.agency, obj=entry)
    return entry


@transaction.atomic
def entry_remove(*, actor: Membership, entry: HashEntry, reason: str) -> HashEntry:
    """Take a hash out of matching; the entry stays as a tombstone so that sync can tell platforms."""
    _require_bank(actor, entry.bank, HashPerm.BANKS_MANAGE)
    if entry.removed_at is not None:
        raise ApplicationError(_("This hash has already been removed."), code="already_removed")
    if not reason.strip():
        raise ApplicationError(_("Say why the hash is removed."), code="reason_required")
    history_lock(bank_id=entry.bank_id)
    entry.removed_at = timezone.now()
    entry.removed_by = actor.user
    entry.removal_reason = reason.strip()
    entry.save(update_fields=["removed_at", "removed_by", "removal_reason"])
    HashChange.objects.create(
        bank=entry.bank, entry=entry, kind=ChangeKind.REMOVED, at=entry.removed_at, by=actor.user
    )
    HashBank.objects.filter(pk=entry.bank_id).update(live_entries=F("live_entries") - 1)
    audit.record(action=AuditAction.DELETE, actor=actor.user, agency=actor.agency, obj=entry, reason=reason)
    _tell_match_workers()
    return entry


@transaction.atomic
def list_import(
    *, actor: Membership, bank: HashBank, text: str, fmt: ImportFormat | str, filename: str = ""
) -> HashImport:
    """Import a whole list or none of it: any bad line rejects the file, and every bad line is listed."""
    _require_bank(actor, bank, HashPerm.BANKS_MANAGE)
    parsed = parse_list(text, fmt)
    record = HashImport(
        bank=bank, format=fmt, filename=filename[:255], lines=parsed.lines, imported_by=actor.user
    )
    if parsed.errors or not parsed.hashes:
        record.status = ImportStatus.REJECTED
        record.errors = [error.as_dict() for error in parsed.errors[:500]] or [
            {"line": 0, "message": _("The file holds no hashes.")}
        ]
    else:
        record.status = ImportStatus.IMPORTED
        record.added, record.already_present = _add_entries(
            actor=actor,
            bank=bank,
            hashes=[(h.algorithm, h.value, h.quality) for h in parsed.hashes],
            reference=_("import of %(name)s") % {"name": filename[:150] or fmt},
            videos={h.value: h.frames for h in parsed.hashes if h.algorithm == Algorithm.VPDQ},
        )
    record.save()
    audit.record(
        action=AuditAction.CREATE,
        actor=actor.user,
        agency=actor.agency,
        obj=record,
        reason=f"{record.status}: {record.added} added",
    )
    return record


@transaction.atomic
def list_export(*, actor: Membership, bank: HashBank, fmt: ImportFormat | str) -> str:
    from childshield.hashing.formats import write_list

    _require_bank(actor, bank, HashPerm.BANKS_MANAGE)
    entries = HashEntry.objects.filter(bank=bank, removed_at__isnull=True).order_by("pk")
    text = write_list(entries.values_list("algorithm", "value", "quality", "video__frames").iterator(), fmt)
    audit.record(action=AuditAction.EXPORT, actor=actor.user, agency=actor.agency, obj=bank, reason=str(fmt))
    return text


# API keys ----------------------------------------------------------------------------------------


def _require_own_key(actor: Membership, key: ApiKey) -> None:
    scope = require(actor, HashPerm.API_KEYS_MANAGE)
    if scope < Scope.ALL and key.agency_id != actor.agency_id:
        raise ApplicationError(_("This key belongs to another agency."), code="forbidden")


@transaction.atomic
def api_key_create(
    *,
    agency: Agency,
    name: str,
    scopes: Iterable[str],
    created_by: User | None,
    expires_at: datetime | None = None,
    audit_agency: Agency | None = None,
    sandbox: bool = False,
) -> tuple[ApiKey, str]:
    """A new key for `agency`'s systems, without a permission check: for services (here and in apps
    above) that checked their own. The secret is returned once and only its digest is kept. A
    sandbox key matches and reads the synthetic banks alone."""
    if not name.strip():
        raise ApplicationError(_("Name the system that will use the key."), code="invalid")
    if expires_at is not None and expires_at <= timezone.now():
        raise ApplicationError(_("The key would have expired already: choose a later day."), code="invalid")
    secret = "cs_" + secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        agency=agency,
        name=name.strip(),
        prefix=secret[: KEY_PREFIX_LENGTH + 3],
        key_digest=key_digest(secret),
        scopes=checked_scopes(scopes),
        expires_at=expires_at,
        created_by=created_by,
        is_sandbox=sandbox,
    )
    audit.record(
        action=AuditAction.CREATE,
        actor=created_by,
        agency=audit_agency or agency,
        obj=key,
        reason=("sandbox; " if sandbox else "") + "scopes: " + " ".join(key.scopes),
    )
    return key, secret


@transaction.atomic
def api_key_issue(
    *,
    actor: Membership,
    agency: Agency,
    name: str,
    scopes: Iterable[str] = (ApiScope.MATCH,),
    expires_at: datetime | None = None,
) -> tuple[ApiKey, str]:
    """A hotline lead (or a system administrator, for any agency) issues a key for an agency's systems."""
    scope = require(actor, HashPerm.API_KEYS_MANAGE)
    if scope < Scope.ALL and agency.pk != actor.agency_id:
        raise ApplicationError(_("You can issue keys only for your own agency."), code="forbidden")
    return api_key_create(
        agency=agency,
        name=name,
        scopes=scopes,
        created_by=actor.user,
        expires_at=expires_at,
        audit_agency=actor.agency,
    )


@transaction.atomic
def api_key_rotate(
    *, actor: Membership, key: ApiKey, overlap_hours: int = ROTATION_OVERLAP_HOURS
) -> tuple[ApiKey, str]:
    """A new key in place of `key` (same agency, name, scopes and expiry); the old one keeps working
    for `overlap_hours` (0: stops at once), while the platform deploys the new one."""
    _require_own_key(actor, key)
    return api_key_replace(actor=actor, key=key, overlap_hours=overlap_hours)


@transaction.atomic
def api_key_replace(
    *, actor: Membership, key: ApiKey, overlap_hours: int = ROTATION_OVERLAP_HOURS
) -> tuple[ApiKey, str]:
    """`api_key_rotate` without its permission check: for services above that checked their own."""
    if not 0 <= overlap_hours <= ROTATION_OVERLAP_MAX_HOURS:
        raise ApplicationError(
            _("The old key may keep working for 0 to %(max)d hours.") % {"max": ROTATION_OVERLAP_MAX_HOURS},
            code="invalid",
        )
    key = ApiKey.objects.select_for_update().select_related("agency").get(pk=key.pk)  # one successor
    now = timezone.now()
    if key.revoked_at is not None:
        raise ApplicationError(_("A revoked key cannot be rotated."), code="revoked")
    if key.replaced_by_id is not None:
        raise ApplicationError(_("This key has already been replaced."), code="already_replaced")
    if key.expires_at is not None and key.expires_at <= now:
        raise ApplicationError(_("An expired key cannot be rotated: issue a new one."), code="expired")
    successor, secret = api_key_create(
        agency=key.agency,
        name=key.name,
        scopes=key.scopes,
        created_by=actor.user,
        expires_at=key.expires_at,
        audit_agency=actor.agency,
        sandbox=key.is_sandbox,
    )
    overlap_end = now + timedelta(hours=overlap_hours)
    key.replaced_by = successor
    key.expires_at = overlap_end if key.expires_at is None else min(key.expires_at, overlap_end)
    key.save(update_fields=["replaced_by", "expires_at"])
    match_scope_changed()  # as for a revoked key: what was remembered for the old one goes
    audit.record(
        action=AuditAction.UPDATE,
        actor=actor.user,
        agency=actor.agency,
        obj=key,
        reason=f"rotated: replaced by key {successor.pk}, works until {key.expires_at.isoformat()}",
    )
    return successor, secret


@transaction.atomic
def api_key_revoke(*, actor: Membership, key: ApiKey) -> ApiKey:
    _require_own_key(actor, key)
    return api_key_end(actor=actor, key=key)


@transaction.atomic
def api_key_end(*, actor: Membership, key: ApiKey) -> ApiKey:
    """`api_key_revoke` without its permission check: for services above that checked their own."""
    if key.revoked_at is not None:
        raise ApplicationError(_("This key has already been revoked."), code="already_revoked")
    key.revoked_at = timezone.now()
    key.save(update_fields=["revoked_at"])
    match_scope_changed()  # its authentication refuses it already; what was remembered for it goes
    audit.record(action=AuditAction.DELETE, actor=actor.user, agency=actor.agency, obj=key)
    return key


def api_call_record(*, key: ApiKey, operation: str, method: str, status: int) -> None:
    """One INSERT telling of a call made with `key` (no transaction of its own, and no audit event:
    this row is the call's record)."""
    ApiCall.objects.bulk_create(
        [ApiCall(key=key, operation=operation[:60], method=method[:8], status=status)]
    )


# Matching ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HashQuery:
    algorithm: str
    value: str
    quality: int | None = None
    frames: tuple[VideoFrameHash, ...] = ()  # vPDQ: the video's frames; `value` is then worked out

    @classmethod
    def of_video(cls, frames: Sequence[VideoFrameHash]) -> HashQuery:
        """A video's query: its frames, and as `value` the digest of its frame list."""
        return cls(Algorithm.VPDQ, canonical_frames(frames)[1], None, tuple(frames))


@dataclass(frozen=True)
class EntryMatch:
    entry_id: int
    bank_id: int
    bank_name: str
    distance: int
    # vPDQ: the share of the query's unique good frames found in the entry, and the other way
    query_percent: float | None = None
    target_percent: float | None = None


@dataclass(frozen=True)
class QueryResult:
    algorithm: str
    value: str
    status: str  # "matched", "no_match" or "low_quality"
    matches: list[EntryMatch] = field(default_factory=list)


def hashes_match(
    *,
    queries: Sequence[HashQuery],
    bank_ids: Sequence[int],
    channel: MatchChannel | str,
    agency: Agency | None,
    history_latest: int | None = None,
    api_key: ApiKey | None = None,
) -> list[QueryResult]:
    """Look hashes up in the given banks (those switched off are skipped) and record each lookup.

    MD5 and SHA-256 match exactly, through the database's index; PDQ matches every entry within
    the index's radius (31 bits), with its distance. PDQ hashes of quality under 50 are not looked up.
    A video (vPDQ) matches an entry when the shares of frames found each way reach vPDQ's
    thresholds (settings HASHING_VPDQ_QUERY_MATCH_PERCENT and _TARGET_, 80% and 0% as in HMA);
    a video without a frame of quality 50 is not looked up. A platform's `api_key` is kept on each
    record: a successful match call is told by its records alone.
    """
    normalised: list[HashQuery] = []
    for number, query in enumerate(queries):
        if query.algorithm == Algorithm.VPDQ:
            if not query.frames:
                raise ApplicationError(
                    _("A vPDQ hash is a list of frame hashes: send the frames, not one value."),
                    code="invalid_hash",
                    extra={"index": number},
                )
            normalised.append(HashQuery.of_video(query.frames))
            continue
        try:
            value = normalise_value(query.algorithm, query.value)
            if query.quality is not None and not 0 <= query.quality <= 100:
                check_quality(query.algorithm, query.quality)
        except InvalidHash as error:
            raise ApplicationError(str(error), code="invalid_hash", extra={"index": number}) from None
        normalised.append(HashQuery(query.algorithm, value, query.quality))

    live = HashEntry.objects.filter(
        removed_at__isnull=True, bank__is_enabled=True, bank_id__in=list(bank_ids)
    )
    found: dict[int, list[EntryMatch]] = {number: [] for number in range(len(normalised))}

    exact = [(n, q) for n, q in enumerate(normalised) if q.algorithm not in {Algorithm.PDQ, Algorithm.VPDQ}]
    for algorithm in {q.algorithm for _n, q in exact}:
        wanted = {q.value for _n, q in exact if q.algorithm == algorithm}
        hits: dict[str, list[EntryMatch]] = {}
        for entry_id, bank_id, bank_name, value in live.filter(
            algorithm=algorithm, value__in=wanted
        ).values_list("pk", "bank_id", "bank__name", "value"):
            hits.setdefault(value, []).append(EntryMatch(entry_id, bank_id, bank_name, 0))
        for number, query in exact:
            if query.algorithm == algorithm:
                found[number] = hits.get(query.value, [])

    perceptual = [
        (n, q)
        for n, q in enumerate(normalised)
        if q.algorithm == Algorithm.PDQ and (q.quality is None or q.quality >= PDQ_MIN_QUALITY)
    ]
    if perceptual and bank_ids:
        query_hashes = hashes_from_hex([q.value for _n, q in perceptual])
        index = match_index(latest=history_latest)
        answer = index.search(query_hashes)
        candidates = set(answer.ids.tolist())
        # most lookups find nothing near: then there is nothing to read back
        rows = {
            pk: (bank_id, bank_name, value)
            for pk, bank_id, bank_name, value in (
                live.filter(algorithm=Algorithm.PDQ, pk__in=candidates).values_list(
                    "pk", "bank_id", "bank__name", "value"
                )
                if candidates
                else []
            )
        }
        for slot, (number, _query) in enumerate(perceptual):
            for entry_id, _distance in answer.for_query(slot):
                if entry_id not in rows:
                    continue
                bank_id, bank_name, value = rows[entry_id]
                # the database's value is the truth; the index only proposes
                distance = int(hamming(hashes_from_hex([value])[0], query_hashes[slot]))
                if distance <= index.radius:
                    found[number].append(EntryMatch(entry_id, bank_id, bank_name, distance))

    low = {n for n, q in enumerate(normalised) if q.algorithm == Algorithm.PDQ} - {n for n, _q in perceptual}
    for number, query in enumerate(normalised):
        if query.algorithm == Algorithm.VPDQ:
            words = frame_words(query.frames)
            if not len(words):
                low.add(number)
            elif bank_ids:
                found[number] = _video_matches(words, live)

    results: list[QueryResult] = []
    for number, query in enumerate(normalised):
        matches = sorted(found[number], key=lambda m: (m.distance, m.entry_id))
        status = "low_quality" if number in low else ("matched" if matches else "no_match")
        results.append(QueryResult(query.algorithm, query.value, status, matches))
    # the lookups' records and their audit event in one statement (one round trip on PostgreSQL)
    insert_together(
        [
            MatchRecord(
                channel=channel,
                agency=agency,
                api_key=api_key,
                algorithm=result.algorithm,
                value=result.value,
                matched=bool(result.matches),
                result=[_match_summary(m) for m in result.matches],
            )
            for result in results
        ],
        [
            audit.event(
                action=AuditAction.VIEW,
                agency=agency,
                object_type="hashing.MatchRecord",
                reason=f"{channel}: {len(results)} hashes, {sum(bool(r.matches) for r in results)} matched",
            )
        ],
    )
    return results


def _video_matches(words: np.ndarray, live: QuerySet[HashEntry]) -> list[EntryMatch]:
    hits = {
        hit.entry_id: hit
        for hit in video_index().search(words)
        if is_video_match(hit.query_percent, hit.target_percent)
    }
    rows = live.filter(algorithm=Algorithm.VPDQ, pk__in=list(hits)).values_list("pk", "bank_id", "bank__name")
    return [
        EntryMatch(
            pk,
            bank_id,
            bank_name,
            hits[pk].distance,
            round(hits[pk].query_percent, 2),
            round(hits[pk].target_percent, 2),
        )
        for pk, bank_id, bank_name in rows
    ]


def _match_summary(match: EntryMatch) -> dict[str, object]:
    summary: dict[str, object] = {"entry": match.entry_id, "bank": match.bank_id, "distance": match.distance}
    if match.query_percent is not None:
        summary.update(query_percent=match.query_percent, target_percent=match.target_percent)
    return summary
