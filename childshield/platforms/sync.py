"""Reads for keeping hash lists in sync: a bank's signals page by page after a signed cursor, for a
platform's key, and what platforms said of each hash, for those who may view the bank."""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Count, Max, Model
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from childshield.accounts.models import Membership
from childshield.accounts.related import RelatedLink
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.core.errors import ApplicationError
from childshield.hashing.models import Algorithm, ApiKey, HashBank, HashChange, HashEntry, VideoHash
from childshield.hashing.selectors import bank_get, bank_list_for_api_key
from childshield.intake.hooks import AppOutcome, EntryOutcome
from childshield.platforms.models import SignalFeedback, Verdict

# A page stops early past this many vPDQ frames (about 8 MB of text), so that a bank of long videos
# never makes an answer of hundreds of megabytes; a page holds one signal at least.
PAGE_FRAMES = 100_000
# Changes when a page's shape does, so that no page kept by a platform outlives its shape.
PAGE_SHAPE = "1"
FEEDBACK_PAGE_SIZE = 50


def _cursor_signer() -> signing.Signer:
    return signing.Signer(salt="childshield.platforms.sync.cursor")


# The platform's side: a bank's history -------------------------------------------------------------


def bank_for_key(*, key: ApiKey, pk: int) -> HashBank:
    """A bank the key may read (shared with platforms and switched on); any other is not found."""
    bank = bank_list_for_api_key(key=key).filter(pk=pk).first()
    if bank is None:
        raise Http404
    return bank


def history_newest(*, bank: HashBank) -> int:
    """The id of the bank's newest change (0 for none); one entry of the history's index."""
    newest = HashChange.objects.filter(bank=bank).order_by("-pk").values_list("pk", flat=True).first()
    return newest or 0


def cursor_make(*, bank: HashBank, after: int) -> str:
    """The opaque cursor a platform sends back for the changes after `after` (a history id)."""
    return _cursor_signer().sign_object({"bank": bank.pk, "after": after})


def cursor_read(cursor: str, *, bank: HashBank, newest: int) -> int:
    """The history id a cursor of this bank stands for (0, the beginning, for none): a cursor this
    server did not sign, one of another bank, or one past the bank's newest change (a database
    restored from an older backup) is refused, with the advice to start again."""
    if not cursor:
        return 0
    try:
        place = _cursor_signer().unsign_object(cursor)
    except (signing.BadSignature, ValueError):
        place = None
    if not isinstance(place, dict) or not all(isinstance(place.get(k), int) for k in ("bank", "after")):
        raise ApplicationError(
            _("This cursor was not given by this server, or it was changed. Start again without a cursor."),
            code="invalid_cursor",
        )
    if place["bank"] != bank.pk:
        raise ApplicationError(
            _("This cursor was given for another bank's signals. Start again without a cursor."),
            code="invalid_cursor",
        )
    after: int = place["after"]
    if after > newest:
        raise ApplicationError(
            _(
                "This cursor is ahead of the bank's history: the hotline's database was restored from "
                "an earlier copy. Start again without a cursor, and replace your copy of the bank."
            ),
            code="cursor_from_future",
        )
    return after


def page_etag(*, bank: HashBank, after: int, newest: int, limit: int) -> str:
    """The page's entity tag: the same while the bank has no newer change, so that a platform asking
    again with `If-None-Match` is told "nothing new" without a page being read. The cursor's signed
    form goes in, so a new secret key (which changes every cursor) changes the tag too."""
    place = cursor_make(bank=bank, after=after)
    digest = hashlib.sha256(f"{PAGE_SHAPE}|{place}|{newest}|{limit}".encode()).hexdigest()
    return f'"{digest[:40]}"'


@dataclass(frozen=True)
class Signal:
    entry_id: int
    change: str
    algorithm: str
    value: str
    quality: int | None
    at: datetime
    frames: str | None = None  # vPDQ's only


@dataclass(frozen=True)
class SignalPage:
    signals: list[Signal]
    last: int  # the history id of the last signal (or the cursor's, for an empty page)
    has_more: bool


def signal_page(*, bank: HashBank, after: int, newest: int, limit: int) -> SignalPage:
    """The bank's changes after `after` and up to `newest`, in history order: `limit` entries of the
    history's index, their hashes by primary key, and the frames of the videos among them.

    Up to `newest` only (the id the page's tag was made from), so a page is the same for the same
    tag; a change committed since comes in the next page.
    """
    changes = list(
        HashChange.objects.filter(bank=bank, pk__gt=after, pk__lte=newest)
        .order_by("pk")
        .values_list("pk", "entry_id", "kind", "at")[:limit]
    )
    hashes = {
        pk: (algorithm, value, quality, frame_count or 0)
        for pk, algorithm, value, quality, frame_count in HashEntry.objects.filter(
            pk__in={entry_id for _pk, entry_id, _kind, _at in changes}
        )
        .order_by()
        .values_list("pk", "algorithm", "value", "quality", "video__frame_count")
    }
    kept: list[tuple[int, int, str, datetime]] = []
    frames = 0
    for change in changes:
        frame_count = hashes[change[1]][3]
        if kept and frames + frame_count > PAGE_FRAMES:
            break
        kept.append(change)
        frames += frame_count
    videos = [entry_id for _pk, entry_id, _kind, _at in kept if hashes[entry_id][0] == Algorithm.VPDQ]
    video_frames = dict(VideoHash.objects.filter(entry_id__in=videos).values_list("entry_id", "frames"))
    signals = [
        Signal(
            entry_id=entry_id,
            change=kind,
            algorithm=hashes[entry_id][0],
            value=hashes[entry_id][1],
            quality=hashes[entry_id][2],
            at=at,
            frames=video_frames.get(entry_id),
        )
        for _pk, entry_id, kind, at in kept
    ]
    last = kept[-1][0] if kept else after
    return SignalPage(signals=signals, last=last, has_more=last < newest)


