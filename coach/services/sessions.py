"""Server-side sign-in sessions: the cookie carries a random id, the database its hash.

Every request resumes its session here, so ending a session (sign-out, password change, an
admin's reset or deactivation) takes effect at once, even for a cookie copied elsewhere.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, or_, select, update

from coach.extensions import db
from coach.models import User, UserSession
from coach.models._columns import as_utc, utcnow

# last_seen_at is written at most this often, so a busy page does not write on every request.
_TOUCH_INTERVAL = timedelta(seconds=60)


def start(user: User) -> str:
    """Open a session for ``user`` and return its id (for the cookie; only its hash is kept)."""
    token = secrets.token_urlsafe(32)
    _delete_expired()
    db.session.add(UserSession(user_id=user.id, token_hash=token_digest(token)))
    db.session.commit()
    return token


def resume(token: str | None, user_id: int) -> User | None:
    """The active user whose live session ``token`` is, else None (an expired row goes)."""
    if not token:
        return None
    now = utcnow()
    idle_since, started_since = _cutoffs(now)
    row = db.session.scalar(
        select(UserSession).where(
            UserSession.token_hash == token_digest(token),
            UserSession.last_seen_at >= idle_since,
            UserSession.created_at >= started_since,
        )
    )
    if row is None:
        end(token)  # expired, or unknown (then nothing to delete)
        return None
    user = db.session.get(User, row.user_id)
    if row.user_id != user_id or user is None or not user.active:
        return None
    stale = now - _TOUCH_INTERVAL
    if as_utc(row.last_seen_at) < stale:
        # Only then: a commit expires the user just read, and every page would read it again.
        db.session.execute(
            update(UserSession)
            .where(UserSession.id == row.id, UserSession.last_seen_at < stale)
            .values(last_seen_at=now)
            .execution_options(synchronize_session=False)  # SQLite rows hold naive datetimes
        )
        db.session.commit()
    return user


def end(token: str | None) -> None:
    """End the session with this id (sign-out); unknown ids are ignored."""
    if token:
        db.session.execute(delete(UserSession).where(UserSession.token_hash == token_digest(token)))
        db.session.commit()


def end_all(user_id: int, keep: str | None = None) -> int:
    """End every session of the user except ``keep`` and say how many; the caller commits
    with its change."""
    query = delete(UserSession).where(UserSession.user_id == user_id)
    if keep:
        query = query.where(UserSession.token_hash != token_digest(keep))
    result = db.session.execute(query)
    return int(getattr(result, "rowcount", 0))


def token_digest(token: str) -> str:
    """What the database stores for a session id (SHA-256: the id is random, no salt needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


def _cutoffs(now: datetime) -> tuple[datetime, datetime]:
    """Sessions idle since before the first, or started before the second, have expired."""
    settings = current_app.config["COACH"]
    return (
        now - timedelta(minutes=int(settings["SESSION_IDLE_MINUTES"])),
        now - timedelta(hours=int(settings["SESSION_MAX_HOURS"])),
    )


def _delete_expired() -> None:
    idle_since, started_since = _cutoffs(utcnow())
    db.session.execute(
        delete(UserSession)
        .where(or_(UserSession.last_seen_at < idle_since, UserSession.created_at < started_since))
        .execution_options(synchronize_session=False)  # SQLite rows hold naive datetimes
    )
