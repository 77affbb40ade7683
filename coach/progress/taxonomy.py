"""Schema of ``content/skills.yaml``: the skills every other content file's tags refer to."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PositiveInt,
    StringConstraints,
    field_validator,
)

_SNAKE_CASE = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")


def _snake_case(value: str) -> str:
    if not _SNAKE_CASE.fullmatch(value):
        raise ValueError(
            f"{value!r} is not a valid id: use lower-case words joined by underscores,"
            " e.g. active_listening"
        )
    return value


SkillId = Annotated[str, AfterValidator(_snake_case)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Skill(BaseModel):
    """One trainable skill and the observable behaviours a coach looks for."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: SkillId
    name: Text
    description: Text
    behaviours: tuple[Text, ...] = Field(min_length=1)
    practice: tuple[Text, ...] = ()


class SkillTaxonomy(BaseModel):
    """The whole skills file; ids and names are unique so tags and reports are unambiguous."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: PositiveInt
    skills: tuple[Skill, ...] = Field(min_length=1)

    @field_validator("skills")
    @classmethod
    def _unique_ids_and_names(cls, skills: tuple[Skill, ...]) -> tuple[Skill, ...]:
        problems = []
        for field in ("id", "name"):
            positions: defaultdict[str, list[str]] = defaultdict(list)
            for index, skill in enumerate(skills):
                positions[getattr(skill, field)].append(f"skills.{index}")
            problems += [
                f"duplicate skill {field} {value!r} at {', '.join(at)}"
                for value, at in positions.items()
                if len(at) > 1
            ]
        if problems:
            raise ValueError("; ".join(problems))
        return skills

    @property
    def ids(self) -> frozenset[str]:
        """Every skill id, for checking the tags in other content files."""
        return frozenset(skill.id for skill in self.skills)

    def get(self, skill_id: str) -> Skill:
        """The skill with ``skill_id``; ``KeyError`` when there is none."""
        for skill in self.skills:
            if skill.id == skill_id:
                return skill
        raise KeyError(skill_id)
