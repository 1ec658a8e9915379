"""Triage signals in Vietnamese (with or without diacritics), Khmer and English, with their words.

The rules are those in the database (loaded from the shipped file by a migration, then edited as data).
"""

import pytest

from childshield.helpline import selectors
from childshield.helpline.triage import Flag, Signal, signals_in

pytestmark = pytest.mark.django_db


def _rules_from_database():
    version, rules = selectors.triage_rules_current()
    assert version > 0  # the data-driven rules, not the shipped file
    return rules


def _flags(text: str) -> list[Flag]:
    return signals_in(text, _rules_from_database())


def _signals(text: str) -> set[Signal]:
    return {flag.signal for flag in _flags(text)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Vietnamese, as typed with diacritics
        ("Em muốn chết, không muốn sống nữa", {Signal.SELF_HARM}),
        ("Anh ta đòi tiền, nếu không sẽ tung ảnh nóng của em", {Signal.SEXTORTION}),
        ("Hắn đang ở ngoài cửa, em không an toàn", {Signal.DANGER_NOW}),
        ("Em gái em 6 tuổi, học mẫu giáo, bị dượng đánh", {Signal.VERY_YOUNG_CHILD}),
        # Vietnamese typed without diacritics, as on many phones
        ("em muon chet", {Signal.SELF_HARM}),
        ("no doi tung anh nong len facebook", {Signal.SEXTORTION}),
        ("ban em hoc lop 2 bi bo danh", {Signal.VERY_YOUNG_CHILD}),
        ("MUON CHET", {Signal.SELF_HARM}),
        # Khmer, with and without zero-width spaces, and with Khmer digits
        ("ខ្ញុំចង់ស្លាប់", {Signal.SELF_HARM}),
        ("គាត់\u200bគំរាម\u200bបង្ហោះរូបភាព\u200bរបស់ខ្ញុំ", {Signal.SEXTORTION}),
        ("ខ្ញុំមិនមានសុវត្ថិភាពទេ", {Signal.DANGER_NOW}),
        ("ប្អូនស្រីខ្ញុំអាយុ ៧ ឆ្នាំ ត្រូវគេវាយ", {Signal.VERY_YOUNG_CHILD}),
        # English
        ("I want to die", {Signal.SELF_HARM}),
        ("He says he will post my photos unless I pay", {Signal.SEXTORTION}),
        ("He is outside my house right now", {Signal.DANGER_NOW}),
        ("my brother is 8 years old and his coach hits him", {Signal.VERY_YOUNG_CHILD}),
    ],
)
def test_each_language_raises_its_signal(text, expected):
    assert _signals(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Someone keeps messaging me on Zalo and I don't like it",
        "The app includes a chat",  # "nudes" is not inside "includes"
        "I am 15 years old",
        "Em 14 tuoi, hoc lop 9",
        "ខ្ញុំអាយុ ១៥ ឆ្នាំ",
        "my little brother is 5 and keeps breaking my lego",  # a young child, nothing wrong
        "em trai em 7 tuổi cứ đòi chơi điện thoại của em",
        "",
    ],
)
def test_ordinary_words_raise_nothing(text):
    assert _flags(text) == []


def test_a_signal_shows_the_words_that_raised_it():
    flags = _flags("Nó đòi tiền và dọa tung ảnh. Em muốn chết.")
    by_signal = {flag.signal: flag for flag in flags}
    assert by_signal[Signal.SEXTORTION].words == ("tung anh",)  # "doi tien" alone (asking money) is no threat
    assert by_signal[Signal.SELF_HARM].words == ("muon chet",)
    assert by_signal[Signal.SELF_HARM].is_urgent
    assert by_signal[Signal.SEXTORTION].is_urgent
    assert [flag.signal for flag in flags] == [Signal.SELF_HARM, Signal.SEXTORTION]  # always in one order
