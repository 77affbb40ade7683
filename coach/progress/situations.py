"""The practice plan (``content/practice_plan.yaml``): rare, high-risk situations and when each
is due again, and the role-plays that rehearse each rule.

A cease request, an attorney, a third party on the line or a vulnerable customer come up
rarely on real calls, so the skill fades between them, and getting one wrong harms the
debtor and the company. Coach brings them back on a widening schedule (a Leitner-style
spacing): each run that meets its objective moves the situation one interval further out;
a failed run brings it back to the first. See ``docs/skill-model.md`` §Recommendations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PositiveInt, StringConstraints

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Situation(BaseModel):
    """One situation: the scenarios that rehearse it and the rules it puts at risk."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
    name: Text
    why: Text
    scenarios: tuple[Text, ...] = Field(min_length=1)
    rules: tuple[Text, ...] = ()


class PracticePlan(BaseModel):
    """The whole file: the spacing in days after 0, 1, 2… good runs, the situations, and
    rule id -> the scenarios that rehearse it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: PositiveInt
    intervals_days: tuple[PositiveInt, ...] = Field(min_length=1)
    situations: tuple[Situation, ...] = Field(min_length=1)
    rehearsals: dict[str, tuple[Text, ...]] = {}


def check_plan(plan: PracticePlan, source: str, context: Any) -> list[str]:
    """Catalog cross-check: every scenario and rule id the plan names exists."""
    scenarios = {s.id for s in context.loaded.get("scenarios", {}).values()}
    rules = {r.id for pack in context.loaded.get("rules", {}).values() for r in pack.rules}
    errors = []
    for index, situation in enumerate(plan.situations):
        at = f"{source}: situations.{index}"
        if "scenarios" not in context.failed:
            errors += [
                f"{at}.scenarios: unknown scenario {s!r}"
                for s in situation.scenarios
                if s not in scenarios
            ]
        if "rules" not in context.failed:
            errors += [
                f"{at}.rules: unknown rule id {r!r}" for r in situation.rules if r not in rules
            ]
    return errors


@dataclass(frozen=True)
class Practice:
    """One ended run of a scenario of the situation: when, and whether it met its objective."""

    at: datetime
    succeeded: bool


@dataclass(frozen=True)
class Due:
    """When ``situation`` should be practised next, and what the schedule is based on."""

    situation: Situation
    due_at: datetime | None  # None: never practised
    last_practised: datetime | None
    good_runs_in_a_row: int


def next_due(situation: Situation, practice: Sequence[Practice], intervals: Sequence[int]) -> Due:
    """The schedule after ``practice`` (any order). After ``n`` good runs in a row the next
    is due ``intervals[n]`` days after the last run (the last interval repeats). A good run
    counts only when it came at least half the scheduled interval after the previous run
    (cramming does not count twice); a failed run starts again at the first interval."""
    step = 0
    previous: datetime | None = None
    for run in sorted(practice, key=lambda p: p.at):
        if not run.succeeded:
            step = 0
        elif previous is None or run.at - previous >= _interval(intervals, step) / 2:
            step += 1
        previous = run.at
    if previous is None:
        return Due(situation, None, None, 0)
    return Due(situation, previous + _interval(intervals, step), previous, step)


def _interval(intervals: Sequence[int], good_runs: int) -> timedelta:
    return timedelta(days=intervals[min(good_runs, len(intervals) - 1)])
