"""Reads of reports (the helpline's queue, one report) and of hashes waiting for a hotline's review,
each checked against the acting member."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.http import Http404

from childshield.accounts.models import Agency, Membership
from childshield.accounts.permissions import Scope, require
from childshield.audit import services as audit
from childshield.audit.models import AuditAction
from childshield.intake.hooks import AppOutcome, blocked_image_outcomes
from childshield.intake.models import (
    BlockedImage,
    BlockedImageState,
    Channel,
    Report,
    ReportMessage,
    ReportStatus,
    Screening,
    SelfSubmittedPolicy,
    Sender,
)
from childshield.intake.permissions import IntakePerm
from childshield.intake.references import normalise_reference


def _visible(*, acting: Membership, perm: IntakePerm) -> QuerySet[Report]:
    scope = require(acting, perm)
    reports = Report.objects.all()
    return reports if scope == Scope.ALL else reports.filter(country=acting.agency.country)


def reports_waiting(*, acting: Membership) -> QuerySet[Report]:
    """Reports not closed yet: clear ones before those from a burst, urgent first, longest waiting first."""
    lane = Case(
        When(screening=Screening.CLEAR, then=Value(0)),
        When(screening=Screening.FLOOD, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    # Who wrote last, the helpline's automatic messages aside: a chat's automatic first answer does
    # not answer the child.
    last_sender = Subquery(
        ReportMessage.objects.filter(report=OuterRef("pk"))
        .exclude(sender=Sender.AUTOMATIC)
        .order_by("-created_at", "-id")
        .values("sender")[:1]
    )
    return (
        _visible(acting=acting, perm=IntakePerm.REPORT_LIST)
        .exclude(status=ReportStatus.CLOSED)
        .select_related("province")
        .annotate(lane=lane, last_sender=last_sender)
        .order_by("lane", "-is_urgent", "created_at", "id")
    )


def _report_for_staff(*, acting: Membership, reference: str) -> QuerySet[Report]:
    """The report of this code however it was written, if the member may read it."""
    return _visible(acting=acting, perm=IntakePerm.REPORT_VIEW).filter(
        reference=normalise_reference(reference)
    )


def _read_by(acting: Membership, report: Report, reason: str) -> None:
    audit.record(action=AuditAction.VIEW, actor=acting.user, agency=acting.agency, obj=report, reason=reason)


def report_get_for_staff(*, acting: Membership, reference: str) -> Report:
    """One report, for a helpline worker, by its code however it was written; the reading is audited."""
    report = _report_for_staff(acting=acting, reference=reference).select_related("province").first()
    if report is None:
        raise Http404
    _read_by(acting, report, "report read")
    return report


def report_get_by_reference(*, reference: str) -> Report | None:
    """For a reporter who already proved the passphrase (a signed thread token): no other door."""
    return Report.objects.filter(reference=normalise_reference(reference)).first()


LAST_ID = 2**63 - 1  # the largest id a database holds


def message_id(text: str) -> int | None:
    """The id of a message a page says it shows last ("after"), as sent; None when it sends none. An id
    past any the database holds stands for "after every message"."""
    return min(int(text), LAST_ID) if text.isascii() and text.isdigit() else None


def report_thread(*, report: Report, after: int = 0) -> list[ReportMessage]:
    """The report's messages in order; those after the message `after` (its id) only, when given."""
    messages = report.messages.select_related("author__user").order_by("created_at", "id")
    return list(messages.filter(pk__gt=after) if after else messages)


def report_messages_for_staff(*, acting: Membership, reference: str, after: int) -> list[ReportMessage]:
    """The report's messages after the message `after`, for a staff page that shows the thread as it
    grows (polled every few seconds): audited as a reading when there are any, not when a poll finds
    nothing new (which reads nothing of the report)."""
    report = _report_for_staff(acting=acting, reference=reference).only("pk", "reference").first()
    if report is None:
        raise Http404
    messages = report_thread(report=report, after=after)
    if messages:
        _read_by(acting, report, "report messages read")
    return messages


# Hashes children sent to block a picture ---------------------------------------------------------


def _blocked_images_visible(*, acting: Membership) -> QuerySet[BlockedImage]:
    """The hotline's own, and those that arrived while its country had no hotline."""
    scope = require(acting, IntakePerm.BLOCKED_IMAGES_REVIEW)
    images = BlockedImage.objects.all()
    if scope == Scope.ALL:
        return images
    return images.filter(
        Q(hotline=acting.agency) | Q(hotline__isnull=True, report__country=acting.agency.country)
    )


@dataclass(frozen=True)
class FileToReview:
    """One file a child asked to block: its hashes, and what they said happened."""

    report_id: int
    file_number: int
    kind: str
    received: datetime
    harms: list[str]
    hashes: list[BlockedImage]

    @property
    def key(self) -> str:
        return f"{self.report_id}-{self.file_number}"


