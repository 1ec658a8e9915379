"""Referral deadlines: how long a referral of each urgency may wait for an answer (settings), the
labels that say so, and how much time a referral has left or how long it is overdue, in words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from childshield.cases.models.referrals import DeadlineLevel, Referral, ReferralStatus, Urgency

MINUTES_A_DAY = 24 * 60


def response_time(urgency: str) -> timedelta:
    """How long the receiving agency has to answer a referral of this urgency, by the settings now."""
    minutes = {
        Urgency.EMERGENCY: settings.CASES_REFERRAL_EMERGENCY_MINUTES,
        Urgency.URGENT: settings.CASES_REFERRAL_URGENT_MINUTES,
        Urgency.ROUTINE: settings.CASES_REFERRAL_ROUTINE_MINUTES,
    }[Urgency(urgency)]
    return timedelta(minutes=minutes)


def _units(minutes: int) -> list[str]:
    """Whole days, hours and minutes in words, largest first, leaving out those that are none."""
    days, rest = divmod(minutes, MINUTES_A_DAY)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(ngettext("%(count)d day", "%(count)d days", days) % {"count": days})
    if hours:
        parts.append(ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours})
    if minutes:
        parts.append(ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes})
    return parts


def duration_text(delta: timedelta) -> str:
    """A duration in words, to its two largest units, rounded down: "1 day 3 hours", "45 minutes"."""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return _("less than a minute")
    return " ".join(_units(minutes)[:2])


def deadline_text(delta: timedelta) -> str:
    """A deadline as people say it: whole days from two days up ("7 days"), else whole hours
    ("24 hours", "1 hour"), else as any duration ("90 minutes" reads "1 hour 30 minutes")."""
    minutes = int(delta.total_seconds() // 60)
    if minutes >= 2 * MINUTES_A_DAY and minutes % MINUTES_A_DAY == 0:
        days = minutes // MINUTES_A_DAY
        return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
    if minutes >= 60 and minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    return duration_text(delta)


def urgency_label(urgency: str, *, deadline: timedelta | None = None) -> str:
    """The urgency with its deadline: "Emergency — answer within 1 hour" (by the settings now,
    unless the deadline a referral was sent with is given)."""
    return _("%(urgency)s — answer within %(time)s") % {
        "urgency": Urgency(urgency).label,
        "time": deadline_text(response_time(urgency) if deadline is None else deadline),
    }


def urgency_choices() -> list[tuple[str, str]]:
    """The urgencies to choose from, each saying its deadline (read when the form is shown, in the
    reader's language, so a change of the settings shows at once)."""
    return [(value, urgency_label(value)) for value in Urgency.values]


def alert_level_due(*, sent_at: datetime, respond_by: datetime, now: datetime) -> int:
    """The DeadlineLevel an unanswered referral has reached at `now` (0: its deadline is still ahead)."""
    if now >= respond_by + (respond_by - sent_at):
        return DeadlineLevel.TWICE
    if now >= respond_by:
        return DeadlineLevel.PASSED
    return 0


@dataclass(frozen=True)
class Deadline:
    """A referral's deadline as a page shows it at one moment."""

    urgency_label: str
    respond_by: datetime
    waiting: bool  # sent, neither answered nor cancelled yet
    overdue: bool  # waiting, and past respond_by
    text: str  # "3 hours left", "Overdue by 2 hours"; empty once it no longer waits


def deadline_of(referral: Referral, *, now: datetime) -> Deadline:
    waiting = referral.status == ReferralStatus.SENT
    overdue = waiting and now >= referral.respond_by
    if not waiting:
        text = ""
    elif overdue:
        text = _("Overdue by %(time)s") % {"time": duration_text(now - referral.respond_by)}
    else:
        text = _("%(time)s left") % {"time": duration_text(referral.respond_by - now)}
    return Deadline(
        urgency_label=urgency_label(referral.urgency, deadline=referral.respond_by - referral.sent_at),
        respond_by=referral.respond_by,
        waiting=waiting,
        overdue=overdue,
        text=text,
    )
