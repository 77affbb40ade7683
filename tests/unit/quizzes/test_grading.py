"""Grading per type, answer checks, and a paper's score against its pass mark."""

from __future__ import annotations

import pytest

from coach.quizzes.assembly import assemble
from coach.quizzes.grading import AnswerError, checked_answer, credit, grade
from tests.unit.quizzes.sample import bank, program


def q(question_id: str):
    question = bank().question(question_id)
    assert question is not None
    return question


@pytest.mark.parametrize(
    ("question_id", "answer", "expected"),
    [
        ("q-single", ["a"], 1.0),
        ("q-single", ["b"], 0.0),
        ("q-tf", ["false"], 1.0),
        ("q-tf", ["true"], 0.0),
        ("q-reply", ["a"], 1.0),
        ("q-reply", ["b"], 0.0),
        ("q-multi", ["a", "b"], 1.0),
        ("q-multi", ["b", "a"], 1.0),
        ("q-multi", ["a"], 0.5),
        ("q-multi", ["a", "c"], 0.0),
        ("q-multi", ["a", "b", "c"], 0.5),
        ("q-multi", ["c", "d"], 0.0),
        ("q-spot", ["l3"], 1.0),
        ("q-spot", ["l3", "l1"], 0.0),
        ("q-spot", ["l1"], 0.0),
        ("q-order", ["s1", "s2", "s3", "s4"], 1.0),
        ("q-order", ["s2", "s1", "s3", "s4"], 5 / 6),
        ("q-order", ["s4", "s3", "s2", "s1"], 0.0),
    ],
)
def test_credit_follows_each_types_rule(
    question_id: str, answer: list[str], expected: float
) -> None:
    assert credit(q(question_id), answer) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("question_id", "answer", "message"),
    [
        ("q-single", ["z"], "'z' is not a choice"),
        ("q-single", ["a", "b"], "exactly one"),
        ("q-single", [], "exactly one"),
        ("q-multi", [], "at least one"),
        ("q-multi", ["a", "a"], "more than once"),
        ("q-spot", ["l2"], "'l2' is not a choice"),
        ("q-order", ["s1", "s2"], "every step"),
        ("q-tf", ["maybe"], "not a choice"),
    ],
)
def test_impossible_answers_are_refused(question_id: str, answer: list[str], message: str) -> None:
    with pytest.raises(AnswerError, match=message):
        checked_answer(q(question_id), answer)


def test_a_valid_answer_comes_back_as_given() -> None:
    assert checked_answer(q("q-order"), ["s2", "s1", "s3", "s4"]) == ("s2", "s1", "s3", "s4")


def test_paper_score_is_the_share_of_marks_and_unanswered_earns_nothing() -> None:
    paper = assemble(
        program(pools=[{"title": "All", "banks": ["us-sample"], "draw": 6}]), [bank()], 1
    )
    answers = {item.number: list(item.question.key()) for item in paper.items}
    full = grade(paper, answers, pass_mark=80)
    assert full.score == 100.0 and full.passed
    missing = dict(list(answers.items())[:4])
    partial = grade(paper, missing, pass_mark=80)
    assert partial.score == pytest.approx(66.7)
    assert not partial.passed
    assert [r.answer is None for r in partial.items].count(True) == 2


def test_pass_mark_is_inclusive() -> None:
    paper = assemble(
        program(pools=[{"title": "All", "banks": ["us-sample"], "draw": 5}]), [bank()], 4
    )
    answers = {item.number: list(item.question.key()) for item in paper.items[:4]}
    assert grade(paper, answers, pass_mark=80).passed
    assert not grade(paper, answers, pass_mark=81).passed
