"""Personal API tokens: created by their owner, revoked by their owner or an administrator,
and checked on every API request.

A token's secret is ``coach_`` and 32 random bytes (``secrets.token_urlsafe``); only its
SHA-256 is stored. A slow password hash (bcrypt) protects guessable secrets; 256 random
bits cannot be guessed, so one fast hash is as safe, lets the database find the token by an
index in one query, and costs microseconds on each request instead of a bcrypt round.

Each request counts against the token's allowance per minute (``API_REQUESTS_PER_MINUTE``)
in one UPDATE of its row, which also moves ``last_used_at`` to the start of the new minute:
so the row is written once per request and ``last_used_at`` at most once a minute.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import case, select, update

from coach.errors import Conflict, Forbidden, NotFound, ServiceError
from coach.extensions import db
from coach.models import ApiToken, Role, User
from coach.models._columns import as_utc, utcnow
from coach.services import audit
from coach.services.user_limits import RateLimited

# Marks a Coach token wherever it turns up (a log, a secret scanner, a pasted config).
MARKER = "coach_"
# How much of the secret the lists show: the marker and six random characters.
SHOWN_PREFIX = len(MARKER) + 6
# token_urlsafe(32) gives 43 characters; anything much longer is not a Coach token.
MAX_SECRET = 128
MAX_NAME = 80
WINDOW = timedelta(minutes=1)


@dataclass(frozen=True)
class NewToken:
    """A token just created, with the secret that is shown once and never stored."""

    token: ApiToken
    secret: str


class TokenRefused(ServiceError):
    """The API request's token cannot be used; ``code`` names why, for the JSON error."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(
    owner: User, name: str, expires_on: date | None = None, now: datetime | None = None
) -> NewToken:
    """A new token acting as ``owner``; it stops working at 00:00 UTC on ``expires_on``."""
    now = now or utcnow()
    name = name.strip()
    if not name:
        raise ServiceError("Give the token a name that says where it is used, e.g. LMS sync.")
    if len(name) > MAX_NAME:
        raise ServiceError(f"Keep the name under {MAX_NAME} characters.")
    expires_at = None
    if expires_on is not None:
        expires_at = datetime.combine(expires_on, time(0), UTC)
        if expires_at <= now:
            raise ServiceError("Choose an expiry date after today, or none.")
    secret = MARKER + secrets.token_urlsafe(32)
    token = ApiToken(
        organisation_id=owner.organisation_id,
        user_id=owner.id,
        name=name,
        prefix=secret[:SHOWN_PREFIX],
        secret_sha256=digest(secret),
        created_at=now,
        expires_at=expires_at,
    )
    db.session.add(token)
    db.session.flush()
    audit.record(owner, "api_token_created", "api_token", token.id, expires=expires_at is not None)
    db.session.commit()
    return NewToken(token, secret)


def tokens_of(owner: User) -> list[ApiToken]:
    """Every token ``owner`` created, revoked ones too, newest first."""
    query = select(ApiToken).where(ApiToken.user_id == owner.id)
    return list(db.session.scalars(query.order_by(ApiToken.id.desc())))


def organisation_tokens(admin: User) -> list[ApiToken]:
    """Every token in the administrator's organisation, newest first."""
    if not admin.has_role(Role.ADMIN):
        raise Forbidden("Only administrators can see everyone's API tokens.")
    query = select(ApiToken).where(ApiToken.organisation_id == admin.organisation_id)
    return list(db.session.scalars(query.order_by(ApiToken.id.desc())))


def revoke(actor: User, token_id: int, now: datetime | None = None) -> ApiToken:
    """Revokes a token for good: its owner may, and any administrator of its organisation
    (someone left, a system was retired). The row is kept as history."""
    token = db.session.get(ApiToken, token_id)
    is_admin = actor.has_role(Role.ADMIN)
    if token is None or not (
        token.user_id == actor.id or (is_admin and token.organisation_id == actor.organisation_id)
    ):
        raise NotFound("No such API token.")
    if token.revoked_at is not None:
        raise Conflict(f"The token “{token.name}” is already revoked.")
    token.revoked_at = now or utcnow()
    token.revoked_by_id = actor.id
    audit.record(
        actor,
        "api_token_revoked",
        "api_token",
        token.id,
        organisation_id=token.organisation_id,
        by="owner" if token.user_id == actor.id else "admin",
    )
    db.session.commit()
    return token


def status_of(token: ApiToken, now: datetime | None = None) -> str:
    """ "revoked", "expired" or "active", as the token lists show it."""
    now = now or utcnow()
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and as_utc(token.expires_at) <= now:
        return "expired"
    return "active"


def authenticate(secret: str, now: datetime | None = None) -> User:
    """The user an API request with ``secret`` acts as; TokenRefused says why not, and
    RateLimited when the token used its allowance this minute."""
    now = now or utcnow()
    token = None
    if secret.startswith(MARKER) and len(secret) <= MAX_SECRET:
        token = db.session.scalars(
            select(ApiToken).where(ApiToken.secret_sha256 == digest(secret))
        ).first()
    if token is None:
        raise TokenRefused(
            "invalid_token",
            "This token is not recognised: check that it was copied whole, or create a new one.",
        )
    if token.revoked_at is not None:
        raise TokenRefused(
            "token_revoked",
            f"This token was revoked on {as_utc(token.revoked_at):%Y-%m-%d}; "
            "ask its owner for a new one.",
        )
    if token.expires_at is not None and as_utc(token.expires_at) <= now:
        raise TokenRefused(
            "token_expired",
            f"This token expired on {as_utc(token.expires_at):%Y-%m-%d}; "
            "its owner can create a new one.",
        )
    if not token.user.active:
        raise TokenRefused("account_inactive", "The account this token acts for is deactivated.")
    _count_request(token, now)
    return token.user


def _count_request(token: ApiToken, now: datetime) -> None:
    """One request against the token's allowance: a new minute starts a new count (and is
    the new ``last_used_at``). A single UPDATE, so two processes never lose a count."""
    new_window = ApiToken.last_used_at.is_(None) | (ApiToken.last_used_at <= now - WINDOW)
    count, window_start = db.session.execute(
        update(ApiToken)
        .where(ApiToken.id == token.id)
        .values(
            window_requests=case((new_window, 1), else_=ApiToken.window_requests + 1),
            last_used_at=case((new_window, now), else_=ApiToken.last_used_at),
        )
        .returning(ApiToken.window_requests, ApiToken.last_used_at)
        .execution_options(synchronize_session=False)
    ).one()
    db.session.commit()
    allowed = current_app.config["COACH"]["API_REQUESTS_PER_MINUTE"]
    if count > allowed:
        wait = WINDOW - (now - as_utc(window_start or now))
        retry_after = max(1, math.ceil(wait.total_seconds()))
        raise RateLimited(
            f"Too many requests with this token: at most {allowed} a minute. "
            f"Try again in {retry_after} s.",
            retry_after,
        )
