"""Response times of referrals, kept per pair of agencies for the programme's figures: from sending
to the answer (accepted or declined), its median and 90th percentile, and how many came in time."""

from datetime import timedelta
from itertools import count

import pytest

from childshield.cases.models.consent import ShareSection
from childshield.cases.models.referrals import Urgency
from childshield.cases.selectors.referral_figures import percentile, referral_response_times
from childshield.cases.services.consent import consent_withdraw
from childshield.cases.services.referrals import referral_accept, referral_decline, referral_send
from childshield.directory.models import ServiceKind
from tests.cases.conftest import child_input

pytestmark = pytest.mark.django_db

NAMES = (f"Demo Child {number}" for number in count(1))  # never runs out, whoever refers


def refer(open_case, commune, sender, to_agency, urgency=Urgency.URGENT):
    case = open_case(sender, child=child_input(commune, full_name=next(NAMES)), consent_to=[to_agency])
    return referral_send(
        acting=sender,
        case=case,
        to_agency=to_agency,
        services=[ServiceKind.MHPSS],
        consent=case.consents.get(),
        sections=[ShareSection.HARM],
        urgency=urgency,
    )


def answered_after(clock, delay, answer):
    start = clock.now
    clock.now = start + delay
    answer()
    clock.now = start


def test_response_times_are_kept_per_pair_of_agencies(
    clock, open_case, commune, focal_point, worker, outsider, social_agency, outsider_agency, school_agency
):
    since = clock.now
    hour = timedelta(hours=1)
    # The school to the social work office: answered in 1 hour, 2 hours (declined) and 30 hours
    # (after the urgent deadline of 24); one still waits; one was cancelled before any answer.
    first = refer(open_case, commune, focal_point, social_agency)
    answered_after(clock, hour, lambda: referral_accept(acting=worker, referral=first))
    second = refer(open_case, commune, focal_point, social_agency, Urgency.ROUTINE)
    answered_after(clock, 2 * hour, lambda: referral_decline(acting=worker, referral=second, reason="Full"))
    late = refer(open_case, commune, focal_point, social_agency)
    answered_after(clock, 30 * hour, lambda: referral_accept(acting=worker, referral=late))
    refer(open_case, commune, focal_point, social_agency)
    cancelled = refer(open_case, commune, focal_point, social_agency)
    answered_after(
        clock, hour, lambda: consent_withdraw(acting=focal_point, consent=cancelled.consent, reason="No")
    )
    # The social work office to the police: one, answered in 3 hours.
    to_police = refer(open_case, commune, worker, outsider_agency)
    answered_after(clock, 3 * hour, lambda: referral_accept(acting=outsider, referral=to_police))
    # Sent after the period: left out.
    clock.now += 3 * 24 * hour
    refer(open_case, commune, focal_point, social_agency)

    pairs = referral_response_times(since=since, until=since + 24 * hour)
    assert [(pair.from_agency, pair.to_agency) for pair in pairs] == [
        (social_agency, outsider_agency),  # "Commune Social Work Office" before "Kim Thuy School (test)"
        (school_agency, social_agency),
    ]
    police, school = pairs
    assert (school.sent, school.answered, school.answered_in_time, school.waiting) == (5, 3, 2, 1)
    assert (school.accepted, school.declined) == (2, 1)
    assert school.median == 2 * hour
    assert school.p90 == 2 * hour + (30 * hour - 2 * hour) * 0.8
    assert (police.sent, police.answered, police.median, police.p90) == (1, 1, 3 * hour, 3 * hour)
    # One agency's pairs only: what it sent and what it received.
    of_police = referral_response_times(since=since, until=since + 24 * hour, agency=outsider_agency)
    assert [(pair.from_agency, pair.to_agency) for pair in of_police] == [(social_agency, outsider_agency)]


def test_a_pair_without_any_answer_has_no_response_time(
    clock, open_case, commune, focal_point, social_agency
):
    refer(open_case, commune, focal_point, social_agency)
    [pair] = referral_response_times(since=clock.now - timedelta(days=1), until=clock.now + timedelta(days=1))
    assert (pair.sent, pair.answered, pair.median, pair.p90) == (1, 0, None, None)


def test_percentiles_interpolate_between_the_nearest_durations():
    minutes = [timedelta(minutes=value) for value in (10, 20, 40, 80)]
    assert percentile(minutes, 0.5) == timedelta(minutes=30)
    assert percentile(minutes, 0.9) == timedelta(minutes=68)
    assert percentile(minutes[:1], 0.9) == timedelta(minutes=10)
