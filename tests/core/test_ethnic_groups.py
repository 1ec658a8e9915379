"""The ethnic groups read from data: every code unique, each country's list in its source's order,
and the choices and labels the case pages show made from them."""

import re

from django.utils import translation

from childshield.core.ethnic_groups import (
    DATA_DIR,
    ETHNICITY_NOT_SAID,
    ethnic_group_lists,
    ethnicity_choices,
    ethnicity_label,
)


def test_there_is_one_list_per_file_each_named_for_its_country_and_saying_its_source():
    lists = ethnic_group_lists()
    assert sorted(lists) == sorted(path.stem for path in DATA_DIR.glob("*.json")) == ["KH", "VN"]
    for country, listed in lists.items():
        assert listed.country == country
        assert listed.source.strip()
        assert listed.groups


def test_every_code_is_unique_across_countries_and_starts_with_its_country():
    codes = [group.code for listed in ethnic_group_lists().values() for group in listed.groups]
    assert len(codes) == len(set(codes))
    assert ETHNICITY_NOT_SAID not in codes
    for country, listed in ethnic_group_lists().items():
        for group in listed.groups:
            assert re.fullmatch(rf"{country}-[A-Z0-9-]+", group.code), group.code
            assert group.label.strip() == group.label != ""


def test_viet_nam_s_54_groups_are_numbered_in_the_order_of_the_gso_list():
    groups = ethnic_group_lists()["VN"].groups
    assert [group.code for group in groups] == [f"VN-{number:02d}" for number in range(1, 55)]
    assert (groups[0].label, groups[22].label, groups[53].label) == ("Kinh", "Bru-Vân Kiều", "Rơ-măm")


def test_cambodia_s_list_opens_with_the_majority_and_ends_with_any_other_indigenous_people():
    groups = ethnic_group_lists()["KH"].groups
    assert (groups[0].code, groups[0].label) == ("KH-KHMER", "Khmer")
    assert groups[-1].code == "KH-OTHER-INDIGENOUS"


def test_a_form_offers_the_country_s_groups_in_order_between_choose_and_not_said():
    choices = ethnicity_choices("VN")
    assert choices[0][0] == ""
    assert choices[-1][0] == ETHNICITY_NOT_SAID
    assert choices[1:-1] == [(group.code, group.label) for group in ethnic_group_lists()["VN"].groups]
    assert [code for code, _label in ethnicity_choices("TH")] == ["", ETHNICITY_NOT_SAID]


def test_a_stored_code_shows_its_label_whichever_country_it_is_from():
    assert ethnicity_label("VN-14") == "Xơ-Đăng"
    assert ethnicity_label("KH-BUNONG") == "Bunong (Phnong)"
    with translation.override("en"):  # whatever language an earlier test left active
        assert str(ethnicity_label(ETHNICITY_NOT_SAID)) == "Not known or prefers not to say"
    # A code no list knows (a file edited badly) shows as itself rather than failing the page.
    assert ethnicity_label("VN-99") == "VN-99"
