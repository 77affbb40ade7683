"""Who may see which records: the one place that scopes queries by the viewer's roles.

A trainee sees only their own records, a coach the records of the trainees in the teams they
lead, a compliance officer and an admin everything in the organisation. Seeing is not
changing: a compliance officer reads every call, run and transcript (to audit and calibrate)
but edits, re-scores, reviews and deletes nothing, so write paths ask
:func:`may_change_user_records`, never the read checks. Views and services ask here rather
than re-deriving these rules.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import InstrumentedAttribute

from coach.errors import Forbidden, NotFound
from coach.extensions import db
from coach.models import Role, Team, TeamMember, User


def coached_user_ids(viewer: User) -> set[int]:
    """Ids of the trainees in every team ``viewer`` leads."""
    rows = db.session.scalars(
        select(TeamMember.user_id).join(Team).where(Team.coach_id == viewer.id)
    )
    return set(rows)


def visible_user_ids(viewer: User) -> set[int] | None:
    """Ids whose personal records (calls, progress) ``viewer`` may see; None means all in org."""
    if viewer.has_role(Role.COMPLIANCE):
        return None
    return changeable_user_ids(viewer)


def owned_by(
    organisation: InstrumentedAttribute[int],
    owner: InstrumentedAttribute[int],
    organisation_id: int,
    visible: Collection[int] | None,
) -> ColumnElement[bool]:
    """The condition for rows owned by the ``visible`` people (None: the organisation's).

    Visible people are always the viewer's organisation's (:func:`visible_user_ids`), so
    their ids alone scope the rows: naming the organisation as well leads SQLite's planner to
    the organisation's index, thousands of rows of everyone, rather than the people's.
    """
    return organisation == organisation_id if visible is None else owner.in_(visible)


def changeable_user_ids(viewer: User) -> set[int] | None:
    """Ids whose records ``viewer`` may act on (edit a transcript, re-score, review): their
    own, their team's as a coach, everyone's in the organisation as an admin (None)."""
    if viewer.has_role(Role.ADMIN):
        return None
    changeable = {viewer.id}
    if viewer.has_role(Role.COACH):
        changeable |= coached_user_ids(viewer)
    return changeable


def may_view_user_records(viewer: User, subject: User) -> bool:
    """True when ``viewer`` may open ``subject``'s practice records (read only)."""
    return _within(visible_user_ids(viewer), viewer, subject)


def may_change_user_records(viewer: User, subject: User) -> bool:
    """True when ``viewer`` may act on ``subject``'s records (not a compliance officer's read)."""
    return _within(changeable_user_ids(viewer), viewer, subject)


def _within(ids: set[int] | None, viewer: User, subject: User) -> bool:
    if subject.organisation_id != viewer.organisation_id:
        return False
    return ids is None or subject.id in ids


def may_view_compliance_data(viewer: User) -> bool:
    """Organisation-wide compliance figures: compliance officers and admins."""
    return viewer.has_role(Role.COMPLIANCE, Role.ADMIN)


def may_view_practice_record(viewer: User, owner: User, organisation_id: int) -> bool:
    """A practice record (a role-play run, a quiz attempt, a certificate) of ``owner``'s in
    ``organisation_id``: its owner, their coach, compliance officers and admins may see it."""
    if organisation_id != viewer.organisation_id:
        return False
    return may_view_compliance_data(viewer) or may_view_user_records(viewer, owner)


def require_compliance(viewer: User, doing: str) -> None:
    """Refuses ``viewer`` unless a compliance officer or admin: "Only … can ``doing``."."""
    if not may_view_compliance_data(viewer):
        raise Forbidden(f"Only compliance officers and administrators can {doing}.")


def visible_user(viewer: User, user_id: int) -> User:
    """The user ``viewer`` may look at, else :class:`NotFound` (existence is not revealed)."""
    subject = db.session.get(User, user_id)
    if subject is None or not may_view_user_records(viewer, subject):
        raise NotFound("No such person.")
    return subject
