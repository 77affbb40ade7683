"""A scorecard as a coach corrected it: dimension scores overridden, total and skills redone.

The stored scorecard is never changed (the original stays what the engine said); this gives
the numbers the progress model and the lists use instead. The total is recomputed with the
weights the scorecard was made with. Its cap (a critical breach limits the total) still holds
unless the coach overrode the compliance dimension itself: then the coach's judgement of
compliance replaces the engine's, findings and cap included.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from coach.scoring.result import DIMENSIONS


class OverrideError(ValueError):
    """An override that cannot apply: an unknown dimension, a score out of 0..100, or a
    dimension the engine could not judge on this call."""


@dataclass(frozen=True)
class EffectiveCard:
    """The numbers to use: the total (0..100 or None) and skill id -> score 0..1."""

    total: float | None
    skills: dict[str, float]


def check_override(data: Mapping[str, Any], dimension: str, score: int) -> None:
    """Refuses an override that cannot apply to the scorecard ``data``."""
    if dimension not in DIMENSIONS:
        raise OverrideError(f"Unknown dimension {dimension!r}: use one of {', '.join(DIMENSIONS)}.")
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 100:
        raise OverrideError("An override score is a whole number from 0 to 100.")
    if data.get("dimensions", {}).get(dimension) is None:
        raise OverrideError(
            f"Coach could not judge {dimension} on this call, so there is no score to override;"
            " leave a comment on the transcript instead."
        )


def overridden_card(
    data: Mapping[str, Any],
    overrides: Mapping[str, int],
    skill_dimensions: Mapping[str, Sequence[str]] | None,
) -> EffectiveCard:
    """``data`` (``Scorecard.to_json_dict()``) with ``overrides`` applied.

    ``skill_dimensions``: the scorecard definition's skill -> dimensions, to redo the skill
    scores; ``None`` keeps the engine's skill scores (the definition is gone).
    """
    original_skills = {o["skill"]: float(o["score"]) for o in data.get("skill_observations", [])}
    if not overrides:
        return EffectiveCard(data.get("total"), original_skills)
    for dimension, score in overrides.items():
        check_override(data, dimension, score)
    scores: dict[str, float | None] = {**data["dimensions"], **overrides}
    weights = {
        d: float(detail.get("weight", 0.0)) for d, detail in data["dimension_details"].items()
    }
    total: float = round(sum(weights[d] * (s or 0) for d, s in scores.items() if s is not None))
    cap = data.get("cap")
    if cap and "compliance" not in overrides:
        total = min(total, cap["max_total"])
    return EffectiveCard(total, _skills(original_skills, scores, skill_dimensions))


def _skills(
    original: dict[str, float],
    scores: Mapping[str, float | None],
    skill_dimensions: Mapping[str, Sequence[str]] | None,
) -> dict[str, float]:
    if skill_dimensions is None:
        return original
    redone = {}
    for skill, engine_score in original.items():
        judged = [scores[d] for d in skill_dimensions.get(skill, ()) if scores.get(d) is not None]
        redone[skill] = (
            round(sum(s for s in judged if s is not None) / (100 * len(judged)), 3)
            if judged
            else engine_score
        )
    return redone
