"""The schema of a certification program (``content/certifications/<id>.yaml``): which questions
an attempt draws, how it is timed and marked, how long the certificate lasts, and which rule
packs it certifies (a new major version of one of them asks holders to recertify)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from coach.quizzes.model import SEMVER, SLUG, Difficulty, Jurisdiction

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
# When a trainee may see the right answers and explanations of a submitted attempt.
Review = Literal["after_submit", "after_pass", "never"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Pool(_Frozen):
    """Where ``draw`` questions of an attempt come from: the named banks, narrowed by topics
    and difficulties when given (empty: any)."""

    title: Text
    banks: tuple[str, ...] = Field(min_length=1)
    topics: tuple[str, ...] = ()
    difficulty: tuple[Difficulty, ...] = ()
    draw: int = Field(ge=1)


class Prerequisites(_Frozen):
    """What a trainee must have done before the first attempt."""

    scenarios: tuple[str, ...] = ()


class CertificationProgram(_Frozen):
    """One certification: its pools, timing, marking, validity and what it certifies."""

    id: str = Field(pattern=SLUG)
    version: str = Field(pattern=SEMVER)
    title: Text
    summary: Text
    jurisdiction: Jurisdiction
    pools: tuple[Pool, ...] = Field(min_length=1)
    shuffle_options: bool = True
    time_limit_minutes: int = Field(ge=1, le=480)
    pass_mark: int = Field(ge=1, le=100, description="percent of the marks")
    attempts_allowed: int = Field(ge=1)
    cooldown_hours: int = Field(default=0, ge=0)
    valid_for_days: int = Field(ge=1)
    review: Review = "after_submit"
    prerequisites: Prerequisites = Prerequisites()
    rule_packs: tuple[str, ...] = Field(min_length=1)

    @property
    def questions_per_attempt(self) -> int:
        """How many questions every attempt has."""
        return sum(pool.draw for pool in self.pools)
