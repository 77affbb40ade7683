"""Seeded assembly: reproducible papers that respect their pools."""

from __future__ import annotations

import json

import pytest

from coach.quizzes.assembly import AssemblyError, Paper, assemble, shortfalls
from tests.unit.quizzes.sample import bank, numbered, program


def test_same_seed_same_paper_and_another_seed_another() -> None:
    banks = [bank(numbered(30))]
    cert = program(pools=[{"title": "All", "banks": ["us-sample"], "draw": 10}])
    first, again = assemble(cert, banks, seed=7), assemble(cert, banks, seed=7)
    assert first == again
    assert [i.question.id for i in first.items] != [
        i.question.id for i in assemble(cert, banks, seed=8).items
    ]
    assert [i.number for i in first.items] == list(range(1, 11))


def test_pools_draw_their_count_from_their_filter_and_never_repeat() -> None:
    easy, hard = numbered(6, "easy"), numbered(6, "hard")
    hard = [{**q, "id": q["id"].replace("t-", "h-")} for q in hard]
    banks = [bank(easy + hard)]
    cert = program(
        pools=[
            {"title": "Hard", "banks": ["us-sample"], "difficulty": ["hard"], "draw": 4},
            {"title": "Any", "banks": ["us-sample"], "draw": 8},
        ]
    )
    for seed in range(20):
        paper = assemble(cert, banks, seed)
        ids = [item.question.id for item in paper.items]
        assert len(ids) == len(set(ids)) == 12
        assert all(item.question.difficulty == "hard" for item in paper.items[:4])


def test_a_bank_too_small_for_a_draw_is_a_content_error() -> None:
    banks = [bank(numbered(2))]
    cert = program()
    assert shortfalls(cert, banks) == [
        "pools.0: draws 3 question(s) but its banks and filters hold 2"
    ]
    with pytest.raises(AssemblyError, match="hold 2"):
        assemble(cert, banks, seed=1)


def test_overlapping_pools_must_hold_both_draws() -> None:
    banks = [bank(numbered(5))]
    cert = program(
        pools=[
            {"title": "A", "banks": ["us-sample"], "draw": 3},
            {"title": "B", "banks": ["us-sample"], "draw": 3},
        ]
    )
    assert shortfalls(cert, banks) == [
        "pools.1: draws 3 question(s) but its banks and filters hold 5, 3 of them possibly "
        "drawn by the pools before it"
    ]


def test_options_are_shuffled_per_seed_when_the_program_says_so() -> None:
    banks = [bank()]
    cert = program(pools=[{"title": "All", "banks": ["us-sample"], "draw": 6}])
    orders = {
        tuple(
            i.choice_order for i in assemble(cert, banks, seed).items if i.question.id == "q-multi"
        )
        for seed in range(10)
    }
    assert len(orders) > 1
    plain = program(shuffle_options=False, pools=cert.pools)
    for item in assemble(plain, banks, seed=3).items:
        if item.question.pick != "order":
            assert list(item.choice_order) == [c.id for c in item.question.choices()]


def test_an_ordering_question_is_never_shown_in_the_right_order() -> None:
    banks = [bank()]
    for shuffle in (True, False):
        cert = program(
            shuffle_options=shuffle, pools=[{"title": "All", "banks": ["us-sample"], "draw": 6}]
        )
        for seed in range(40):
            item = next(i for i in assemble(cert, banks, seed).items if i.question.pick == "order")
            assert item.choice_order != item.question.key()
            assert sorted(item.choice_order) == sorted(item.question.key())


def test_true_false_and_transcript_lines_keep_their_order() -> None:
    banks = [bank()]
    cert = program(pools=[{"title": "All", "banks": ["us-sample"], "draw": 6}])
    for seed in range(10):
        items = {i.question.type: i for i in assemble(cert, banks, seed).items}
        assert items["true_false"].choice_order == ("true", "false")
        assert items["spot_violation"].choice_order == ("l1", "l3", "l4")


def test_paper_items_pin_the_question_version() -> None:
    paper = assemble(program(), [bank()], seed=2)
    assert all(item.version == item.question.version() for item in paper.items)
    assert paper.item(1) is paper.items[0]
    assert paper.item(99) is None


def test_a_paper_survives_its_json_round_trip() -> None:
    paper = assemble(
        program(pools=[{"title": "All", "banks": ["us-sample"], "draw": 6}]), [bank()], 5
    )
    again = Paper.from_json(json.loads(json.dumps(paper.as_json())))
    assert again == paper
    assert [i.version for i in again.items] == [i.version for i in paper.items]
