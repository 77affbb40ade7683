"""The coach's heat map (trainees by skills, each cell the gap to target) and the drill-down
into one trainee: their skills with estimates and trends, recent activities and breaches.

The heat map reads the cached skill profiles of every trainee in one query
(``progress.profile_means``: the means only, a cell shows no interval), so it costs the same
for a team of three or thirty, and an administrator's map of every team stays quick.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from coach.extensions import db
from coach.models import Activity, Role, RuleBreach, Team, User
from coach.models._columns import utcnow
from coach.services import access, progress, teams

RECENT_LIMIT = 10


@dataclass(frozen=True)
class Cell:
    """One trainee's standing on one skill: ``gap`` (target - estimate) is None when there
    is not enough evidence yet (``mean`` None) or no target for the skill; ``observed``:
    whether there is any evidence at all."""

    skill_id: str
    observed: bool
    mean: float | None
    target: float | None
    gap: float | None


@dataclass(frozen=True)
class Row:
    person: User
    cells: tuple[Cell, ...]

    @property
    def has_evidence(self) -> bool:
        return any(cell.observed for cell in self.cells)


@dataclass(frozen=True)
class TeamRows:
    team: Team
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class HeatMap:
    skills: Mapping[str, str]  # id -> name, in the taxonomy's order
    teams: tuple[TeamRows, ...]


@dataclass(frozen=True)
class Drilldown:
    person: User
    skills: list[progress.SkillStatus]
    activities: list[Activity]
    breaches: list[tuple[RuleBreach, Activity]]  # each with the activity it happened in


def heat_map(viewer: User, now: datetime | None = None) -> HeatMap:
    """The teams ``viewer`` leads (an admin: every team of the organisation) with one row per
    member and one cell per skill of the taxonomy."""
    now = now or utcnow()
    shown = coached_teams(viewer)
    people = {member.id: member for team in shown for member in team.members}
    means = progress.profile_means(people.keys(), now)
    names = progress.skill_names()
    return HeatMap(
        skills=names,
        teams=tuple(
            TeamRows(
                team,
                tuple(Row(p, _cells(p, means.get(p.id, {}), names)) for p in team.members),
            )
            for team in shown
        ),
    )


def coached_teams(viewer: User) -> list[Team]:
    """The teams ``viewer`` leads; an administrator: every team of the organisation."""
    return teams.list_teams(viewer) if viewer.has_role(Role.ADMIN) else teams.teams_led_by(viewer)


def _cells(
    person: User, means: Mapping[str, float | None], names: Mapping[str, str]
) -> tuple[Cell, ...]:
    targets = progress.targets_for(person)
    cells = []
    for skill_id in names:
        mean, target = means.get(skill_id), targets.get(skill_id)
        gap = target - mean if mean is not None and target is not None else None
        cells.append(Cell(skill_id, skill_id in means, mean, target, gap))
    return tuple(cells)


def drilldown(viewer: User, user_id: int, now: datetime | None = None) -> Drilldown:
    """One person's skills, recent activities and breaches; NotFound for anyone ``viewer``
    may not look at (another team's trainee, another organisation's)."""
    person = access.visible_user(viewer, user_id)
    activities = db.session.scalars(
        select(Activity)
        .where(Activity.person_id == person.id)
        .order_by(Activity.at.desc(), Activity.id.desc())
        .limit(RECENT_LIMIT)
    )
    breaches = db.session.execute(
        select(RuleBreach, Activity)
        .join(Activity, RuleBreach.activity_id == Activity.id)
        .where(RuleBreach.person_id == person.id)
        .order_by(RuleBreach.at.desc(), RuleBreach.id.desc())
        .limit(RECENT_LIMIT)
    )
    return Drilldown(
        person,
        progress.profile(person, now),
        list(activities),
        [(breach, activity) for breach, activity in breaches],
    )
