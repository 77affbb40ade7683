"""Targets per level and the gaps between them and the estimates."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from coach.progress.estimate import SkillEstimate
from coach.progress.targets import SkillGap, SkillTargets, gaps

SEEN = datetime(2026, 11, 30, tzinfo=UTC)
TARGETS = SkillTargets.model_validate(
    {
        "version": 1,
        "levels": {
            "new": {"compliance": 0.85, "empathy": 0.6, "negotiation": 0.55, "record_keeping": 0.7},
            "senior": {"compliance": 0.95, "empathy": 0.75, "negotiation": 0.75},
        },
    }
)


def known(skill: str, mean: float, enough: bool = True) -> SkillEstimate:
    return SkillEstimate(skill, mean, mean - 0.1, mean + 0.1, 5.0 if enough else 1.0, enough, SEEN)


def test_gaps_are_target_minus_mean_largest_first_then_the_unknown() -> None:
    estimates = {
        "compliance": known("compliance", 0.9),
        "empathy": known("empathy", 0.4),
        "negotiation": known("negotiation", 0.5, enough=False),
        "tone_professionalism": known("tone_professionalism", 0.1),
    }
    found = gaps(estimates, TARGETS, "new")
    assert [(g.skill, g.gap) for g in found] == [
        ("empathy", pytest.approx(0.2)),
        ("compliance", pytest.approx(-0.05)),
        ("negotiation", None),
        ("record_keeping", None),
    ]
    assert found[0] == SkillGap("empathy", 0.6, pytest.approx(0.2), estimates["empathy"])


def test_a_skill_without_evidence_is_never_a_gap_of_its_whole_target() -> None:
    [*_, unseen] = gaps({}, TARGETS, "new")
    assert (unseen.gap, unseen.estimate, unseen.enough) == (None, None, False)
    thin = gaps({"empathy": known("empathy", 0.5, enough=False)}, TARGETS, "senior")
    empathy = next(g for g in thin if g.skill == "empathy")
    assert empathy.gap is None
    assert empathy.estimate is not None and empathy.estimate.mean == 0.5


def test_no_evidence_at_all_lists_every_target_by_id() -> None:
    assert [g.skill for g in gaps({}, TARGETS, "senior")] == [
        "compliance",
        "empathy",
        "negotiation",
    ]


def test_equal_gaps_are_ordered_by_skill_id() -> None:
    estimates = {"negotiation": known("negotiation", 0.45), "empathy": known("empathy", 0.5)}
    found = gaps(estimates, TARGETS, "new")
    assert [g.skill for g in found[:2]] == ["empathy", "negotiation"]


def test_the_level_chooses_the_targets() -> None:
    estimates = {"empathy": known("empathy", 0.7)}
    new = next(g for g in gaps(estimates, TARGETS, "new") if g.skill == "empathy")
    senior = next(g for g in gaps(estimates, TARGETS, "senior") if g.skill == "empathy")
    assert new.gap == pytest.approx(-0.1)
    assert senior.gap == pytest.approx(0.05)


def test_an_unknown_level_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown level 'junior': expected one of new, senior"):
        gaps({}, TARGETS, "junior")


def test_targets_are_frozen() -> None:
    with pytest.raises(ValidationError):
        TARGETS.version = 2  # type: ignore[misc]


@pytest.mark.parametrize("value", [1.01, -0.5, "0.6", True])
def test_a_target_outside_0_to_1_or_not_a_number_is_refused(value: object) -> None:
    with pytest.raises(ValidationError, match=r"levels\.new\.empathy"):
        SkillTargets.model_validate(
            {"version": 1, "levels": {"new": {"empathy": value}, "senior": {"empathy": 1.0}}}
        )
