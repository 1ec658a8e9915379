"""The triage figures: recall by signal and false alarms on the team's message set, from one command."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from childshield.helpline.triage import RuleSpec, Signal, compile_rules
from childshield.helpline.triage_set import Message, Part, measure, messages


def test_recall_and_false_alarms_count_what_the_rules_raise():
    rules = compile_rules([RuleSpec(signal=Signal.SELF_HARM, language="en", phrases=("want* to die",))])
    measured = [
        Message(language="en", text="i want to die", signals=frozenset({Signal.SELF_HARM})),
        Message(language="en", text="i cant go on", signals=frozenset({Signal.SELF_HARM})),
        Message(language="en", text="my game wants to die lol", signals=frozenset()),
        Message(language="en", text="homework again", signals=frozenset()),
    ]
    figures = measure(rules, measured)
    assert (figures.recall_of(Signal.SELF_HARM).caught, figures.recall_of(Signal.SELF_HARM).marked) == (1, 2)
    assert figures.false_alarms_in("en").rate == 0.5
    assert not figures.meets_aim
    assert [miss.message.text for miss in figures.misses] == ["i cant go on", "my game wants to die lol"]


def test_every_message_of_the_set_is_marked_and_the_held_aside_part_is_a_third():
    development, held = messages(Part.DEV), messages(Part.HELD_ASIDE)
    assert (
        {message.language for message in development}
        == {message.language for message in held}
        == {"vi", "km", "en"}
    )
    assert 0.3 <= len(held) / (len(held) + len(development)) <= 0.4
    for message in (*development, *held):
        assert message.text.strip()
        assert message.review == ("" if message.language == "en" else "native speaker")


def test_the_command_prints_the_figures_and_lists_misses_of_the_development_part_only():
    out = StringIO()
    call_command("triage_measure", "--part", "dev", "--language", "km", stdout=out)
    printed = out.getvalue()
    assert "Grooming" in printed and "false alarms (ordinary)" in printed and "meets the aim" in printed
    with pytest.raises(CommandError, match="development part only"):
        call_command("triage_measure", "--misses", stdout=StringIO())
