"""Item analysis: difficulty and point-biserial discrimination, and which items get flagged."""

from __future__ import annotations

import pytest

from coach.quizzes.item_analysis import item_statistics


def test_a_question_the_strong_get_right_and_the_weak_wrong_discriminates() -> None:
    attempts = [
        {"good": 1.0, "x": 1.0, "y": 1.0},
        {"good": 1.0, "x": 1.0, "y": 0.0},
        {"good": 1.0, "x": 0.0, "y": 1.0},
        {"good": 0.0, "x": 0.0, "y": 0.0},
        {"good": 0.0, "x": 0.0, "y": 1.0},
        {"good": 0.0, "x": 0.0, "y": 0.0},
    ]
    stats = {s.question: s for s in item_statistics(attempts)}
    good = stats["good"]
    assert good.answers == 6
    assert good.difficulty == pytest.approx(0.5)
    assert good.discrimination is not None and good.discrimination > 0.6
    assert good.flags == ()


def test_a_question_the_weak_get_right_and_the_strong_wrong_is_flagged() -> None:
    attempts = [
        {"odd": 0.0, "x": 1.0, "y": 1.0},
        {"odd": 0.0, "x": 1.0, "y": 1.0},
        {"odd": 1.0, "x": 0.0, "y": 0.0},
        {"odd": 1.0, "x": 0.0, "y": 0.0},
        {"odd": 0.0, "x": 1.0, "y": 0.0},
    ]
    odd = {s.question: s for s in item_statistics(attempts)}["odd"]
    assert odd.discrimination is not None and odd.discrimination < 0
    assert "does not separate strong from weak candidates" in odd.flags


def test_everyone_right_is_flagged_as_too_easy_with_no_discrimination() -> None:
    attempts = [{"easy": 1.0, "x": float(n % 2)} for n in range(6)]
    easy = {s.question: s for s in item_statistics(attempts)}["easy"]
    assert easy.difficulty == 1.0
    assert easy.discrimination is None
    assert easy.flags == ("almost everyone gets it right",)


def test_few_answers_are_reported_but_never_flagged() -> None:
    attempts = [{"new": 0.0, "x": 1.0}, {"new": 0.0, "x": 0.0}]
    new = item_statistics(attempts)[0]
    assert (new.question, new.answers, new.difficulty, new.flags) == ("new", 2, 0.0, ())


def test_partial_credit_counts_as_not_right() -> None:
    stats = item_statistics([{"q": 0.5, "x": 1.0}])
    assert stats[0].difficulty == 0.0
