"""Rule heads read numbers as one word, so speech recognition's digits and a typed line's
words are judged alike (coach.scoring.compliance.learned.head_text)."""

from __future__ import annotations

import pytest

from coach.scoring.compliance.learned import head_text


@pytest.mark.parametrize(
    ("heard", "typed"),
    [
        (
            "I'll call you tomorrow at 5.30. Have a good night.",
            "I'll call you tomorrow at five thirty. Have a good night.",
        ),
        ("It's 10.30 at night.", "It's ten thirty at night."),
        ("A balance of $1,100 by the 7th.", "A balance of eleven hundred by the seventh."),
        ("I've called you 6 times today.", "I've called you six times today."),
        ("That's 21,300 rupees.", "That's twenty-one thousand three hundred rupees."),
    ],
)
def test_digits_and_number_words_read_the_same(heard: str, typed: str) -> None:
    assert head_text(heard) == head_text(typed)


def test_words_that_are_not_amounts_are_kept() -> None:
    assert head_text("One of us will ring you on Monday.") == "One of us will ring you on Monday."
    assert head_text("Pay at 9pm or else.") == "Pay at number or else."


def test_a_third_party_stays_a_third_party() -> None:
    assert head_text("I can't discuss it with a third party.") == (
        "I can't discuss it with a third party."
    )
