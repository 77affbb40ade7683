"""Teams: a coach leads each team and trainees are its members."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from coach.errors import NotFound, ServiceError
from coach.extensions import db
from coach.models import Role, Team, TeamMember, User
from coach.services import audit
from coach.services.accounts import get_in_organisation


def list_teams(actor: User) -> list[Team]:
    return list(
        db.session.scalars(
            select(Team)
            .where(Team.organisation_id == actor.organisation_id)
            .options(joinedload(Team.coach))  # every list names the coach: not one query each
            .order_by(func.lower(Team.name))
        )
    )


def count_teams(actor: User) -> int:
    query = select(func.count(Team.id)).where(Team.organisation_id == actor.organisation_id)
    return db.session.scalar(query) or 0


def teams_led_by(coach: User) -> list[Team]:
    return list(
        db.session.scalars(
            select(Team).where(Team.coach_id == coach.id).order_by(func.lower(Team.name))
        )
    )


def get_team(actor: User, team_id: int) -> Team:
    team = db.session.get(Team, team_id)
    if team is None or team.organisation_id != actor.organisation_id:
        raise NotFound("No such team.")
    return team


def create_team(actor: User, name: str, coach_id: int | None) -> Team:
    """Create a team in the actor's organisation, optionally led by a coach."""
    name = name.strip()
    if not name:
        raise ServiceError("Give the team a name.")
    duplicate = db.session.scalar(
        select(Team).where(
            Team.organisation_id == actor.organisation_id,
            func.lower(Team.name) == name.lower(),
        )
    )
    if duplicate is not None:
        raise ServiceError("A team with that name already exists.")
    team = Team(organisation_id=actor.organisation_id, name=name)
    team.coach_id = _checked_coach(actor, coach_id)
    db.session.add(team)
    db.session.flush()
    audit.record(actor, "team_created", "team", team.id, coach_id=team.coach_id)
    db.session.commit()
    return team


def set_coach(actor: User, team_id: int, coach_id: int | None) -> Team:
    team = get_team(actor, team_id)
    team.coach_id = _checked_coach(actor, coach_id)
    audit.record(actor, "team_coach_set", "team", team.id, coach_id=team.coach_id)
    db.session.commit()
    return team


def add_member(actor: User, team_id: int, user_id: int) -> Team:
    """Add a trainee to a team; only accounts holding the trainee role can be members."""
    team = get_team(actor, team_id)
    user = get_in_organisation(actor, user_id)
    if not user.has_role(Role.TRAINEE):
        raise ServiceError(f"{user.name} is not a trainee, so cannot join a team as a member.")
    if any(row.user_id == user.id for row in team.member_rows):
        raise ServiceError(f"{user.name} is already in {team.name}.")
    team.member_rows.append(TeamMember(user_id=user.id))
    audit.record(actor, "team_member_added", "team", team.id, user_id=user.id)
    db.session.commit()
    return team


def remove_member(actor: User, team_id: int, user_id: int) -> Team:
    team = get_team(actor, team_id)
    row = next((r for r in team.member_rows if r.user_id == user_id), None)
    if row is None:
        raise NotFound("That person is not in this team.")
    team.member_rows.remove(row)
    audit.record(actor, "team_member_removed", "team", team.id, user_id=user_id)
    db.session.commit()
    return team


def _checked_coach(actor: User, coach_id: int | None) -> int | None:
    if coach_id is None:
        return None
    coach = get_in_organisation(actor, coach_id)
    if not coach.has_role(Role.COACH):
        raise ServiceError(f"{coach.name} does not hold the coach role.")
    return coach.id
