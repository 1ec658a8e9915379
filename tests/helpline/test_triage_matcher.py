"""How a rule's line is read: words, `*`, alternatives and words near each other in either order,
Khmer without spaces, the report's answers, and which signals together make a report urgent."""

import pytest

from childshield.helpline.triage import (
    Answers,
    PhraseError,
    RuleSpec,
    Signal,
    compile_rules,
    phrase_compile,
    signals_in,
)


def _rules(*lines: str, signal: Signal = Signal.SEXTORTION, language: str = "en"):
    return compile_rules([RuleSpec(signal=signal, language=language, phrases=lines)])


def _words(text: str, *lines: str) -> list[str]:
    flags = signals_in(text, _rules(*lines))
    return list(flags[0].words) if flags else []


def test_a_star_matches_longer_words_and_only_whole_words():
    assert _words("he threatened me", "threat*") == ["threatened"]
    assert _words("he keeps threatening", "threat*") == ["threatening"]
    assert _words("the app includes a chat", "nudes") == []
    assert _words("the app includes a chat", "nude*") == []


@pytest.mark.parametrize(
    "text",
    [
        "he said he will post all my pics",
        "my pics, he says he will post them",  # either order
        "he will SHARE the photo",
    ],
)
def test_words_near_each_other_are_found_in_either_order(text):
    assert _words(text, "post*|share* ~ pic*|photo*")


def test_words_too_far_apart_are_not_found():
    far = "he posted that he liked the view from the lake near my school in the photo"
    assert _words(far, "post* ~3 photo*") == []
    assert _words("post my photo", "post* ~3 photo*") == ["post … photo"]


def test_vietnamese_near_words_match_with_or_without_diacritics():
    lines = ("tung|đăng|gửi ~ ảnh|hình|clip",)
    assert _words("nó dọa sẽ đăng hết ảnh của em", *lines) == ["dang … anh"]
    assert _words("no doa tung hinh em len fb", *lines) == ["tung … hinh"]


def test_khmer_is_found_whatever_the_spacing_and_near_within_letters():
    rules = _rules("បង្ហោះ|ចែករំលែក ~ រូប|វីដេអូ", language="km")
    assert signals_in("គាត់គំរាមថានឹងបង្ហោះរូបខ្ញុំ", rules)
    assert signals_in("គាត់ថា នឹង បង្ហោះ រូប ខ្ញុំ", rules)
    assert signals_in("បង្\u200bហោះ\u200bរូប", rules)
    far = "បង្ហោះ" + "ខ្ញុំទៅសាលារៀនជាមួយមិត្តភក្តិរបស់ខ្ញុំរាល់ថ្ងៃ" + "រូប"
    assert not signals_in(far, rules)


@pytest.mark.parametrize(
    "line",
    ["a", "x*", "ab*", "thr*eat", "post ~", "~ pic", "a ~ b ~ c", "post ~40 pic", "  |  "],
)
def test_a_line_that_would_match_nearly_anything_is_refused_with_a_reason(line):
    with pytest.raises(PhraseError) as error:
        phrase_compile(line, Signal.SEXTORTION)
    assert str(error.value)


def test_answers_raise_signals_and_say_which_answer():
    flags = signals_in(
        "",
        _rules("nudes"),
        Answers(harms=("threatened", "grooming"), safe_now="no", age_band="under_10"),
    )
    by_signal = {flag.signal: flag for flag in flags}
    assert set(by_signal) == {
        Signal.SEXTORTION,
        Signal.GROOMING,
        Signal.DANGER_NOW,
        Signal.VERY_YOUNG_CHILD,
    }
    assert by_signal[Signal.SEXTORTION].answers == ("harm:threatened",)
    assert "threatens" in by_signal[Signal.SEXTORTION].answer_labels[0]


def test_not_sure_is_not_danger_and_the_youngest_age_alone_is_not_a_signal():
    assert signals_in("", _rules("nudes"), Answers(safe_now="not_sure")) == []
    assert signals_in("", _rules("nudes"), Answers(age_band="under_10")) == []
    assert signals_in("", _rules("nudes"), Answers(age_band="under_10", harms=("other",))) == []
    assert signals_in("", _rules("nudes"), Answers(age_band="10_12", harms=("threatened",)))[0].signal == (
        Signal.SEXTORTION
    )


