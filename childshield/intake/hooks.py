"""What apps above intake do when a report is saved: intake may not import them, so they register
here from their AppConfig.ready().

Two kinds of hook, and one kind of guard. The hooks run inside the transaction that saves the
report, each in a savepoint: a hook that fails is logged and undone, and the child's report is
saved all the same.

- `on_report_saved`: for a new report and for each new message of its reporter, given the report
  (the helpline triages its words, so that an urgent report is flagged at once, with no broker
  involved).
- `on_report_received`: for a new report only, given the report (the hotline files its web
  addresses). Work that could slow or break the child's submission is not done here: the hook
  writes an outbox item, in the report's transaction, and a worker does the work. So it is done
  if and only if the report is saved, even with the broker down (docs/architecture.md, "The outbox").

`on_message_to_reporter`: for each message written to the reporter (a counsellor's reply, or the
helpline's automatic words), given the message, in its transaction: the messaging app sends it out
through the chat channel the report came from (by writing an outbox item, so a provider that is
down loses nothing). A failing hook here is not swallowed: the reply is not saved unless it can be
sent.

A question, `on_report_held`: whether someone holds the report now (the helpline: a counsellor has
claimed it), so that its thread is a live chat and the reporter's page asks for new messages every
`INTAKE_CHAT_POLL_SECONDS` rather than every `INTAKE_POLL_SECONDS`.

A second question, `on_chat_hours`: when counsellors answer the web chat (the messaging app keeps
its hours), so the child's chat pages can say, out of hours, when someone will answer.

A third question, `on_blocked_image_outcomes`: what apps said of the bank entries a child's
blocked pictures became (the platforms app: their feedback on the hashes they sync), asked for
every entry of a report at once, so that the child's code page can say what became of each
picture. Without a provider the page says only what the hotline decided.

Advice for children lives in a library above intake (learning): `on_advice_pages` gives the pages
the public home lists (in the language of the request), `on_advice_address` the address an old
`/help/` link (the index, or one page by its slug) moved to.

A guard, `on_staff_reply`, is asked before a staff member's reply is written, given the acting
membership and the report, and refuses by raising ApplicationError (the helpline: a report someone
holds is answered by its holder or a supervisor of the holder's agency, from any page).
"""

import logging
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from django.db import transaction

from childshield.accounts.models import Membership
from childshield.intake.models import Report, ReportMessage

logger = logging.getLogger(__name__)


class ReportHook(Protocol):
    def __call__(self, *, report: Report) -> None: ...


class StaffReplyGuard(Protocol):
    def __call__(self, *, acting: Membership, report: Report) -> None: ...


class MessageHook(Protocol):
    def __call__(self, *, message: ReportMessage) -> None: ...


@dataclass(frozen=True)
class ChatHours:
    """Whether counsellors answer the web chat now, and if not, from when (None: not known)."""

    open_now: bool
    opens_at: datetime | None = None


class ChatHoursSource(Protocol):
    def __call__(self) -> ChatHours: ...


class HeldCheck(Protocol):
    def __call__(self, *, report: Report) -> bool: ...


class AppOutcome(StrEnum):
    """What one app (a platform) said of a hash it keeps in sync, in intake's own words."""

    BLOCKED = "blocked"
    CHECKING = "checking"
    NOT_BLOCKED = "not_blocked"


@dataclass(frozen=True)
class EntryOutcome:
    """One app's word on one bank entry. `app` tells apps apart (an app's word on several hashes of
    one picture counts once) and is never shown."""

    app: int
    outcome: AppOutcome


class BlockedImageOutcomes(Protocol):
    def __call__(self, *, entry_ids: Collection[int]) -> Mapping[int, Sequence[EntryOutcome]]: ...


@dataclass(frozen=True)
class AdviceLink:
    """One advice page for children, as a public page lists it."""

    title: str
    summary: str
    url: str


class AdvicePages(Protocol):
    def __call__(self) -> Sequence[AdviceLink]: ...


class AdviceAddress(Protocol):
    def __call__(self, *, slug: str | None) -> str | None: ...


_ON_REPORT_SAVED: list[ReportHook] = []
_ON_REPORT_RECEIVED: list[ReportHook] = []
_STAFF_REPLY_GUARDS: list[StaffReplyGuard] = []
_HELD_CHECKS: list[HeldCheck] = []
_ON_MESSAGE_TO_REPORTER: list[MessageHook] = []
_CHAT_HOURS: list[ChatHoursSource] = []
_BLOCKED_IMAGE_OUTCOMES: list[BlockedImageOutcomes] = []
_ADVICE_PAGES: list[AdvicePages] = []
_ADVICE_ADDRESSES: list[AdviceAddress] = []


