"""Scorecard arithmetic on hand-made evidence: weights, caps, renormalisation, evidence links."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from pydantic import ValidationError

from coach.scoring.result import DIMENSIONS, CapResult, Dimension, SkillEvidence
from coach.scoring.scorecard import (
    DimensionInput,
    Evidence,
    ScorecardDefinition,
    build_scorecard,
    check_scorecard,
)

CONTENT = Path(__file__).resolve().parents[3] / "content"
DEFAULT = CONTENT / "scorecards" / "default.yaml"


def definition(**changes: object) -> ScorecardDefinition:
    data = yaml.safe_load(DEFAULT.read_text(encoding="utf-8")) | changes
    return ScorecardDefinition.model_validate(data)


def clean() -> dict[Dimension, DimensionInput]:
    """A call with no evidence at all: every dimension sits at its base."""
    return {d: DimensionInput() for d in DIMENSIONS}


def violation(severity: str = "critical", rule_id: str = "US-X-THREAT") -> Evidence:
    return Evidence(
        key=f"violation_{severity}",
        reason="threatened arrest",
        turn=4,
        start=12.5,
        end=14.0,
        quote="you will be arrested",
        rule_id=rule_id,
        severity=severity,
        status="violation",
    )


def test_default_definition_loads_and_weights_sum_to_one() -> None:
    card = definition()
    assert card.id == "default"
    assert sum(card.weights.values()) == pytest.approx(1.0)


def test_total_is_the_weighted_mean_of_dimension_bases() -> None:
    card = definition()
    result = build_scorecard(card, clean())
    bases = {d: card.points[d].base for d in DIMENSIONS}
    expected = round(sum(card.weights[d] * bases[d] for d in DIMENSIONS))
    assert result.total == expected
    assert {d: r.score for d, r in result.dimensions.items()} == bases


def test_each_deduction_carries_its_evidence() -> None:
    inputs = clean() | {"compliance": DimensionInput((violation("major"),))}
    result = build_scorecard(definition(), inputs)
    (item,) = result.dimensions["compliance"].items
    assert (item.kind, item.points, item.change) == ("deduction", 25, -25)
    assert (item.turn, item.start, item.end) == (4, 12.5, 14.0)
    assert item.quote == "you will be arrested"
    assert (item.rule_id, item.severity, item.status) == ("US-X-THREAT", "major", "violation")
    assert result.dimensions["compliance"].score == 75


def test_credits_raise_a_dimension_and_scores_stay_within_0_and_100() -> None:
    many = tuple(Evidence("paraphrase", "reflected", turn=i, quote="so you") for i in range(20))
    harsh = tuple(Evidence("threatening", "threat", turn=i) for i in range(10))
    inputs = clean() | {
        "listening": DimensionInput(many),
        "tone": DimensionInput(harsh),
    }
    result = build_scorecard(definition(), inputs)
    assert result.dimensions["listening"].score == 100
    assert result.dimensions["tone"].score == 0
    assert all(i.kind == "credit" for i in result.dimensions["listening"].items)


def test_critical_violation_caps_the_total() -> None:
    card = definition()
    generous = tuple(Evidence("paraphrase", "reflected", turn=i) for i in range(10))
    inputs = clean() | {
        "compliance": DimensionInput((violation("critical"),)),
        "listening": DimensionInput(generous),
    }
    result = build_scorecard(card, inputs)
    assert result.total == card.cap.total
    assert result.cap == CapResult(max_total=40, triggered_by=("US-X-THREAT",), applied=True)


def test_major_violation_does_not_cap() -> None:
    result = build_scorecard(
        definition(), clean() | {"compliance": DimensionInput((violation("major"),))}
    )
    assert result.cap is None
    assert result.total is not None and result.total > 40


def test_a_cap_that_does_not_bite_is_reported_but_not_applied() -> None:
    card = definition(cap={"total": 95})
    result = build_scorecard(card, clean() | {"compliance": DimensionInput((violation(),))})
    assert result.total is not None and result.total < 95
    assert result.cap == CapResult(max_total=95, triggered_by=("US-X-THREAT",), applied=False)


def test_cap_can_name_extra_rules() -> None:
    card = definition(cap={"total": 30, "rules": ["US-X-THREAT"]})
    result = build_scorecard(card, clean() | {"compliance": DimensionInput((violation("major"),))})
    assert result.total == 30


def test_not_assessable_dimension_is_left_out_and_weights_renormalised() -> None:
    card = definition()
    inputs = clean() | {"listening": DimensionInput(not_assessable="no debtor turns")}
    result = build_scorecard(card, inputs)
    assert result.dimensions["listening"].score is None
    assert result.dimensions["listening"].not_assessable == "no debtor turns"
    assert result.dimensions["listening"].weight == 0.0
    assert sum(r.weight for r in result.dimensions.values()) == pytest.approx(1.0, abs=1e-3)
    rest = [d for d in DIMENSIONS if d != "listening"]
    share = sum(card.weights[d] for d in rest)
    expected = sum(card.weights[d] / share * card.points[d].base for d in rest)
    assert result.total == round(expected)


def test_nothing_assessable_gives_no_total_rather_than_zero() -> None:
    inputs = {d: DimensionInput(not_assessable="the transcript has no turns") for d in DIMENSIONS}
    result = build_scorecard(definition(), inputs)
    assert result.total is None
    assert result.skill_observations == ()


def test_skill_observations_follow_the_mapping_and_skip_unassessable() -> None:
    inputs = clean() | {"negotiation": DimensionInput(not_assessable="disputed")}
    result = build_scorecard(definition(), inputs)
    skills = {o.skill: o for o in result.skill_observations}
    assert "negotiation" not in skills
    assert skills["compliance"].score == 1.0
    assert 0.0 <= skills["empathy"].score <= 1.0


def test_skill_evidence_is_the_items_of_the_mapped_dimensions() -> None:
    card = definition(skills={"compliance": ["compliance"]})
    result = build_scorecard(card, clean() | {"compliance": DimensionInput((violation(),))})
    [observation] = result.skill_observations
    assert observation.evidence == (
        SkillEvidence("deduction", "violation_critical", 4, "you will be arrested", "compliance"),
    )


def test_weights_must_sum_to_one() -> None:
    bad = dict.fromkeys(DIMENSIONS, 0.3)
    with pytest.raises(ValidationError, match="sum to 1"):
        definition(weights=bad)


def test_unknown_evidence_key_is_rejected_with_the_allowed_keys() -> None:
    points = yaml.safe_load(DEFAULT.read_text(encoding="utf-8"))["points"]
    points["tone"]["deductions"]["sarcastic"] = 5
    with pytest.raises(ValidationError, match=r"unknown keys.*allowed"):
        definition(points=points)


def test_extra_fields_are_forbidden() -> None:
    with pytest.raises(ValidationError, match="Extra inputs"):
        definition(colour="red")


def test_catalog_check_names_unknown_rules_and_skills() -> None:
    card = definition(cap={"total": 40, "rules": ["US-NOPE"]}, skills={"juggling": ["tone"]})
    pack = SimpleNamespace(rules=[SimpleNamespace(id="US-FDCPA-1692e11-MINI-MIRANDA")])
    context = SimpleNamespace(
        loaded={"rules": {"rules/us.yaml": pack}},
        unknown_skills=lambda source, refs: [f"{source}:{p}: unknown" for p in refs],
    )
    errors = check_scorecard(card, "scorecards/x.yaml", context)
    assert errors == [
        "scorecards/x.yaml:cap.rules.0: unknown rule id 'US-NOPE': no rule pack defines it",
        "scorecards/x.yaml:skills.juggling: unknown",
    ]