def test_grooming_is_urgent_only_with_a_meeting_planned():
    rules = compile_rules(
        [
            RuleSpec(signal=Signal.GROOMING, language="en", phrases=("gift*",)),
            RuleSpec(signal=Signal.MEETING_SOON, language="en", phrases=("meet* ~ tomorrow",)),
        ]
    )
    alone = signals_in("he sends me gifts", rules)
    assert [(flag.signal, flag.is_urgent) for flag in alone] == [(Signal.GROOMING, False)]
    together = signals_in("he sends me gifts and wants to meet tomorrow", rules)
    assert [(flag.signal, flag.is_urgent) for flag in together] == [
        (Signal.GROOMING, True),
        (Signal.MEETING_SOON, True),
    ]
    meeting_alone = signals_in("we meet tomorrow for football", rules)
    assert [(flag.signal, flag.is_urgent) for flag in meeting_alone] == [(Signal.MEETING_SOON, False)]


def test_words_inside_an_exclusion_do_not_count_and_the_same_words_elsewhere_still_do():
    rules = compile_rules(
        [
            RuleSpec(
                signal=Signal.SELF_HARM,
                language="vi",
                phrases=("muốn chết", "-chán muốn chết|mệt muốn chết"),
            )
        ]
    )
    assert signals_in("học online chán muốn chết", rules) == []
    assert signals_in("hom nay met muon chet luon", rules) == []
    flags = signals_in("chán muốn chết... mà thật ra em muốn chết thật", rules)
    assert [flag.words for flag in flags] == [("muon chet",)]


def test_an_exclusion_also_cancels_an_age_and_a_pair_of_words():
    rules = compile_rules(
        [
            RuleSpec(signal=Signal.VERY_YOUNG_CHILD, language="vi", phrases=("-hơn em 5 tuổi",)),
            RuleSpec(
                signal=Signal.SEXTORTION, language="en", phrases=("post* ~ pic*", "-post pics of my cat")
            ),
        ]
    )
    assert signals_in("anh hai hơn em 5 tuổi", rules) == []
    assert [flag.signal for flag in signals_in("em gái em 5 tuổi", rules)] == [Signal.VERY_YOUNG_CHILD]
    assert signals_in("i post pics of my cat every day", rules) == []
    assert signals_in("he will post my pics", rules)


def test_an_exclusion_line_cannot_pair_words():
    with pytest.raises(PhraseError):
        phrase_compile("-post ~ pic", Signal.SEXTORTION)


def test_a_signal_with_words_it_needs_is_raised_only_beside_them_or_another_signal():
    rules = compile_rules(
        [
            RuleSpec(signal=Signal.VERY_YOUNG_CHILD, language="en", phrases=("kindergarten", "+hit*|alone")),
            RuleSpec(signal=Signal.GROOMING, language="en", phrases=("gifts ~ secret",)),
        ]
    )
    # A young child mentioned in passing: nothing to look at first.
    assert signals_in("my brother is 5 and keeps breaking my lego", rules) == []
    assert signals_in("my sister goes to kindergarten, what apps are ok", rules) == []
    # Beside the words it needs, which are shown with the age.
    flags = signals_in("the boy next door is 5 and his dad hits him", rules)
    assert [(flag.signal, flag.words) for flag in flags] == [(Signal.VERY_YOUNG_CHILD, ("is 5", "hits"))]
    # Beside another signal, by words or by the answers.
    beside = signals_in("she is 7, he sends her gifts and says keep it secret", rules)
    assert [flag.signal for flag in beside] == [Signal.GROOMING, Signal.VERY_YOUNG_CHILD]
    answered = signals_in("my daughter is 6", rules, Answers(harms=("threatened",)))
    assert [flag.signal for flag in answered] == [Signal.SEXTORTION, Signal.VERY_YOUNG_CHILD]


def test_a_line_of_needed_words_cannot_pair_words():
    with pytest.raises(PhraseError):
        phrase_compile("+hit ~ baby", Signal.VERY_YOUNG_CHILD)
