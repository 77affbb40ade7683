"""What each role's dashboard shows, gathered in one place per role."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from coach.extensions import db
from coach.models import Activity, AuditEntry, Certificate, Role, Team, TeamMember, User
from coach.services import (
    accounts,
    assignments,
    certificates,
    certification_reports,
    compliance_reports,
    practice_assignments,
    progress,
    teams,
)
from coach.services.assignments import DueAssignment
from coach.services.certification_reports import ProgramSummary
from coach.services.compliance_reports import RuleCount
from coach.services.practice_assignments import DuePractice

# The dashboard's "rules broken" card looks back this far (the rules page offers other spans).
TOP_RULES_DAYS = 30


@dataclass(frozen=True)
class MyTeam:
    """A team a trainee is in, as their dashboard names it."""

    name: str
    coach_name: str | None


@dataclass(frozen=True)
class TraineeOverview:
    teams: list[MyTeam]
    assignments: list[DueAssignment]
    practice: list[DuePractice]
    recent: list[Activity]
    certificates: list[Certificate]


@dataclass(frozen=True)
class CoachOverview:
    teams: list[Team]


@dataclass(frozen=True)
class ComplianceOverview:
    people_by_role: dict[Role, int]
    active_people: int
    certification: list[ProgramSummary]
    top_rules: list[RuleCount]
    calls_scored: int


@dataclass(frozen=True)
class AdminOverview:
    users: int
    teams: int
    recent: list[AuditEntry]


def trainee_overview(user: User) -> TraineeOverview:
    # Names only: loading the Team objects would load every member of the team with them.
    rows = db.session.execute(
        select(Team.name, User.name)
        .join(TeamMember, TeamMember.team_id == Team.id)
        .outerjoin(User, User.id == Team.coach_id)
        .where(TeamMember.user_id == user.id)
        .order_by(Team.name)
    )
    return TraineeOverview(
        teams=[MyTeam(team, coach) for team, coach in rows],
        assignments=assignments.due_for(user),
        practice=practice_assignments.due_for(user),
        recent=progress.recent_activities(user),
        certificates=certificates.certificates_of(user),
    )


def coach_overview(user: User) -> CoachOverview:
    return CoachOverview(teams=teams.teams_led_by(user))


def compliance_overview(user: User) -> ComplianceOverview:
    active_people, by_role = accounts.active_people_by_role(user)
    top = compliance_reports.top_rules(user, TOP_RULES_DAYS)
    return ComplianceOverview(
        people_by_role=by_role,
        active_people=active_people,
        certification=certification_reports.program_summaries(user),
        top_rules=top.rules[:3],
        calls_scored=top.calls_scored,
    )


def admin_overview(user: User, recent_limit: int = 10) -> AdminOverview:
    return AdminOverview(
        users=accounts.count_users(user),
        teams=teams.count_teams(user),
        recent=recent_audit(user, recent_limit),
    )


def recent_audit(user: User, limit: int = 50) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.organisation_id == user.organisation_id)
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .limit(limit)
        )
    )


def actor_names(entries: list[AuditEntry]) -> dict[int, str]:
    """Names of the actors of ``entries``, for showing the audit log."""
    ids = {entry.actor_id for entry in entries if entry.actor_id is not None}
    if not ids:
        return {}
    return {user.id: user.name for user in db.session.scalars(select(User).where(User.id.in_(ids)))}
