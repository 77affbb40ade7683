"""What the API reads, scoped to the token owner's view of the organisation.

A token acts as its user, with ``access.visible_user_ids``: a trainee sees their own records,
a coach theirs and their teams' trainees', a compliance officer or an administrator the whole
organisation. Lists page by id
(``after`` the last id seen), which stays stable while new rows arrive.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, and_, select

from coach.extensions import db
from coach.models import Activity, ActivityKind, Certificate, Team, TeamMember, User
from coach.models._columns import utcnow
from coach.services import access
from coach.services.certificates import CertificateStatus

T = TypeVar("T", covariant=True)


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list; ``after`` is the cursor of the next page (None: this is the last)."""

    items: Sequence[T]
    after: int | None


@dataclass(frozen=True)
class Membership:
    team_id: int
    name: str
    role: str  # "trainee" (a member) or "coach" (leads it)


def person(viewer: User, person_id: int) -> User:
    """The person if ``viewer`` may see them, else NotFound (existence is not revealed)."""
    return access.visible_user(viewer, person_id)


def people(viewer: User, after: int | None, limit: int) -> Page[User]:
    query = _scoped(select(User), User.organisation_id, User.id, viewer)
    return _page(query, User.id, after, limit)


def memberships(person_ids: Collection[int]) -> dict[int, list[Membership]]:
    """Each person's teams, as a trainee in it or as its coach, in two queries."""
    found: dict[int, list[Membership]] = defaultdict(list)
    members = db.session.execute(
        select(TeamMember.user_id, Team.id, Team.name)
        .join(Team)
        .where(TeamMember.user_id.in_(person_ids))
    )
    for user_id, team_id, name in members:
        found[user_id].append(Membership(team_id, name, "trainee"))
    led = db.session.execute(
        select(Team.coach_id, Team.id, Team.name).where(Team.coach_id.in_(person_ids))
    )
    for coach_id, team_id, name in led:
        if coach_id is not None:  # always, given the filter; for the type checker
            found[coach_id].append(Membership(team_id, name, "coach"))
    return {key: sorted(value, key=lambda m: m.team_id) for key, value in found.items()}


def activities(
    viewer: User,
    *,
    person_id: int | None,
    kind: ActivityKind | None,
    since: datetime | None,
    until: datetime | None,
    after: int | None,
    limit: int,
) -> Page[Activity]:
    query = _scoped(select(Activity), Activity.organisation_id, Activity.person_id, viewer)
    if person_id is not None:
        query = query.where(Activity.person_id == person(viewer, person_id).id)
    if kind is not None:
        query = query.where(Activity.kind == kind)
    if since is not None:
        query = query.where(Activity.at >= since)
    if until is not None:
        query = query.where(Activity.at < until)
    return _page(query, Activity.id, after, limit)


def certificates(
    viewer: User,
    *,
    person_id: int | None,
    status: CertificateStatus | None,
    after: int | None,
    limit: int,
) -> Page[Certificate]:
    query = _scoped(select(Certificate), Certificate.organisation_id, Certificate.user_id, viewer)
    if person_id is not None:
        query = query.where(Certificate.user_id == person(viewer, person_id).id)
    if status is not None:
        query = query.where(status_clause(status, utcnow()))
    return _page(query, Certificate.id, after, limit)


def status_clause(status: CertificateStatus, now: datetime) -> ColumnElement[bool]:
    """SQL for ``certificates.status_of(c, now) == status`` (a test holds them together)."""
    revoked = Certificate.revoked_at.is_not(None)
    flagged = Certificate.recertify_since.is_not(None)
    expired = Certificate.expires_at <= now
    return {
        CertificateStatus.REVOKED: revoked,
        CertificateStatus.RECERTIFY: and_(~revoked, flagged),
        CertificateStatus.EXPIRED: and_(~revoked, ~flagged, expired),
        CertificateStatus.VALID: and_(~revoked, ~flagged, ~expired),
    }[status]


def _scoped(query: Select[Any], organisation: Any, owner: Any, viewer: User) -> Select[Any]:
    visible = access.visible_user_ids(viewer)
    return query.where(access.owned_by(organisation, owner, viewer.organisation_id, visible))


def _page(query: Select[Any], key: Any, after: int | None, limit: int) -> Page[Any]:
    if after is not None:
        query = query.where(key > after)
    rows = list(db.session.scalars(query.order_by(key).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, rows[-1].id if more else None)