def on_report_saved(hook: ReportHook) -> None:
    if hook not in _ON_REPORT_SAVED:
        _ON_REPORT_SAVED.append(hook)


def on_report_received(hook: ReportHook) -> None:
    if hook not in _ON_REPORT_RECEIVED:
        _ON_REPORT_RECEIVED.append(hook)


def on_staff_reply(guard: StaffReplyGuard) -> None:
    if guard not in _STAFF_REPLY_GUARDS:
        _STAFF_REPLY_GUARDS.append(guard)


def on_report_held(check: HeldCheck) -> None:
    if check not in _HELD_CHECKS:
        _HELD_CHECKS.append(check)


def on_message_to_reporter(hook: MessageHook) -> None:
    if hook not in _ON_MESSAGE_TO_REPORTER:
        _ON_MESSAGE_TO_REPORTER.append(hook)


def message_to_reporter(message: ReportMessage) -> None:
    """Run the hooks of a message written to the reporter; inside the transaction that saves it."""
    for hook in list(_ON_MESSAGE_TO_REPORTER):
        hook(message=message)


def on_chat_hours(source: ChatHoursSource) -> None:
    if source not in _CHAT_HOURS:
        _CHAT_HOURS.append(source)


def chat_hours() -> ChatHours:
    """The web chat's hours from the first source registered; always open when none is."""
    return _CHAT_HOURS[0]() if _CHAT_HOURS else ChatHours(open_now=True)


def on_blocked_image_outcomes(provider: BlockedImageOutcomes) -> None:
    if provider not in _BLOCKED_IMAGE_OUTCOMES:
        _BLOCKED_IMAGE_OUTCOMES.append(provider)


def blocked_image_outcomes(*, entry_ids: Collection[int]) -> dict[int, list[EntryOutcome]]:
    """What apps said of each of these bank entries, from every provider (none: nothing said)."""
    found: dict[int, list[EntryOutcome]] = {}
    if not entry_ids:
        return found
    for provider in list(_BLOCKED_IMAGE_OUTCOMES):
        for entry_id, outcomes in provider(entry_ids=entry_ids).items():
            found.setdefault(entry_id, []).extend(outcomes)
    return found


def on_advice_pages(source: AdvicePages) -> None:
    if source not in _ADVICE_PAGES:
        _ADVICE_PAGES.append(source)


def advice_pages() -> list[AdviceLink]:
    """The advice pages for children, from every source registered (none: no advice to list)."""
    return [page for source in list(_ADVICE_PAGES) for page in source()]


def on_advice_address(resolver: AdviceAddress) -> None:
    if resolver not in _ADVICE_ADDRESSES:
        _ADVICE_ADDRESSES.append(resolver)


def advice_address(*, slug: str | None) -> str | None:
    """Where an old help address went: the advice index (slug None) or one page; None: nowhere."""
    for resolver in list(_ADVICE_ADDRESSES):
        if (address := resolver(slug=slug)) is not None:
            return address
    return None


def report_held(*, report: Report) -> bool:
    """Whether someone holds the report now (any registered check says so)."""
    return any(check(report=report) for check in list(_HELD_CHECKS))


def staff_reply_check(*, acting: Membership, report: Report) -> None:
    """Ask every guard; the first that refuses raises (its ApplicationError reaches the member)."""
    for guard in list(_STAFF_REPLY_GUARDS):
        guard(acting=acting, report=report)


def _run(hooks: list[ReportHook], report: Report, what: str) -> None:
    for hook in list(hooks):
        try:
            with transaction.atomic():
                hook(report=report)
        except Exception:
            # The report is saved whatever a hook does; the failure is for the operators, by id only.
            logger.exception("A %s hook failed for report %s", what, report.pk)


def report_saved(report: Report) -> None:
    """Run the in-transaction hooks; call it inside the transaction that saves `report` or its message."""
    _run(_ON_REPORT_SAVED, report, "report-saved")


def report_received(report: Report) -> None:
    """Run the new-report hooks; call it inside the transaction that saves the new `report`."""
    _run(_ON_REPORT_RECEIVED, report, "report-received")
