"""Agencies' short codes, which go in front of their case numbers (tests/cases/test_case_numbers.py)."""

import pytest

from childshield.accounts.agency_codes import short_code_for
from childshield.accounts.models import Agency, AgencyKind


@pytest.mark.parametrize(
    ("name", "taken", "code"),
    [
        ("Lệ Thủy Social Work Office (demo)", set(), "LTSW"),  # diacritics folded, brackets left out
        ("Trung tâm Công tác xã hội tỉnh Quảng Bình", set(), "TTCT"),  # four letters at most
        ("Kim Thuy School", {"KTS"}, "KTS2"),  # taken in the country: a digit
        ("Kim Thuy School", {"KTS", "KTS2"}, "KTS3"),
        ("Hotline", set(), "HOT"),  # one word: its first letters
        ("មជ្ឈមណ្ឌលសុខភាព", set(), "AG"),  # no Latin letter to take
    ],
)
def test_a_short_code_is_made_from_the_name(name, taken, code):
    assert short_code_for(name, taken) == code


def test_an_agency_gets_a_code_unique_in_its_country(db):
    first = Agency.objects.create(country="VN", name="Kim Thuy School", kind=AgencyKind.SCHOOL)
    second = Agency.objects.create(country="VN", name="Kim Thuy Station", kind=AgencyKind.POLICE)
    abroad = Agency.objects.create(country="KH", name="Kim Thuy School", kind=AgencyKind.SCHOOL)
    chosen = Agency.objects.create(country="VN", name="Other", kind=AgencyKind.NGO, short_code="OTH")
    assert (first.short_code, second.short_code, abroad.short_code, chosen.short_code) == (
        "KTS",
        "KTS2",
        "KTS",
        "OTH",
    )