# The hotline's side: what each hash achieved --------------------------------------------------------


@dataclass(frozen=True)
class PlatformCounts:
    platform: str
    blocked: int = 0
    not_blocked: int = 0
    pending_review: int = 0

    @property
    def total(self) -> int:
        return self.blocked + self.not_blocked + self.pending_review


@dataclass(frozen=True)
class HashFeedback:
    entry: HashEntry
    words: list[SignalFeedback]  # one per platform, by the platform's name


@dataclass(frozen=True)
class BankFeedback:
    bank: HashBank
    platforms: list[PlatformCounts]  # by the platform's name
    page: Page[dict[str, Any]]  # of the hashes with feedback, the latest word first
    hashes: list[HashFeedback]  # the page's


def bank_feedback(*, membership: Membership, pk: int, page: str | None = None) -> BankFeedback:
    """For someone who may view the bank: each platform's verdicts on its hashes, counted, and the
    hashes with feedback a page at a time (the latest word first). Audited."""
    bank = bank_get(membership=membership, pk=pk)
    feedback = SignalFeedback.objects.filter(bank=bank)
    counts: dict[tuple[int, str], dict[str, int]] = {}
    for row in feedback.values("platform_id", "platform__name", "verdict").annotate(n=Count("pk")).order_by():
        counts.setdefault((row["platform_id"], row["platform__name"]), {})[row["verdict"]] = row["n"]
    platforms = [
        PlatformCounts(
            platform=name,
            blocked=verdicts.get(Verdict.BLOCKED, 0),
            not_blocked=verdicts.get(Verdict.NOT_BLOCKED, 0),
            pending_review=verdicts.get(Verdict.PENDING_REVIEW, 0),
        )
        for (_id, name), verdicts in sorted(counts.items(), key=lambda item: (item[0][1], item[0][0]))
    ]
    latest = feedback.values("entry_id").annotate(latest=Max("updated_at")).order_by("-latest", "-entry_id")
    shown = Paginator(latest, FEEDBACK_PAGE_SIZE).get_page(page)
    ids = [row["entry_id"] for row in shown.object_list]
    entries = HashEntry.objects.in_bulk(ids)
    words: dict[int, list[SignalFeedback]] = {pk: [] for pk in ids}
    for word in feedback.filter(entry_id__in=ids).select_related("platform").order_by("platform__name", "pk"):
        words[word.entry_id].append(word)
    audit.record(
        action=AuditAction.VIEW,
        actor=membership.user,
        agency=membership.agency,
        obj=bank,
        reason="platforms' feedback on the bank's hashes",
    )
    return BankFeedback(
        bank=bank,
        platforms=platforms,
        page=shown,
        hashes=[HashFeedback(entry=entries[pk], words=words[pk]) for pk in ids],
    )


def feedback_links(bank: Model, acting: Membership | None) -> list[RelatedLink]:
    """The related link from a bank's page to what platforms said of its hashes (related-links
    registry, "hashing.HashBank"), for those who may view the bank."""
    try:
        bank_get(membership=acting, pk=bank.pk)
    except (Http404, PermissionDenied):
        return []
    return [
        RelatedLink(
            kind=gettext_lazy("Platforms' feedback"),
            label=_("What each hash achieved"),
            url=reverse("platforms:bank_feedback", args=[bank.pk]),
        )
    ]


# The child's side: what apps said of the pictures they blocked --------------------------------------

_CHILD_OUTCOME: dict[str, AppOutcome] = {
    Verdict.BLOCKED: AppOutcome.BLOCKED,
    Verdict.PENDING_REVIEW: AppOutcome.CHECKING,
    Verdict.NOT_BLOCKED: AppOutcome.NOT_BLOCKED,
}


def blocked_image_outcomes(*, entry_ids: Collection[int]) -> dict[int, list[EntryOutcome]]:
    """Each platform's verdict on these entries, for the child's code page (intake's registry
    `on_blocked_image_outcomes`): one query by the feedback's unique index; no names, no notes."""
    found: dict[int, list[EntryOutcome]] = {}
    rows = SignalFeedback.objects.filter(entry_id__in=entry_ids).order_by()
    for entry_id, platform_id, verdict in rows.values_list("entry_id", "platform_id", "verdict"):
        found.setdefault(entry_id, []).append(EntryOutcome(app=platform_id, outcome=_CHILD_OUTCOME[verdict]))
    return found
