"""The worked examples of docs/skill-model.md §4, recomputed: the page cannot drift."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from coach.progress.estimate import SkillEstimate, Timeline, estimate
from coach.progress.observations import Observation, from_quiz_attempt, from_scorecard
from coach.progress.targets import SkillTargets, gaps
from coach.scoring.result import SkillObservation

NOW = datetime(2026, 12, 1, tzinfo=UTC)
# The page writes ranges with an en dash and negative numbers with a minus sign.
DASH, MINUS = "\u2013", "\u2212"
DOC = (Path(__file__).resolve().parents[3] / "docs" / "skill-model.md").read_text("utf-8")


def days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def call(skill: str, score: float, days: float, call_id: str) -> Observation:
    [made] = from_scorecard(
        [SkillObservation(skill, score, ())], source="call", source_id=call_id, at=days_ago(days)
    )
    return made


def rounded(found: SkillEstimate) -> tuple[float, float, float, float, bool]:
    return (
        round(found.mean, 3),
        round(found.low, 3),
        round(found.high, 3),
        round(found.evidence, 3),
        found.enough,
    )


def in_doc(*numbers: str) -> None:
    missing = [n for n in numbers if n not in DOC]
    assert missing == []


@pytest.fixture
def empathy() -> list[Observation]:
    play = from_scorecard(
        [SkillObservation("empathy", 0.6, ()), SkillObservation("negotiation", 0.5, ())],
        source="roleplay",
        source_id="run-1",
        at=days_ago(5),
        focus=("empathy",),
    )
    return [
        call("empathy", 0.8, 2, "call-3"),
        *play,
        call("empathy", 0.7, 20, "call-2"),
        call("empathy", 0.4, 45, "call-1"),
    ]


def test_example_1_not_enough_evidence(empathy: list[Observation]) -> None:
    assert rounded(estimate(empathy, "empathy", NOW)) == (0.625, 0.454, 0.786, 2.384, False)
    in_doc("E = 2.384", "S = 1.613", "**0.625**", f"0.454{DASH}0.786")


def test_example_2_enough_and_its_gaps(empathy: list[Observation]) -> None:
    history = [*empathy, call("empathy", 0.75, 0, "call-4")]
    found = estimate(history, "empathy", NOW)
    assert rounded(found) == (0.653, 0.505, 0.793, 3.384, True)
    targets = SkillTargets.model_validate(
        {"version": 1, "levels": {"new": {"empathy": 0.6}, "senior": {"empathy": 0.75}}}
    )
    [new] = gaps({"empathy": found}, targets, "new")
    [senior] = gaps({"empathy": found}, targets, "senior")
    assert (round(new.gap or 0, 3), round(senior.gap or 0, 3)) == (-0.053, 0.097)
    assert Timeline(history, "empathy", NOW).trend() is None
    in_doc("E = 3.384", "**0.653**", f"0.505{DASH}0.793", f"{MINUS}0.053", "**0.097**", "E = 0.71")


def test_example_3_a_quiz_attempt() -> None:
    @dataclass(frozen=True)
    class Question:
        skills: tuple[str, ...]
        rules: tuple[str, ...]

    graded = [(Question(("legal_knowledge",), ("R-1",)), c) for c in (1, 1, 1, 0, 1, 0.5)]
    graded += [(Question((), ("R-2",)), c) for c in (1, 1, 0, 1)]
    made = from_quiz_attempt(graded, {"R-2": ("compliance",)}, source_id="attempt", at=NOW)
    assert [(o.skill, o.score, round(o.weight, 3)) for o in made] == [
        ("compliance", 0.75, 0.571),
        ("legal_knowledge", 0.75, 1.091),
    ]
    in_doc("**1.091**", "**0.571**")


def test_example_4_decay_to_the_prior() -> None:
    six = [call("compliance", 0.95, 0, f"call-{i}") for i in range(6)]
    table = [rounded(estimate(six, "compliance", NOW + timedelta(days=d))) for d in (0, 30, 90)]
    assert table == [
        (0.886, 0.805, 0.954, 6.0, True),
        (0.838, 0.714, 0.941, 3.0, True),
        (0.693, 0.464, 0.893, 0.75, False),
    ]
    year = estimate(six, "compliance", NOW + timedelta(days=365))
    assert (round(year.mean, 3), round(year.low, 3), round(year.high, 3)) == (0.501, 0.196, 0.805)
    in_doc(f"0.805{DASH}0.954", f"0.714{DASH}0.941", f"0.464{DASH}0.893", f"0.196{DASH}0.805")


def test_example_4_an_improving_trainee() -> None:
    history = [
        call("negotiation", round(0.5 + 0.3 * (60 - d) / 60, 3), d, f"call-{d}")
        for d in range(0, 61, 5)
    ]
    now = estimate(history, "negotiation", NOW)
    then = estimate(history, "negotiation", NOW - timedelta(days=30))
    assert (round(now.mean, 3), round(now.evidence, 2)) == (0.666, 7.12)
    assert (round(then.mean, 3), round(then.evidence, 2)) == (0.572, 5.08)
    assert round(Timeline(history, "negotiation", NOW).trend() or 0, 3) == 0.094
    in_doc("**0.666** (E = 7.12)", "**0.572** (E = 5.08)", "**+0.094**")
