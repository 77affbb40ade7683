"""Certification assignments: compliance officers assign a program to people and whole teams
with a due date, and cancel what is still open; trainees see what they owe and by when.

An assignment is open until a certificate completes it (``certificates.issue``). Cancelling
deletes the open row rather than flagging it, so every other reader of "open assignments"
(certificate issue, recertification, the attempt cycle) stays right without knowing about
cancellation; the audit log keeps who assigned and who cancelled what, and when.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from coach.errors import Conflict, NotFound, ServiceError
from coach.extensions import db
from coach.models import AssignmentReason, CertificationAssignment, Role, Team, User
from coach.models._columns import utcnow
from coach.quizzes.program import CertificationProgram
from coach.services import access, accounts, audit, certificates, certification, teams

# Who takes calls, and so may be certified: new executives and the senior ones who coach them.
COLLECTORS = (Role.TRAINEE, Role.COACH)


@dataclass(frozen=True)
class Skipped:
    """Someone an assignment left out, and why (shown to the officer)."""

    user: User
    reason: str


@dataclass(frozen=True)
class AssignOutcome:
    """What an assignment did: the rows it created and the people it skipped."""

    created: list[CertificationAssignment] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


@dataclass(frozen=True)
class DueAssignment:
    """An open assignment as its trainee sees it."""

    program_id: str
    title: str
    due_on: date
    overdue: bool
    recertification: bool


def assign(
    officer: User,
    program_id: str,
    due_on: date,
    user_ids: list[int],
    team_ids: list[int],
    now: datetime | None = None,
) -> AssignOutcome:
    """Assigns the program to each chosen trainee and every current member of each chosen
    team (``team_id`` kept, for reports); people who already have it open (unless they used
    all their attempts: then the new assignment replaces it and gives a fresh round), hold a
    valid certificate of it, or are inactive are skipped with the reason. Every assignment
    is audited."""
    now = now or utcnow()
    access.require_compliance(officer, "manage certification assignments")
    chosen = _program(program_id)
    if due_on < now.date():
        raise ServiceError("The due date is in the past: choose today or a later date.")
    targets = _targets(officer, user_ids, team_ids)
    if not targets:
        raise ServiceError("Choose at least one person or team to assign the program to.")
    outcome = AssignOutcome()
    for person, team_id in targets:
        reason = _why_skip(person, chosen, now)
        if reason:
            outcome.skipped.append(Skipped(person, reason))
            continue
        _supersede(officer, person, chosen, now)
        assignment = CertificationAssignment(
            organisation_id=officer.organisation_id,
            user_id=person.id,
            program_id=chosen.id,
            due_on=due_on,
            reason=AssignmentReason.ASSIGNED,
            team_id=team_id,
            assigned_by_id=officer.id,
            created_at=now,
        )
        db.session.add(assignment)
        db.session.flush()
        audit.record(
            officer,
            "certification.assigned",
            "certification_assignment",
            assignment.id,
            program=chosen.id,
            user_id=person.id,
            team_id=team_id,
            due_on=due_on.isoformat(),
        )
        outcome.created.append(assignment)
    db.session.commit()
    return outcome


def cancel(officer: User, assignment_id: int) -> None:
    """Cancels an open assignment (its trainee no longer owes the program); the row stays, so
    the history of who owed what is kept, and a completed one cannot be cancelled."""
    access.require_compliance(officer, "manage certification assignments")
    assignment = db.session.get(CertificationAssignment, assignment_id)
    if assignment is None or assignment.organisation_id != officer.organisation_id:
        raise NotFound("No such assignment.")
    if assignment.completed_at is not None:
        raise Conflict("This assignment was completed with a certificate: it cannot be cancelled.")
    if assignment.cancelled_at is not None:
        raise Conflict("This assignment is already cancelled.")
    audit.record(
        officer,
        "certification.assignment_cancelled",
        "certification_assignment",
        assignment.id,
        program=assignment.program_id,
        user_id=assignment.user_id,
        team_id=assignment.team_id,
        due_on=assignment.due_on.isoformat(),
    )
    assignment.cancelled_at = utcnow()
    db.session.commit()


def open_in_organisation(officer: User, program_id: str = "") -> list[CertificationAssignment]:
    """The organisation's open assignments (of one program, when given), soonest due first."""
    access.require_compliance(officer, "manage certification assignments")
    query = select(CertificationAssignment).where(
        CertificationAssignment.organisation_id == officer.organisation_id,
        *CertificationAssignment.still_open(),
    )
    if program_id:
        query = query.where(CertificationAssignment.program_id == program_id)
    order = (CertificationAssignment.due_on, CertificationAssignment.id)
    # The list names each person: loaded with the rows, not one query per person.
    query = query.options(joinedload(CertificationAssignment.user))
    return list(db.session.scalars(query.order_by(*order)))


