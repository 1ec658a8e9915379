"""How fast agencies answer each other's referrals: response times per pair of agencies over a period,
for the programme's figures (agencies and durations only, never a case)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from math import ceil, floor

from django.db.models import Q

from childshield.accounts.models import Agency
from childshield.cases.models import Referral
from childshield.cases.models.referrals import ANSWERED_STATUSES, ReferralStatus


@dataclass(frozen=True)
class PairResponseTimes:
    """The referrals one agency sent another in the period, and how long their answers took."""

    from_agency: Agency
    to_agency: Agency
    sent: int
    answered: int  # accepted or declined
    accepted: int  # accepted, or accepted and since completed
    declined: int
    answered_in_time: int  # by the deadline each was sent with
    waiting: int  # no answer yet
    median: timedelta | None  # of the answered; None when none was
    p90: timedelta | None


def percentile(ordered: Sequence[timedelta], fraction: float) -> timedelta:
    """The `fraction` percentile of sorted durations, interpolated between the two nearest (as
    PostgreSQL's percentile_cont): the median of 1, 2 and 4 hours is 2 hours, the 90th 3.6 hours."""
    if not ordered:
        raise ValueError("no durations")
    position = (len(ordered) - 1) * fraction
    lower, upper = ordered[floor(position)], ordered[ceil(position)]
    return lower + (upper - lower) * (position - floor(position))


def response_time(status: str, sent_at: datetime, responded_at: datetime | None) -> timedelta | None:
    """How long the answer took (accepted or declined, `responded_at` being when), or None while none
    came (still waiting, or cancelled before an answer)."""
    if status in ANSWERED_STATUSES and responded_at is not None:
        return responded_at - sent_at
    return None


def answered_in_time(responded_at: datetime, respond_by: datetime) -> bool:
    """By the deadline the referral was sent with."""
    return responded_at <= respond_by


def referral_response_times(
    *, since: datetime, until: datetime, country: str | None = None, agency: Agency | None = None
) -> list[PairResponseTimes]:
    """Response times (answered_at - sent_at, `responded_at` being when it was accepted or declined)
    of the referrals sent in [since, until), per pair of sending and receiving agencies, in the order
    of the agencies' names. Referrals cancelled before an answer count as sent only. With `agency`,
    only the pairs it is one of (what it sent and what it received).

    It reads one row per referral of the period, three timestamps each, and computes in Python: the
    same on SQLite and PostgreSQL. A page that shows it applies the figures' suppression of small
    counts (FIGURES_SUPPRESS_BELOW) to `sent`.
    """
    referrals = Referral.objects.filter(sent_at__gte=since, sent_at__lt=until)
    if country is not None:
        referrals = referrals.filter(from_agency__country=country)
    if agency is not None:
        referrals = referrals.filter(Q(from_agency=agency) | Q(to_agency=agency))
    durations: dict[tuple[int, int], list[timedelta]] = defaultdict(list)
    counts: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for from_id, to_id, status, sent_at, respond_by, responded_at in referrals.values_list(
        "from_agency_id", "to_agency_id", "status", "sent_at", "respond_by", "responded_at"
    ).order_by():
        pair = (from_id, to_id)
        counts[pair]["sent"] += 1
        if status == ReferralStatus.SENT:
            counts[pair]["waiting"] += 1
        elif (took := response_time(status, sent_at, responded_at)) is not None:
            durations[pair].append(took)
            counts[pair]["in_time"] += answered_in_time(sent_at + took, respond_by)
            counts[pair]["declined" if status == ReferralStatus.DECLINED else "accepted"] += 1
    agencies = Agency.objects.in_bulk({agency_id for pair in counts for agency_id in pair})
    results = []
    for (from_id, to_id), count in counts.items():
        times = sorted(durations[(from_id, to_id)])
        results.append(
            PairResponseTimes(
                from_agency=agencies[from_id],
                to_agency=agencies[to_id],
                sent=count["sent"],
                answered=len(times),
                accepted=count["accepted"],
                declined=count["declined"],
                answered_in_time=count["in_time"],
                waiting=count["waiting"],
                median=percentile(times, 0.5) if times else None,
                p90=percentile(times, 0.9) if times else None,
            )
        )
    return sorted(results, key=lambda pair: (pair.from_agency.name, pair.to_agency.name))
