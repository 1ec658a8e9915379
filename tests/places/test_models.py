"""Area's invariants and the language fallback of names."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from childshield.places.models import Area, HelplineNumber

pytestmark = pytest.mark.django_db

Level = Area.Level


@pytest.fixture
def viet_nam():
    return Area.objects.create(
        code="VN", country="VN", level=Level.COUNTRY, name_en="Viet Nam", name_vi="Việt Nam"
    )


def test_the_name_follows_the_language_and_falls_back_to_english_then_vietnamese():
    area = Area(code="VN44", name_vi="Quảng Bình", name_km="", name_en="Quang Binh")

    assert area.display_name("vi") == "Quảng Bình"
    assert area.display_name("km") == "Quang Binh"
    assert area.display_name("en-us") == "Quang Binh"
    assert Area(code="VN44", name_vi="Quảng Bình").display_name("km") == "Quảng Bình"
    assert Area(code="VN44").display_name("en") == "VN44"


def test_an_area_cannot_end_before_it_begins(viet_nam):
    area = Area(
        code="VN44",
        country="VN",
        level=Level.PROVINCE,
        parent=viet_nam,
        name_en="X",
        valid_from=date(2020, 1, 1),
        valid_to=date(2019, 1, 1),
    )

    with pytest.raises(ValidationError) as raised:
        area.full_clean()

    assert "valid_to" in raised.value.message_dict


def test_the_database_also_refuses_a_period_that_ends_before_it_begins(viet_nam):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Area.objects.create(
            code="VN44",
            country="VN",
            level=Level.PROVINCE,
            parent=viet_nam,
            name_en="X",
            valid_from=date(2020, 1, 1),
            valid_to=date(2019, 1, 1),
        )


def test_a_parent_must_be_in_the_same_country(viet_nam):
    area = Area(code="KH12", country="KH", level=Level.PROVINCE, parent=viet_nam, name_en="Phnom Penh")

    with pytest.raises(ValidationError) as raised:
        area.full_clean()

    assert "parent" in raised.value.message_dict


def test_a_replacement_must_be_of_the_same_level_and_country(viet_nam):
    cambodia = Area.objects.create(code="KH", country="KH", level=Level.COUNTRY, name_en="Cambodia")
    other_country = Area.objects.create(
        code="KH12", country="KH", level=Level.PROVINCE, parent=cambodia, name_en="Phnom Penh"
    )
    area = Area(
        code="VN44",
        country="VN",
        level=Level.PROVINCE,
        parent=viet_nam,
        name_en="Quang Binh",
        valid_to=date(2025, 6, 30),
        replaced_by=viet_nam,
    )

    with pytest.raises(ValidationError, match="same level"):
        area.full_clean()
    area.replaced_by = other_country
    with pytest.raises(ValidationError, match="same country"):
        area.full_clean()


def test_a_code_starts_with_its_country(viet_nam):
    area = Area(code="KH44", country="VN", level=Level.PROVINCE, parent=viet_nam, name_en="X")

    with pytest.raises(ValidationError) as raised:
        area.full_clean()

    assert "code" in raised.value.message_dict


def test_a_helpline_gives_a_dialable_link_and_its_channels():
    helpline = HelplineNumber(
        country="KH", number="+855 92 311 511", name_en="Helpline", channels="phone, chat"
    )

    assert helpline.dial_uri == "tel:+85592311511"
    assert helpline.channel_list == ["phone", "chat"]


def test_names_default_to_the_active_language_as_templates_call_them():
    from django.utils import translation

    helpline = HelplineNumber(
        country="VN", number="111", name_vi="Tổng đài", name_en="Hotline", hours_en="24/7"
    )

    with translation.override("vi"):
        assert (helpline.display_name(), helpline.display_hours()) == ("Tổng đài", "24/7")
    with translation.override("en"):
        assert Area(code="VN44", name_vi="Quảng Bình", name_en="Quang Binh").name == "Quang Binh"
