"""Practice a coach assigns to a trainee by a date: a role-play scenario, or recording a call
again. An assignment is done when the trainee ends a run of that scenario (or uploads a new
call) after it was assigned; the role-play and call services report those moments here
(:func:`complete_for_run`, :func:`complete_for_call`) inside their own transactions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from sqlalchemy import ColumnElement, select

from coach.catalog.kinds import SCENARIOS
from coach.errors import Conflict, NotFound, ServiceError
from coach.extensions import db
from coach.models import Call, PracticeAssignment, PracticeKind, Role, ScenarioRun, User
from coach.models._columns import as_utc, utcnow
from coach.scenarios.model import Scenario
from coach.services import access, audit
from coach.services.coaching_access import require_coach


@dataclass(frozen=True)
class DuePractice:
    """An open assignment as its trainee sees it."""

    assignment: PracticeAssignment
    title: str
    overdue: bool


def assign_scenario(
    coach: User, person_id: int, scenario_id: str, due_on: date, now: datetime | None = None
) -> PracticeAssignment:
    """Asks ``person_id`` to play ``scenario_id`` by ``due_on`` (today or later)."""
    person = access.visible_user(coach, person_id)
    require_coach(coach, person, "assign practice to this person")
    chosen = _scenario(scenario_id)
    if chosen is None:
        raise ServiceError("Choose a scenario from the role-play library.")
    _check_due(due_on, now)
    _refuse_duplicate(
        PracticeAssignment.person_id == person.id, PracticeAssignment.scenario_id == chosen.id
    )
    row = PracticeAssignment(
        organisation_id=person.organisation_id,
        person_id=person.id,
        kind=PracticeKind.SCENARIO,
        scenario_id=chosen.id,
        due_on=due_on,
        assigned_by_id=coach.id,
    )
    return _save(coach, row)


def assign_rerecord(
    coach: User, call_id: int, due_on: date, now: datetime | None = None
) -> PracticeAssignment:
    """Asks the call's trainee to record it again by ``due_on`` (today or later)."""
    call = db.session.get(Call, call_id)
    if call is None or not access.may_view_user_records(coach, call.owner):
        raise NotFound("No such call.")
    require_coach(coach, call.owner, "ask for this call to be recorded again")
    _check_due(due_on, now)
    _refuse_duplicate(PracticeAssignment.call_id == call.id)
    row = PracticeAssignment(
        organisation_id=call.organisation_id,
        person_id=call.owner_id,
        kind=PracticeKind.RERECORD,
        call_id=call.id,
        due_on=due_on,
        assigned_by_id=coach.id,
    )
    return _save(coach, row)


def cancel(coach: User, assignment_id: int) -> PracticeAssignment:
    """Cancels an open assignment; the row is kept (who asked what, and when)."""
    row = db.session.get(PracticeAssignment, assignment_id)
    if row is None or not access.may_view_user_records(coach, row.person):
        raise NotFound("No such assignment.")
    require_coach(coach, row.person, "cancel this assignment")
    if row.completed_at is not None:
        raise Conflict("This assignment is already done: it cannot be cancelled.")
    if row.cancelled_at is not None:
        raise Conflict("This assignment is already cancelled.")
    row.cancelled_at = utcnow()
    audit.record(coach, "practice.cancelled", "practice_assignment", row.id)
    db.session.commit()
    return row


def due_for(user: User, now: datetime | None = None) -> list[DuePractice]:
    """``user``'s open assignments, soonest due first (for their dashboard)."""
    today = (now or utcnow()).date()
    rows = db.session.scalars(
        select(PracticeAssignment)
        .where(PracticeAssignment.person_id == user.id, *PracticeAssignment.still_open())
        .order_by(PracticeAssignment.due_on, PracticeAssignment.id)
    )
    return [DuePractice(row, title_of(row), row.due_on < today) for row in rows]


def open_for_team(viewer: User) -> list[PracticeAssignment]:
    """Open assignments of the people ``viewer`` coaches (an admin: the organisation's)."""
    query = (
        select(PracticeAssignment)
        .where(PracticeAssignment.organisation_id == viewer.organisation_id)
        .where(*PracticeAssignment.still_open())
        .order_by(PracticeAssignment.due_on, PracticeAssignment.id)
    )
    if not viewer.has_role(Role.ADMIN):
        query = query.where(
            PracticeAssignment.person_id.in_(access.coached_user_ids(viewer) - {viewer.id})
        )
    return list(db.session.scalars(query))


def title_of(row: PracticeAssignment) -> str:
    """What the assignment asks, in words."""
    if row.kind == PracticeKind.SCENARIO:
        found = _scenario(row.scenario_id or "")
        return f"Role-play: {found.title if found else row.scenario_id}"
    call = db.session.get(Call, row.call_id) if row.call_id else None
    return f"Record again: {call.title}" if call else "Record a call again"


def complete_for_run(run: ScenarioRun) -> None:
    """Marks done the owner's open assignments of the run's scenario made before it ended.
    Does not commit: called inside the run's own transaction."""
    ended = as_utc(run.ended_at or utcnow())
    _complete(
        ended,
        PracticeAssignment.person_id == run.owner_id,
        PracticeAssignment.kind == PracticeKind.SCENARIO,
        PracticeAssignment.scenario_id == run.scenario_id,
    )


def complete_for_call(call: Call) -> None:
    """Marks done the owner's open re-recording assignments made before this upload. Does not
    commit: called inside the upload's own transaction."""
    _complete(
        as_utc(call.created_at or utcnow()),
        PracticeAssignment.person_id == call.owner_id,
        PracticeAssignment.kind == PracticeKind.RERECORD,
    )


def _complete(moment: datetime, *where: ColumnElement[bool]) -> None:
    rows = db.session.scalars(
        select(PracticeAssignment).where(*where, *PracticeAssignment.still_open())
    )
    for row in rows:
        if as_utc(row.created_at) <= moment:
            row.completed_at = moment


def _scenario(scenario_id: str) -> Scenario | None:
    """The library's scenario with this id (read from the catalog, not the role-play service,
    which reports finished runs here)."""
    loaded: tuple[Scenario, ...] = current_app.extensions["coach.catalog"].get(SCENARIOS)
    return next((s for s in loaded if s.id == scenario_id), None)


def _check_due(due_on: date | None, now: datetime | None) -> None:
    if due_on is None:
        raise ServiceError("Give the due date as YYYY-MM-DD.")
    if due_on < (now or utcnow()).date():
        raise ServiceError("The due date is in the past: choose today or a later date.")


def _refuse_duplicate(*where: ColumnElement[bool]) -> None:
    found = db.session.scalar(
        select(PracticeAssignment).where(*where, *PracticeAssignment.still_open()).limit(1)
    )
    if found is not None:
        raise Conflict(f"This is already assigned, due {found.due_on.isoformat()}.")


def _save(coach: User, row: PracticeAssignment) -> PracticeAssignment:
    db.session.add(row)
    db.session.flush()
    audit.record(
        coach,
        "practice.assigned",
        "practice_assignment",
        row.id,
        user_id=row.person_id,
        kind=row.kind.value,
        due_on=row.due_on.isoformat(),
    )
    db.session.commit()
    return row
