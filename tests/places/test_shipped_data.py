"""The shipped place and helpline data: Viet Nam before and after 1 July 2025, Cambodia, helplines."""

from datetime import date

import pytest

from childshield.places.models import Area, HelplineNumber
from childshield.places.selectors import areas_current, helplines_for_country

pytestmark = pytest.mark.django_db

BEFORE = date(2025, 6, 30)
AFTER = date(2025, 7, 1)
UNCHANGED = {"VN01", "VN46", "VN12", "VN11", "VN14", "VN20", "VN22", "VN38", "VN40", "VN42", "VN04"}


def test_viet_nam_has_63_provincial_units_until_30_june_2025(shipped_data):
    assert areas_current(country="VN", level=Area.Level.PROVINCE, on=BEFORE).count() == 63


def test_viet_nam_has_34_provincial_units_from_1_july_2025(shipped_data):
    current = areas_current(country="VN", level=Area.Level.PROVINCE, on=AFTER)

    assert current.count() == 34
    assert set(current.values_list("code", flat=True)) >= UNCHANGED


def test_cambodia_has_25_provincial_units(shipped_data):
    provinces = areas_current(country="KH", level=Area.Level.PROVINCE, on=AFTER)

    assert provinces.count() == 25
    assert [p.code for p in provinces] == [f"KH{n:02d}" for n in range(1, 26)]
    assert all(p.name_km and p.name_en for p in provinces)


def test_every_merged_away_province_is_replaced_by_a_current_one(shipped_data):
    merged = Area.objects.filter(country="VN", level=Area.Level.PROVINCE, valid_to__isnull=False)

    assert merged.count() == 29
    for province in merged.select_related("replaced_by"):
        assert province.valid_to == BEFORE
        assert province.replaced_by is not None, province.code
        assert province.replaced_by.is_valid_on(AFTER), province.code


def test_named_mergers_point_at_their_survivor(shipped_data):
    survivor = dict(Area.objects.filter(replaced_by__isnull=False).values_list("code", "replaced_by__code"))

    assert survivor["VN44"] == "VN45"  # Quảng Bình into Quảng Trị
    assert survivor["VN62"] == "VN51"  # Kon Tum into Quảng Ngãi
    assert survivor["VN74"] == survivor["VN77"] == "VN79"  # Bình Dương, Bà Rịa-Vũng Tàu into TP. Hồ Chí Minh


def test_every_shipped_area_passes_the_model_checks(shipped_data):
    for area in Area.objects.select_related("parent", "replaced_by"):
        area.full_clean()


def test_names_have_diacritics_in_vietnamese_and_none_in_english(shipped_data):
    quang_binh = Area.objects.get(code="VN44")

    assert (quang_binh.name_vi, quang_binh.name_en) == ("Quảng Bình", "Quang Binh")
    assert all(a.name_en.isascii() for a in Area.objects.filter(country="VN"))


def test_the_pilot_districts_ended_with_the_district_level(shipped_data):
    districts = Area.objects.filter(country="VN", level=Area.Level.DISTRICT)

    assert {d.code for d in districts} == {"VN44-LT", "VN44-QN", "VN44-MH", "VN62-KR"}
    assert all(d.valid_to == BEFORE and d.replaced_by is None for d in districts)
    assert Area.objects.filter(level=Area.Level.COMMUNE).count() == 6


def test_helplines_are_shipped_for_both_countries(shipped_data):
    viet_nam = list(helplines_for_country(country="VN"))
    cambodia = list(helplines_for_country(country="KH"))

    assert [(h.number, h.is_free, h.hours_en) for h in viet_nam] == [("111", True, "24/7")]
    assert viet_nam[0].name_vi == "Tổng đài quốc gia bảo vệ trẻ em"
    assert [h.number for h in cambodia] == ["+855 92 311 511", "1280"]
    assert all(h.name_vi and h.name_km and h.name_en for h in HelplineNumber.objects.all())
