"""Opening hours as people type them: 07:30-11:30, 7h30-11h30, 8h-17h, Khmer digits, past midnight, 24:00."""

from datetime import time

import pytest
from django import forms

from childshield.directory.forms import format_hours, parse_hours
from childshield.directory.services import HoursRange


def _ranges(text: str) -> list[tuple[time, time]]:
    return [(hours.opens, hours.closes) for hours in parse_hours(text, weekday=2)]


@pytest.mark.parametrize(
    "text",
    [
        "07:30-11:30, 13:30-17:00",
        "7h30-11h30; 13h30-17h",
        "7.30 \u2013 11.30, 13:30 - 17",
        "០៧:៣០-១១:៣០, ១៣:៣០-១៧:០០",
    ],
)
def test_a_morning_and_an_afternoon_written_in_several_ways(text):
    assert _ranges(text) == [(time(7, 30), time(11, 30)), (time(13, 30), time(17, 0))]


def test_a_night_range_and_the_whole_day():
    assert _ranges("20:00-02:00") == [(time(20, 0), time(2, 0))]
    assert _ranges("00:00-24:00") == [(time(0, 0), time(0, 0))]
    assert _ranges("") == []


@pytest.mark.parametrize("text", ["9 to 5", "25:00-26:00", "08:75-09:00", "8-24:30", "morning"])
def test_anything_else_is_refused_with_an_example(text):
    with pytest.raises(forms.ValidationError):
        parse_hours(text, weekday=0)


def test_what_is_stored_reads_back_as_typed():
    ranges = [
        HoursRange(weekday=0, opens=time(13, 30), closes=time(17, 0)),
        HoursRange(0, time(7, 30), time(11, 30)),
    ]
    assert format_hours(ranges) == "07:30-11:30, 13:30-17:00"
