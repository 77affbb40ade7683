"""Cues and rule patterns read one normalised form, so spelling never changes a verdict."""

from __future__ import annotations

import pytest

from coach.nlp.normalise import normalize
from coach.scoring.questions import questions_in
from coach.scoring.text_cues import cue, cue_text, search, words


@pytest.mark.parametrize(
    "text", ["I don't know", "i dont know", "I DON\u2019T know", "I don`t know"]
)
def test_a_cue_with_an_apostrophe_matches_every_spelling(text: str) -> None:
    assert search(cue(r"don't know"), text) is not None


def test_cues_and_rule_patterns_see_the_same_text() -> None:
    text = "Well \u2014 you're   behind; it's past-due!"
    assert cue_text(text) == normalize(text).text == "well youre behind; its past due!"


def test_an_optional_apostrophe_stays_optional_for_the_letters_around_it() -> None:
    pattern = cue(r"what you'?re saying")
    assert search(pattern, "So what you're saying is") is not None
    assert search(pattern, "so what youre saying is") is not None
    assert search(pattern, "so what you saying is") is None


def test_cues_match_whole_words_only() -> None:
    assert search(cue(r"pay"), "the payment is due") is None
    assert search(cue(r"pay"), "can you pay today") is not None


def test_contractions_count_as_one_word() -> None:
    assert words("You're sure it's fine?") == ["youre", "sure", "its", "fine"]


@pytest.mark.parametrize(
    ("text", "is_open"),
    [
        ("What's happening with your job?", True),
        ("whats happening with your job?", True),
        ("What's your date of birth?", False),
        ("whats your date of birth?", False),
        ("How's the family coping?", True),
        ("What time suits you?", False),
    ],
)
def test_open_questions_read_the_same_in_any_spelling(text: str, is_open: bool) -> None:
    [question] = questions_in(text)
    assert question.open is is_open


def test_unpunctuated_questions_are_cut_at_their_openers_in_the_original_words() -> None:
    found = questions_in("okay so what's happened since then do you have work")
    assert [q.text for q in found] == ["what's happened since then", "do you have work"]