def due_for(user: User, today: date | None = None) -> list[DueAssignment]:
    """``user``'s open assignments, soonest due first, for their dashboard."""
    today = today or utcnow().date()
    rows = db.session.scalars(
        select(CertificationAssignment)
        .where(
            CertificationAssignment.user_id == user.id,
            *CertificationAssignment.still_open(),
        )
        .order_by(CertificationAssignment.due_on, CertificationAssignment.id)
    )
    titles = program_titles()
    return [
        DueAssignment(
            program_id=row.program_id,
            title=titles.get(row.program_id, row.program_id),
            due_on=row.due_on,
            overdue=row.due_on < today,
            recertification=row.reason == AssignmentReason.RECERTIFICATION,
        )
        for row in rows
    ]


def program_titles() -> dict[str, str]:
    """Each loaded program's title, by id (a program since removed keeps showing its id)."""
    return {chosen.id: chosen.title for chosen in certification.programs()}


def assignable_people(officer: User) -> list[User]:
    """Who an officer can pick one by one: the organisation's active collectors."""
    access.require_compliance(officer, "manage certification assignments")
    return [
        person
        for person in accounts.list_users(officer)
        if person.active and person.has_role(*COLLECTORS)
    ]


def _program(program_id: str) -> CertificationProgram:
    try:
        return certification.program(program_id)
    except NotFound:
        raise ServiceError(f"There is no certification program called {program_id!r}.") from None


def _targets(
    officer: User, user_ids: list[int], team_ids: list[int]
) -> list[tuple[User, int | None]]:
    """Each person once, with the team they were chosen through (teams first, so a person
    picked both ways is counted with their team)."""
    found: dict[int, tuple[User, int | None]] = {}
    for team_id in team_ids:
        team = _team(officer, team_id)
        for member in team.members:
            found.setdefault(member.id, (member, team.id))
    for user_id in user_ids:
        person = _person(officer, user_id)
        found.setdefault(person.id, (person, None))
    return list(found.values())


def _team(officer: User, team_id: int) -> Team:
    try:
        return teams.get_team(officer, team_id)
    except NotFound:
        raise ServiceError("One of the chosen teams does not exist.") from None


def _person(officer: User, user_id: int) -> User:
    try:
        person = accounts.get_in_organisation(officer, user_id)
    except NotFound:
        raise ServiceError("One of the chosen people does not exist.") from None
    if not person.active or not person.has_role(*COLLECTORS):
        raise ServiceError(
            f"{person.name} is not an active collector (a trainee or a coach who takes calls)."
        )
    return person


def _why_skip(person: User, chosen: CertificationProgram, now: datetime) -> str:
    if not person.active:
        return "their account is inactive"
    already = certificates.open_assignments(person.id, chosen.id)
    if already and not _out_of_attempts(person, chosen, now):
        due = min(a.due_on for a in already).strftime("%d %b %Y")
        return f"already assigned, due {due}"
    held = certificates.current_certificate(person, chosen.id, now)
    if held is not None:
        return f"already certified until {held.expires_at.strftime('%d %b %Y')}"
    return ""


def _out_of_attempts(person: User, chosen: CertificationProgram, now: datetime) -> bool:
    return certification.eligibility(person, chosen, now).attempts_left == 0


def _supersede(officer: User, person: User, chosen: CertificationProgram, now: datetime) -> None:
    """Cancels the open assignments a new one replaces (kept, marked cancelled, audited)."""
    for old in certificates.open_assignments(person.id, chosen.id):
        old.cancelled_at = now
        audit.record(
            officer,
            "certification.assignment_superseded",
            "certification_assignment",
            old.id,
            program=chosen.id,
            user_id=person.id,
        )
