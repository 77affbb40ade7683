"""Skill observations: one piece of evidence about one skill, from a call, a role-play or a quiz.

Every source speaks the same language here (a 0..1 score with a weight and a time), so the
estimate never needs to know where evidence came from. The weights say how much one piece of
evidence is worth against a real call (1.0); ``docs/skill-model.md`` explains the choices.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol, get_args

Source = Literal["call", "roleplay", "quiz"]
SOURCES: tuple[Source, ...] = get_args(Source)
ScorecardSource = Literal["call", "roleplay"]

# A real call with a real debtor is the evidence the model is calibrated to.
CALL_WEIGHT = 1.0
# A role-play: the same scorecard, but a scripted debtor and no stakes.
ROLEPLAY_WEIGHT = 0.5
# A skill the scenario was not written to exercise is only touched in passing.
OFF_FOCUS_FACTOR = 0.5
SCORECARD_WEIGHTS: Mapping[ScorecardSource, float] = {
    "call": CALL_WEIGHT,
    "roleplay": ROLEPLAY_WEIGHT,
}

# A quiz: weight = QUIZ_MAX_WEIGHT * n / (n + QUIZ_HALF_QUESTIONS), n = the questions tagging
# the skill (rule-tagged ones count RULE_TAG). Knowing is not doing, and questions of one
# sitting are not independent, so a quiz approaches two calls' worth and never exceeds it.
QUIZ_MAX_WEIGHT = 2.0
QUIZ_HALF_QUESTIONS = 5.0
DIRECT_TAG = 1.0
# A skill reached only through a question's rule is tested less directly.
RULE_TAG = 0.5


class ObservationError(ValueError):
    """Evidence that cannot be used: a score out of range, an unknown source, a naive time."""


def _finite(value: float, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ObservationError(f"{what} must be a finite number, got {value!r}")
    return float(value)


def _unit_interval(value: float, what: str) -> float:
    if not 0.0 <= _finite(value, what) <= 1.0:
        raise ObservationError(f"{what} must be within 0..1, got {value!r}")
    return float(value)


def require_aware(at: datetime, what: str) -> datetime:
    """Times are compared across sources and the database; a naive one would be ambiguous."""
    if not isinstance(at, datetime) or at.tzinfo is None or at.utcoffset() is None:
        raise ObservationError(f"{what} must be a timezone-aware datetime, got {at!r}")
    return at


@dataclass(frozen=True)
class Observation:
    """One piece of evidence about one skill: ``score`` 0..1 counting ``weight`` calls' worth."""

    skill: str
    score: float
    weight: float
    source: Source
    source_id: str
    at: datetime

    def __post_init__(self) -> None:
        if not isinstance(self.skill, str) or not self.skill:
            raise ObservationError(f"skill must be a non-empty skill id, got {self.skill!r}")
        _unit_interval(self.score, f"score of {self.skill!r}")
        if _finite(self.weight, "weight") <= 0:
            raise ObservationError(f"weight must be > 0, got {self.weight!r}")
        if self.source not in SOURCES:
            raise ObservationError(
                f"unknown source {self.source!r}: expected one of {', '.join(SOURCES)}"
            )
        if not isinstance(self.source_id, str) or not self.source_id:
            raise ObservationError("source_id must name the call, run or attempt")
        require_aware(self.at, "at")


class ScoredSkill(Protocol):
    """What a scorecard says about a skill (``coach.scoring.result.SkillObservation``)."""

    @property
    def skill(self) -> str: ...

    @property
    def score(self) -> float: ...


class TaggedQuestion(Protocol):
    """What a quiz question says it tests (``coach.quizzes.model`` questions)."""

    @property
    def skills(self) -> Sequence[str]: ...

    @property
    def rules(self) -> Sequence[str]: ...


def from_scorecard(
    observed: Iterable[ScoredSkill],
    *,
    source: ScorecardSource,
    source_id: str,
    at: datetime,
    focus: Collection[str] | None = None,
) -> tuple[Observation, ...]:
    """A scored call's or role-play run's skill observations, weighted by their source.

    ``focus``: the skills a role-play scenario is tagged with; the scorecard's other skills
    count ``OFF_FOCUS_FACTOR`` as much. ``None`` (a call) weighs every skill alike.
    """
    if source not in SCORECARD_WEIGHTS:
        raise ObservationError(
            f"a scorecard comes from a call or a role-play run, not {source!r}"
            " (a quiz attempt goes through from_quiz_attempt)"
        )
    base = SCORECARD_WEIGHTS[source]
    observations: list[Observation] = []
    seen: set[str] = set()
    for item in observed:
        if item.skill in seen:
            raise ObservationError(f"skill {item.skill!r} is observed twice in {source_id!r}")
        seen.add(item.skill)
        weight = base if focus is None or item.skill in focus else base * OFF_FOCUS_FACTOR
        observations.append(Observation(item.skill, item.score, weight, source, source_id, at))
    return tuple(observations)


def quiz_weight(questions: float) -> float:
    """How many calls' worth a quiz is for a skill ``questions`` (tag-weighted) questions test."""
    return QUIZ_MAX_WEIGHT * questions / (questions + QUIZ_HALF_QUESTIONS)


def _tag_weights(
    question: TaggedQuestion, rule_skills: Mapping[str, Collection[str]]
) -> dict[str, float]:
    """Skill -> how directly ``question`` tests it (its own tag beats one through a rule)."""
    weights = {skill: RULE_TAG for rule in question.rules for skill in rule_skills.get(rule, ())}
    weights.update(dict.fromkeys(question.skills, DIRECT_TAG))
    return weights


def from_quiz_attempt(
    graded: Iterable[tuple[TaggedQuestion, float]],
    rule_skills: Mapping[str, Collection[str]],
    *,
    source_id: str,
    at: datetime,
) -> tuple[Observation, ...]:
    """One observation per skill the attempt's questions test, in skill order.

    ``graded``: each question of the paper with the credit (0..1) it earned; ``rule_skills``:
    rule id -> the skills that rule exercises (rules missing from it add no skills). The
    score is the tag-weighted mean credit of the questions testing the skill.
    """
    totals: dict[str, float] = {}
    credits: dict[str, float] = {}
    for number, (question, credit) in enumerate(graded, start=1):
        earned = _unit_interval(credit, f"credit of question {number}")
        for skill, tag in _tag_weights(question, rule_skills).items():
            totals[skill] = totals.get(skill, 0.0) + tag
            credits[skill] = credits.get(skill, 0.0) + tag * earned
    return tuple(
        Observation(
            skill,
            min(1.0, credits[skill] / totals[skill]),
            quiz_weight(totals[skill]),
            "quiz",
            source_id,
            at,
        )
        for skill in sorted(totals)
    )
