"""Targets per level (``content/skill_targets.yaml``) and the gap between them and estimates.

A gap is ``target - mean`` for a skill with enough evidence. A skill without enough evidence
is listed as such, never as a gap: with no evidence the honest answer is "we don't know yet",
not "the whole target is missing".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, PositiveInt, model_validator

from coach.progress.estimate import SkillEstimate
from coach.progress.taxonomy import SkillId

Level = Literal["new", "senior"]
LEVELS: tuple[Level, ...] = get_args(Level)

# Strict: a quoted "0.7" or a `true` is a typo, not a target.
Target = Annotated[float, Field(ge=0.0, le=1.0, strict=True)]
LevelTargets = Annotated[dict[SkillId, Target], Field(min_length=1)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Levels(_Frozen):
    """Targets per skill id for each level of executive."""

    new: LevelTargets
    senior: LevelTargets

    @model_validator(mode="after")
    def _senior_at_least_new(self) -> Levels:
        """A senior executive is expected to do at least what a new one does."""
        lower = [
            f"{skill} ({self.senior[skill]} < {target})"
            for skill, target in self.new.items()
            if skill in self.senior and self.senior[skill] < target
        ]
        if lower:
            raise ValueError(f"senior targets below the new ones: {', '.join(lower)}")
        return self


class SkillTargets(_Frozen):
    """The whole targets file."""

    version: PositiveInt
    levels: Levels

    def for_level(self, level: str) -> Mapping[str, float]:
        """Skill id -> target (0..1) for ``level``; ``ValueError`` for an unknown level."""
        if level not in LEVELS:
            raise ValueError(f"unknown level {level!r}: expected one of {', '.join(LEVELS)}")
        targets: Mapping[str, float] = getattr(self.levels, level)
        return targets


def check_targets(targets: SkillTargets, source: str, context: Any) -> list[str]:
    """Catalog cross-check: every skill id exists in skills.yaml.

    ``context`` is the catalog's ``CheckContext`` (typed loosely: progress must not import it).
    """
    refs = {
        f"levels.{level}.{skill}": skill for level in LEVELS for skill in targets.for_level(level)
    }
    errors: list[str] = context.unknown_skills(source, refs)
    return errors


@dataclass(frozen=True)
class SkillGap:
    """How far a skill is below its target (negative: above it).

    ``gap`` is ``None`` when the estimate lacks enough evidence; ``estimate`` is ``None``
    when the skill was never observed.
    """

    skill: str
    target: float
    gap: float | None
    estimate: SkillEstimate | None

    @property
    def enough(self) -> bool:
        """Whether there is enough evidence to state a gap."""
        return self.gap is not None


def gaps(
    estimates: Mapping[str, SkillEstimate], targets: SkillTargets, level: str
) -> tuple[SkillGap, ...]:
    """Every targeted skill of ``level``: gaps largest first, then the skills lacking
    evidence (by id). Estimated skills without a target are not gaps of this level."""
    result = []
    for skill, target in targets.for_level(level).items():
        found = estimates.get(skill)
        gap = target - found.mean if found is not None and found.enough else None
        result.append(SkillGap(skill, target, gap, found))
    return tuple(sorted(result, key=_largest_first))


def _largest_first(gap: SkillGap) -> tuple[bool, float, str]:
    """Gaps before unknowns, larger before smaller (equal up to float noise: by id)."""
    return (gap.gap is None, -round(gap.gap or 0.0, 9), gap.skill)
