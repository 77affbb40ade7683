"""The question types: what each accepts, what a trainee sees, and what the key is."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from coach.quizzes.model import QUESTION_TYPES, QuestionBank
from tests.unit.quizzes.sample import COMMON, ONE_OF_EACH, bank


def test_every_registered_type_loads_from_a_bank() -> None:
    loaded = bank()
    assert {q.type for q in loaded.questions} == set(QUESTION_TYPES)
    assert all(isinstance(q, QUESTION_TYPES[q.type]) for q in loaded.questions)


def test_choices_never_carry_the_answer() -> None:
    for question in bank().questions:
        for choice in question.choices():
            assert set(choice.model_dump()) == {"id", "text"}


@pytest.mark.parametrize(
    ("question_id", "key"),
    [
        ("q-single", ("a",)),
        ("q-multi", ("a", "b")),
        ("q-tf", ("false",)),
        ("q-spot", ("l3",)),
        ("q-reply", ("a",)),
        ("q-order", ("s1", "s2", "s3", "s4")),
    ],
)
def test_each_type_states_its_key(question_id: str, key: tuple[str, ...]) -> None:
    question = bank().question(question_id)
    assert question is not None
    assert question.key() == key


def test_only_collector_lines_can_be_picked_in_a_transcript() -> None:
    question = bank().question("q-spot")
    assert question is not None
    assert [c.id for c in question.choices()] == ["l1", "l3", "l4"]


def _with(question_id: str, **changes: Any) -> list[dict[str, Any]]:
    return [{**q, **changes} if q["id"] == question_id else q for q in ONE_OF_EACH]


@pytest.mark.parametrize(
    ("questions", "message"),
    [
        (
            _with("q-single", options=[{"id": "a", "text": "x"}, {"id": "b", "text": "y"}]),
            "exactly one correct option",
        ),
        (
            _with(
                "q-multi",
                options=[
                    {"id": "a", "text": "x", "correct": True},
                    {"id": "b", "text": "y", "correct": True},
                    {"id": "c", "text": "z", "correct": True},
                ],
            ),
            "at least one correct and one incorrect",
        ),
        (
            _with(
                "q-spot",
                transcript=[
                    {"id": "l1", "speaker": "collector", "text": "Hi"},
                    {"id": "l2", "speaker": "debtor", "text": "You idiot", "unlawful": True},
                    {"id": "l3", "speaker": "collector", "text": "Bye"},
                ],
            ),
            "only a collector's line",
        ),
        (
            _with(
                "q-order",
                steps=[
                    {"id": "s1", "text": "a"},
                    {"id": "s1", "text": "b"},
                    {"id": "s3", "text": "c"},
                ],
            ),
            r"step id\(s\) used more than once: s1",
        ),
        ([*ONE_OF_EACH, {**COMMON, "id": "q-tf", "type": "true_false", "answer": True}], "q-tf"),
        (_with("q-tf", type="essay"), "essay"),
        (_with("q-tf", extra="surprise"), "extra"),
    ],
)
def test_unsound_questions_are_refused(questions: list[dict[str, Any]], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        bank(questions)


def test_an_edit_is_a_new_version_and_a_reload_is_not() -> None:
    before = bank().question("q-single")
    again = bank().question("q-single")
    edited = bank(_with("q-single", prompt="Reworded?")).question("q-single")
    assert before is not None and again is not None and edited is not None
    assert before.version() == again.version()
    assert before.version() != edited.version()


def test_bank_is_frozen() -> None:
    loaded = bank()
    with pytest.raises(ValidationError):
        loaded.title = "changed"  # type: ignore[misc]
    assert isinstance(loaded, QuestionBank)
