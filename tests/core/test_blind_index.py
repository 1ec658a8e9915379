"""Blind indexes: equal after normalisation means equal index, and nothing else does."""

import re
import unicodedata

import pytest

from childshield.core.blind_index import blind_index, normalise


def test_case_spacing_and_vietnamese_diacritics_do_not_change_the_index():
    assert blind_index("Nguyễn Thị Hoa", purpose="child.name") == blind_index(
        "  nguyen thi HOA ", purpose="child.name"
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Nguyễn Thị Hoa", "nguyen thi hoa"),
        ("ĐẶNG Văn Đức", "dang van duc"),
        ("Trương Ngọc Ánh", "truong ngoc anh"),
        ("Phạm  Thị\tHằng\n", "pham thi hang"),
        ("Lê Hữu Phước", "le huu phuoc"),
        ("Ơn Ưng Ắt Ấm", "on ung at am"),
        ("Zoë Łukasz Søren", "zoe lukasz soren"),
    ],
)
def test_normalise_folds_latin_letters_and_whitespace(value, expected):
    assert normalise(value) == expected


def test_a_decomposed_value_gets_the_index_of_its_composed_form():
    composed = "Nguyễn Thị Hoa"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert blind_index(decomposed, purpose="child.name") == blind_index(composed, purpose="child.name")


@pytest.mark.parametrize(
    ("word", "other"),
    [
        ("ពុក", "ពូក"),  # father / mattress: vowel signs U+17BB and U+17BC
        ("កុមារ", "កមារ"),  # child, and the same letters without its vowel sign
        ("ស្រី", "សរី"),  # a subscript consonant (coeng) against none
    ],
)
def test_khmer_signs_are_letters_and_are_kept(word, other):
    assert normalise(word) == word
    assert blind_index(word, purpose="child.name") != blind_index(other, purpose="child.name")


def test_khmer_zero_width_spaces_between_words_are_ignored():
    assert normalise("សុខ\u200bចាន់ធី") == normalise("សុខចាន់ធី") == "សុខចាន់ធី"


def test_a_different_purpose_gives_a_different_index():
    assert blind_index("0912345678", purpose="child.name") != blind_index(
        "0912345678", purpose="reporter.phone"
    )


def test_a_different_key_gives_a_different_index(settings):
    before = blind_index("Nguyễn Thị Hoa", purpose="child.name")
    settings.BLIND_INDEX_KEY = "another-blind-index-key"

    assert blind_index("Nguyễn Thị Hoa", purpose="child.name") != before


def test_the_index_is_a_hex_sha256_that_fits_a_64_character_column():
    assert re.fullmatch(r"[0-9a-f]{64}", blind_index("សុខ ចាន់ធី", purpose="child.name"))


@pytest.mark.parametrize("purpose", ["", "child\x00name"])
def test_a_purpose_must_be_named_and_cannot_hold_the_separator(purpose):
    with pytest.raises(ValueError, match="purpose"):
        blind_index("x", purpose=purpose)


def test_an_empty_key_is_refused(settings):
    settings.BLIND_INDEX_KEY = ""

    with pytest.raises(Exception, match="BLIND_INDEX_KEY"):
        blind_index("x", purpose="child.name")
