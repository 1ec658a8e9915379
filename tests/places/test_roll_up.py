"""Rolling an area up to a higher level, as recorded or as of a later day, through merges."""

from datetime import date

import pytest

from childshield.places.models import Area
from childshield.places.selectors import area_children, area_roll_up, areas_current

pytestmark = pytest.mark.django_db

Level = Area.Level


def area(code):
    return Area.objects.get(code=code)


def test_a_commune_rolls_up_to_its_district_and_province_as_recorded(shipped_data):
    kim_thuy = area("VN44-LT-KIMTHUY")

    assert area_roll_up(area=kim_thuy, level=Level.DISTRICT).name_en == "Le Thuy"
    assert area_roll_up(area=kim_thuy, level=Level.PROVINCE).name_en == "Quang Binh"
    assert area_roll_up(area=kim_thuy, level=Level.COUNTRY).code == "VN"


def test_a_commune_rolls_up_to_the_province_before_the_merger(shipped_data):
    kim_thuy = area("VN44-LT-KIMTHUY")

    assert area_roll_up(area=kim_thuy, level=Level.PROVINCE, on=date(2024, 5, 1)).code == "VN44"
    assert area_roll_up(area=kim_thuy, level=Level.PROVINCE, on=date(2025, 6, 30)).code == "VN44"


def test_a_commune_rolls_up_to_the_merged_province_from_1_july_2025(shipped_data):
    kim_thuy = area("VN44-LT-KIMTHUY")

    assert area_roll_up(area=kim_thuy, level=Level.PROVINCE, on=date(2025, 7, 1)).name_en == "Quang Tri"
    assert area_roll_up(area=kim_thuy, level=Level.PROVINCE, on=date(2030, 1, 1)).code == "VN45"


def test_a_kon_ray_commune_rolls_up_to_quang_ngai_after_the_merger(shipped_data):
    dak_koi = area("VN62-KR-DAKKOI")

    assert area_roll_up(area=dak_koi, level=Level.PROVINCE).name_en == "Kon Tum"
    assert area_roll_up(area=dak_koi, level=Level.PROVINCE, on=date(2025, 7, 1)).name_en == "Quang Ngai"


def test_an_abolished_district_has_no_successor_after_july_2025(shipped_data):
    kim_thuy = area("VN44-LT-KIMTHUY")

    assert area_roll_up(area=kim_thuy, level=Level.DISTRICT, on=date(2025, 7, 1)) is None


def test_an_area_rolls_up_to_itself_on_its_own_level(shipped_data):
    quang_tri = area("VN45")

    assert area_roll_up(area=quang_tri, level=Level.PROVINCE) == quang_tri


def test_rolling_up_to_a_lower_level_finds_nothing(shipped_data):
    assert area_roll_up(area=area("VN44"), level=Level.COMMUNE) is None


def test_a_chain_of_mergers_is_followed_to_the_area_valid_that_day(db):
    country = Area.objects.create(code="XX", country="XX", level=Level.COUNTRY, name_en="X")
    last = Area.objects.create(code="XX3", country="XX", level=Level.PROVINCE, parent=country, name_en="C")
    middle = Area.objects.create(
        code="XX2",
        country="XX",
        level=Level.PROVINCE,
        parent=country,
        name_en="B",
        valid_to=date(2020, 12, 31),
        replaced_by=last,
    )
    first = Area.objects.create(
        code="XX1",
        country="XX",
        level=Level.PROVINCE,
        parent=country,
        name_en="A",
        valid_to=date(2010, 12, 31),
        replaced_by=middle,
    )

    assert area_roll_up(area=first, level=Level.PROVINCE, on=date(2015, 1, 1)) == middle
    assert area_roll_up(area=first, level=Level.PROVINCE, on=date(2021, 1, 1)) == last


def test_a_cycle_of_parents_does_not_hang(db):
    # Only bad data written around the loader's and the model's checks could do this.
    a = Area.objects.create(code="XX-A", country="XX", level=Level.COMMUNE, name_en="A")
    b = Area.objects.create(code="XX-B", country="XX", level=Level.COMMUNE, name_en="B", parent=a)
    Area.objects.filter(pk=a.pk).update(parent=b)
    a.refresh_from_db()

    assert area_roll_up(area=a, level=Level.PROVINCE) is None


def test_a_cycle_of_replacements_does_not_hang(db):
    a = Area.objects.create(
        code="XX1", country="XX", level=Level.PROVINCE, name_en="A", valid_to=date(2020, 1, 1)
    )
    b = Area.objects.create(
        code="XX2", country="XX", level=Level.PROVINCE, name_en="B", valid_to=date(2020, 1, 1), replaced_by=a
    )
    Area.objects.filter(pk=a.pk).update(replaced_by=b)
    a.refresh_from_db()

    assert area_roll_up(area=a, level=Level.PROVINCE, on=date(2024, 1, 1)) is None


def test_children_can_be_limited_to_those_valid_that_day(shipped_data):
    quang_binh = area("VN44")

    assert [a.code for a in area_children(area=quang_binh)] == ["VN44-LT", "VN44-MH", "VN44-QN"]
    assert list(area_children(area=quang_binh, on=date(2025, 7, 1))) == []


def test_current_districts_of_viet_nam_disappear_in_july_2025(shipped_data):
    assert areas_current(country="VN", level=Level.DISTRICT, on=date(2025, 6, 30)).count() == 4
    assert not areas_current(country="VN", level=Level.DISTRICT, on=date(2025, 7, 1)).exists()
