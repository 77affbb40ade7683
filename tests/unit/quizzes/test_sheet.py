"""The sheet a trainee answers carries no key; the review after submission does."""

from __future__ import annotations

import json
from dataclasses import asdict

from coach.quizzes.assembly import assemble
from coach.quizzes.sheet import review, sheet
from tests.unit.quizzes.sample import bank, program

EVERY = {"pools": [{"title": "All", "banks": ["us-sample"], "draw": 6}]}


def test_the_sheet_carries_no_correct_flag_answer_or_explanation() -> None:
    paper = assemble(program(**EVERY), [bank()], seed=3)
    shown = json.dumps([asdict(q) for q in sheet(paper, {})], default=str)
    assert "correct" not in shown
    assert "unlawful" not in shown
    assert "Arrest is not a consequence" not in shown  # the explanation
    assert '"answer"' not in shown


def test_transcript_lines_are_pickable_only_for_the_collector() -> None:
    paper = assemble(program(**EVERY), [bank()], seed=3)
    spot = next(q for q in sheet(paper, {}) if q.kind == "Spot the violation")
    assert [(line.speaker, line.choice) for line in spot.lines] == [
        ("collector", "l1"),
        ("debtor", None),
        ("collector", "l3"),
        ("collector", "l4"),
    ]
    assert spot.choices == ()


def test_the_sheet_shows_saved_answers_and_choices_in_display_order() -> None:
    paper = assemble(program(**EVERY), [bank()], seed=9)
    item = next(i for i in paper.items if i.question.id == "q-multi")
    shown = next(q for q in sheet(paper, {item.number: ["b"]}) if q.number == item.number)
    assert shown.saved == ("b",)
    assert tuple(c.id for c in shown.choices) == item.choice_order


def test_the_review_puts_the_answer_beside_the_key_and_the_explanation() -> None:
    paper = assemble(program(**EVERY), [bank()], seed=3)
    single = next(i for i in paper.items if i.question.id == "q-single")
    rows = {row.question.number: row for row in review(paper, {single.number: ["b"]})}
    row = rows[single.number]
    assert (row.answer_text, row.key_text, row.credit) == (
        ("You will be arrested.",),
        ("We can set up a plan.",),
        0.0,
    )
    assert row.explanation.startswith("Arrest is not")
    unanswered = next(r for n, r in rows.items() if n != single.number)
    assert (unanswered.answer, unanswered.credit) == ((), 0.0)


def test_the_review_lists_choices_in_authored_order_under_their_ids() -> None:
    """Explanations name options by id ("(b) is wrong"), whatever order the attempt showed."""
    paper = assemble(program(**EVERY), [bank()], seed=3)
    multi = next(i for i in paper.items if i.question.id == "q-multi")
    row = next(
        r for r in review(paper, {multi.number: ["a", "c"]}) if r.question.number == multi.number
    )
    assert [(c.id, c.right, c.picked) for c in row.choices] == [
        ("a", True, True),
        ("b", True, False),
        ("c", False, True),
        ("d", False, False),
    ]
    spot = next(q for q in sheet(paper, {}) if q.kind == "Spot the violation")
    assert [line.label for line in spot.lines] == ["l1", "l2", "l3", "l4"]
