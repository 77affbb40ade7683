"""A coach's dimension overrides: total redone with the card's weights, cap, skills redone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coach.progress.scorecard_overrides import OverrideError, check_override, overridden_card

CARD = json.loads(
    (
        Path(__file__).parents[2] / "data/scorecard_contract/us_timed_with_metadata.scorecard.json"
    ).read_text()
)
SKILLS = {
    "compliance": ["compliance"],
    "tone_professionalism": ["tone"],
    "empathy": ["tone", "listening"],
    "active_listening": ["listening"],
}


def test_without_overrides_the_engine_numbers_stand() -> None:
    card = overridden_card(CARD, {}, SKILLS)
    assert card.total == CARD["total"] == 40
    assert card.skills["empathy"] == 0.575


def test_a_tone_override_moves_tone_skills_but_the_critical_cap_still_holds() -> None:
    card = overridden_card(CARD, {"tone": 80}, SKILLS)
    # 0.35*0 + 0.2*80 + 0.15*55 + 0.15*65 + 0.15*100 = 49, capped at 40 by the breaches
    assert card.total == 40
    assert card.skills["tone_professionalism"] == 0.8
    assert card.skills["empathy"] == pytest.approx((80 + 55) / 200)
    assert card.skills["active_listening"] == 0.55


def test_overriding_compliance_replaces_the_engines_judgement_and_its_cap() -> None:
    card = overridden_card(CARD, {"compliance": 60}, SKILLS)
    # 0.35*60 + 0.2*60 + 0.15*55 + 0.15*65 + 0.15*100 = 66
    assert card.total == 66
    assert card.skills["compliance"] == 0.6


def test_without_the_definition_the_engine_skill_scores_are_kept() -> None:
    card = overridden_card(CARD, {"compliance": 60}, None)
    assert card.total == 66
    assert card.skills["compliance"] == 0.0


@pytest.mark.parametrize(
    ("dimension", "score", "says"),
    [
        ("empathy", 50, "Unknown dimension"),
        ("tone", 101, "0 to 100"),
        ("tone", -1, "0 to 100"),
        ("tone", True, "0 to 100"),
        ("tone", 7.5, "0 to 100"),
    ],
)
def test_an_override_that_cannot_apply_is_refused(dimension: str, score: int, says: str) -> None:
    with pytest.raises(OverrideError, match=says):
        check_override(CARD, dimension, score)
    with pytest.raises(OverrideError, match=says):
        overridden_card(CARD, {dimension: score}, SKILLS)


def test_a_dimension_coach_could_not_judge_cannot_be_overridden() -> None:
    unjudged = {**CARD, "dimensions": {**CARD["dimensions"], "negotiation": None}}
    with pytest.raises(OverrideError, match="could not judge negotiation"):
        check_override(unjudged, "negotiation", 50)
