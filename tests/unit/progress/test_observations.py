"""Observations and the converters from scorecards and graded quiz attempts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from coach.progress.observations import (
    CALL_WEIGHT,
    DIRECT_TAG,
    OFF_FOCUS_FACTOR,
    QUIZ_MAX_WEIGHT,
    ROLEPLAY_WEIGHT,
    RULE_TAG,
    Observation,
    ObservationError,
    from_quiz_attempt,
    from_scorecard,
    quiz_weight,
)
from coach.quizzes.model import TrueFalse
from coach.scoring.result import SkillObservation

AT = datetime(2026, 11, 2, 10, 30, tzinfo=UTC)


@dataclass(frozen=True)
class Question:
    """Just the tags a quiz question carries."""

    skills: tuple[str, ...] = ()
    rules: tuple[str, ...] = ("US-DEMO.1",)


def observation(**changes: object) -> Observation:
    fields: dict[str, object] = {
        "skill": "empathy",
        "score": 0.7,
        "weight": 1.0,
        "source": "call",
        "source_id": "call-1",
        "at": AT,
    }
    return Observation(**(fields | changes))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"score": 1.2}, r"score of 'empathy' must be within 0\.\.1, got 1\.2"),
        ({"score": -0.1}, r"must be within 0\.\.1"),
        ({"score": float("nan")}, r"score of 'empathy' must be a finite number, got nan"),
        ({"score": "0.5"}, r"must be a finite number, got '0\.5'"),
        ({"score": True}, r"must be a finite number, got True"),
        ({"weight": 0.0}, r"weight must be > 0, got 0\.0"),
        ({"weight": -1}, r"weight must be > 0"),
        ({"weight": float("inf")}, r"weight must be a finite number"),
        ({"weight": True}, r"weight must be a finite number"),
        ({"source": "email"}, r"unknown source 'email': expected one of call, roleplay, quiz"),
        ({"skill": ""}, r"skill must be a non-empty skill id"),
        ({"source_id": ""}, r"source_id must name the call, run or attempt"),
        ({"at": datetime(2026, 11, 2)}, r"at must be a timezone-aware datetime"),
    ],
)
def test_invalid_observations_are_refused_with_a_clear_message(
    changes: dict[str, object], message: str
) -> None:
    with pytest.raises(ObservationError, match=message):
        observation(**changes)


def test_observation_error_is_a_value_error() -> None:
    assert issubclass(ObservationError, ValueError)


def test_a_valid_observation_is_frozen() -> None:
    made = observation()
    with pytest.raises(AttributeError):
        made.score = 0.1  # type: ignore[misc]


def test_a_call_scorecard_gives_full_weight_observations() -> None:
    scored = [SkillObservation("compliance", 0.9, ()), SkillObservation("empathy", 0.55, ())]
    made = from_scorecard(scored, source="call", source_id="call-7", at=AT)
    assert made == (
        Observation("compliance", 0.9, CALL_WEIGHT, "call", "call-7", AT),
        Observation("empathy", 0.55, CALL_WEIGHT, "call", "call-7", AT),
    )


def test_a_role_play_counts_less_than_a_call_and_off_focus_skills_less_still() -> None:
    scored = [SkillObservation("compliance", 0.9, ()), SkillObservation("empathy", 0.5, ())]
    made = from_scorecard(
        scored, source="roleplay", source_id="run-3", at=AT, focus=("empathy", "negotiation")
    )
    weights = {o.skill: o.weight for o in made}
    assert weights == {
        "compliance": ROLEPLAY_WEIGHT * OFF_FOCUS_FACTOR,
        "empathy": ROLEPLAY_WEIGHT,
    }
    assert ROLEPLAY_WEIGHT < CALL_WEIGHT
    assert {o.source for o in made} == {"roleplay"}


def test_a_scorecard_from_a_quiz_is_refused() -> None:
    with pytest.raises(ObservationError, match=r"not 'quiz'.*from_quiz_attempt"):
        from_scorecard([], source="quiz", source_id="a-1", at=AT)  # type: ignore[arg-type]


def test_a_scorecard_observing_a_skill_twice_is_refused() -> None:
    twice = [SkillObservation("empathy", 0.5, ()), SkillObservation("empathy", 0.6, ())]
    with pytest.raises(ObservationError, match="'empathy' is observed twice in 'call-1'"):
        from_scorecard(twice, source="call", source_id="call-1", at=AT)


def test_a_scorecard_score_out_of_range_is_refused() -> None:
    with pytest.raises(ObservationError, match=r"within 0\.\.1"):
        from_scorecard([SkillObservation("empathy", 87.0, ())], source="call", source_id="c", at=AT)


def test_a_quiz_gives_one_observation_per_skill_with_the_weighted_mean_credit() -> None:
    graded = [
        (Question(skills=("legal_knowledge", "compliance")), 1.0),
        (Question(skills=("legal_knowledge",)), 0.0),
        (Question(skills=("legal_knowledge",)), 0.5),
        # compliance only through the question's rule: counts RULE_TAG
        (Question(skills=(), rules=("US-DEMO.2",)), 0.0),
    ]
    made = from_quiz_attempt(graded, {"US-DEMO.2": ("compliance",)}, source_id="attempt-4", at=AT)
    by_skill = {o.skill: o for o in made}
    assert [o.skill for o in made] == ["compliance", "legal_knowledge"]
    assert by_skill["legal_knowledge"].score == pytest.approx(0.5)
    # the first question tags compliance itself, the last only through its rule
    compliance_questions = DIRECT_TAG + RULE_TAG
    assert by_skill["compliance"].score == pytest.approx(DIRECT_TAG * 1.0 / compliance_questions)
    assert by_skill["compliance"].weight == pytest.approx(quiz_weight(compliance_questions))
    assert by_skill["legal_knowledge"].weight == pytest.approx(quiz_weight(3))
    assert all(o.source == "quiz" and o.source_id == "attempt-4" for o in made)


def test_a_quiz_weighs_more_with_more_questions_but_never_more_than_its_cap() -> None:
    weights = [quiz_weight(n) for n in (1, 2, 5, 10, 40, 1000)]
    assert weights == sorted(weights)
    assert len(set(weights)) == len(weights)
    assert weights[-1] < QUIZ_MAX_WEIGHT
    assert quiz_weight(5) == pytest.approx(QUIZ_MAX_WEIGHT / 2)


def test_a_quiz_accepts_the_real_question_models() -> None:
    question = TrueFalse(
        type="true_false",
        id="us-tf-1",
        topic="disclosure",
        difficulty="easy",
        rules=("US-DEMO.1",),
        skills=("legal_knowledge",),
        prompt="A collector must say the call is an attempt to collect a debt.",
        explanation="The mini-Miranda.",
        citation="15 U.S.C. 1692e(11)",
        answer=True,
    )
    [made] = from_quiz_attempt([(question, 1.0)], {}, source_id="a", at=AT)
    assert (made.skill, made.score) == ("legal_knowledge", 1.0)


def test_a_skill_tagged_directly_and_through_a_rule_counts_once_as_direct() -> None:
    graded = [(Question(skills=("compliance",)), 1.0)]
    [made] = from_quiz_attempt(graded, {"US-DEMO.1": ("compliance",)}, source_id="a", at=AT)
    assert made.weight == pytest.approx(quiz_weight(DIRECT_TAG))


def test_questions_without_skills_and_unmapped_rules_add_nothing() -> None:
    made = from_quiz_attempt([(Question(), 1.0)], {"OTHER.1": ("empathy",)}, source_id="a", at=AT)
    assert made == ()


@pytest.mark.parametrize("credit", [1.5, -0.2, float("nan")])
def test_a_quiz_credit_out_of_range_is_refused_naming_the_question(credit: float) -> None:
    graded = [(Question(skills=("empathy",)), 1.0), (Question(skills=("empathy",)), credit)]
    with pytest.raises(ObservationError, match=r"credit of question 2 must be (within|a finite)"):
        from_quiz_attempt(graded, {}, source_id="a", at=AT)


def test_a_quiz_attempt_at_a_naive_time_is_refused() -> None:
    with pytest.raises(ObservationError, match="timezone-aware"):
        from_quiz_attempt(
            [(Question(skills=("empathy",)), 1.0)], {}, source_id="a", at=datetime(2026, 1, 1)
        )