def blocked_files_waiting(*, acting: Membership, limit: int = 200) -> list[FileToReview]:
    """Files waiting for a decision, oldest first; reading them is audited."""
    rows = list(
        _blocked_images_visible(acting=acting)
        .filter(state=BlockedImageState.PENDING)
        .select_related("report")
        .order_by("created_at", "report_id", "file_number", "algorithm")[: limit * 3]
    )
    files: dict[tuple[int, int], FileToReview] = {}
    for row in rows:
        key = (row.report_id, row.file_number)
        if key not in files:
            files[key] = FileToReview(
                report_id=row.report_id,
                file_number=row.file_number,
                kind=row.kind,
                received=row.created_at,
                harms=row.report.harm_labels(),
                hashes=[],
            )
        files[key].hashes.append(row)
    audit.record(
        action=AuditAction.VIEW,
        actor=acting.user,
        agency=acting.agency,
        object_type="intake.BlockedImage",
        reason=f"{len(files)} files to block listed for review",
    )
    return list(files.values())[:limit]


def blocked_file_get_for_review(
    *, acting: Membership, report_id: int, file_number: int
) -> list[BlockedImage]:
    """The waiting hashes of one file, for a decision; Http404 if there are none the member may see."""
    images = list(
        _blocked_images_visible(acting=acting)
        .filter(report_id=report_id, file_number=file_number, state=BlockedImageState.PENDING)
        .select_related("report")
        .order_by("algorithm")
    )
    if not images:
        raise Http404
    return images


def blocked_images_decided(*, acting: Membership, limit: int = 50) -> QuerySet[BlockedImage]:
    """The latest decisions, for the analyst to see what was done."""
    return (
        _blocked_images_visible(acting=acting)
        .exclude(state=BlockedImageState.PENDING)
        .select_related("reviewed_by__user")
        .order_by("-reviewed_at", "-pk")[:limit]
    )


def self_submitted_policy_for(*, agency: Agency) -> SelfSubmittedPolicy | None:
    return SelfSubmittedPolicy.objects.filter(agency=agency).first()


def blocked_images_shared(*, report: Report) -> bool:
    """Whether a child's hashes are already in the bank, for the page that thanks them."""
    return report.blocked_images.filter(state=BlockedImageState.ACCEPTED).exists()


def blocked_files_by_state(*, report: Report) -> dict[str, int]:
    """How many of a report's files are waiting, in the bank, or not shared: for the helpline worker
    who answers the child (hashes only, never pictures)."""
    labels = dict(BlockedImageState.choices)
    # The hashes of one file are decided together, so they share one state.
    states = dict(report.blocked_images.values_list("file_number", "state"))
    return dict(Counter(str(labels[state]) for state in states.values()))


@dataclass(frozen=True)
class BlockedPicture:
    """One file a child asked to block, as the child is told of it: what the hotline decided and,
    once it is in the bank, how many apps said they block it, are checking it, or do not block it.
    Counts only: never which apps, never the hashes."""

    number: int
    kind: str
    state: str
    blocking: int = 0
    checking: int = 0
    not_blocking: int = 0

    @property
    def heard(self) -> bool:
        return bool(self.blocking or self.checking or self.not_blocking)


# An app's word on a picture is its best on any of the picture's hashes (one blocked hash blocks it).
_OUTCOME_RANK = {AppOutcome.BLOCKED: 0, AppOutcome.CHECKING: 1, AppOutcome.NOT_BLOCKED: 2}


def blocked_pictures_for_reporter(*, report: Report) -> list[BlockedPicture]:
    """The files of a request to block pictures, for its reporter, who opened it with the code and
    passphrase (that opening is the audited read): two queries whatever the number of files, and
    nothing written."""
    if report.channel != Channel.BLOCK_IMAGE:
        return []
    rows = list(
        report.blocked_images.order_by("file_number", "algorithm").values_list(
            "file_number", "kind", "state", "entry_id"
        )
    )
    outcomes = blocked_image_outcomes(entry_ids={entry for *_, entry in rows if entry is not None})
    files: dict[int, tuple[str, str]] = {}
    said: dict[int, dict[int, AppOutcome]] = {}
    for number, kind, state, entry_id in rows:
        files.setdefault(number, (kind, state))
        apps = said.setdefault(number, {})
        banked = entry_id is not None and state == BlockedImageState.ACCEPTED
        for word in outcomes.get(entry_id, []) if banked else []:
            known = apps.get(word.app)
            if known is None or _OUTCOME_RANK[word.outcome] < _OUTCOME_RANK[known]:
                apps[word.app] = word.outcome
    pictures = []
    for number, (kind, state) in files.items():
        tally = Counter(said[number].values())
        pictures.append(
            BlockedPicture(
                number=number,
                kind=kind,
                state=state,
                blocking=tally[AppOutcome.BLOCKED],
                checking=tally[AppOutcome.CHECKING],
                not_blocking=tally[AppOutcome.NOT_BLOCKED],
            )
        )
    return pictures
