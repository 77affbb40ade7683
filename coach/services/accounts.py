"""Accounts: sign-in, invitations, roles, activation and password changes."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import func, select

from coach.errors import Forbidden, NotFound, ServiceError
from coach.extensions import db
from coach.models import Organisation, Role, User, UserRole
from coach.models._columns import utcnow
from coach.services import audit, sessions, signin_throttle
from coach.services.passwords import (
    check_strength,
    dummy_hash,
    generate_password,
    hash_password,
    verify_password,
)

log = logging.getLogger(__name__)


class DuplicateEmail(ServiceError):
    """Another account already uses this email address."""


@dataclass(frozen=True)
class SignedIn:
    """A successful sign-in: the user and the id of the session opened for them."""

    user: User
    session_token: str


@dataclass(frozen=True)
class Invitation:
    """A newly created account and the one-time password to hand to its owner."""

    user: User
    temporary_password: str


def normalise_email(email: str) -> str:
    """Validate the address's syntax (no DNS lookup) and return it lower-cased."""
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ServiceError(f"That email address is not valid: {exc}") from None


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def sign_in(email: str, password: str, address: str) -> SignedIn | None:
    """Check the throttle, then the credentials; on success open a session.

    Raises :class:`signin_throttle.Throttled` (even for the right password) while the account
    or the client address has too many recent failures.
    """
    attempt = signin_throttle.Attempt(email=email, address=address)
    signin_throttle.check(attempt)
    user = authenticate(email, password)
    if user is None:
        signin_throttle.record_failure(attempt)
        return None
    signin_throttle.clear_account(attempt)
    return SignedIn(user=user, session_token=sessions.start(user))


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with these credentials, or None (same timing either way)."""
    user = find_by_email(email)
    if user is None:
        verify_password(dummy_hash(_hash_cost()), password)
        log.info("sign-in refused: unknown account")
        return None
    if not verify_password(user.password_hash, password):
        log.info("sign-in refused: wrong password for user %s", user.id)
        audit.record(None, "login_failed", "user", user.id, user.organisation_id)
        db.session.commit()
        return None
    if not user.active:
        log.info("sign-in refused: user %s is deactivated", user.id)
        return None
    user.last_login_at = utcnow()
    audit.record(user, "login", "user", user.id)
    db.session.commit()
    return user


def create_organisation(name: str) -> Organisation:
    """A new organisation (the operator's first step on an instance set up without the demo)."""
    name = " ".join(name.split())
    if not name or len(name) > 120:
        raise ServiceError("Give the organisation a name of 1 to 120 characters.")
    if db.session.scalar(select(Organisation.id).where(Organisation.name == name)) is not None:
        raise ServiceError(f"An organisation named {name!r} already exists.")
    organisation = Organisation(name=name)
    db.session.add(organisation)
    db.session.flush()
    audit.record(None, "organisation_created", "organisation", organisation.id, organisation.id)
    db.session.commit()
    return organisation


def create_user(
    actor: User | None,
    *,
    organisation_id: int,
    email: str,
    name: str,
    roles: Iterable[Role],
    password: str | None = None,
) -> Invitation:
    """Create an account; without ``password`` a temporary one is generated and must be changed."""
    email = normalise_email(email)
    name = name.strip()
    if not name:
        raise ServiceError("Give the person's name.")
    roles = sorted(set(roles))
    if not roles:
        raise ServiceError("Give the account at least one role.")
    if find_by_email(email) is not None:
        raise DuplicateEmail("An account with that email address already exists.")
    if db.session.get(Organisation, organisation_id) is None:
        raise NotFound(
            f"There is no organisation {organisation_id}: create it first "
            "(flask coach organisations create --name …)."
        )
    temporary = password is None
    secret = generate_password() if password is None else password
    if not temporary:
        check_strength(secret, min_length=_min_length(), email=email, name=name)
    user = User(
        organisation_id=organisation_id,
        email=email,
        name=name,
        password_hash=hash_password(secret, _hash_cost()),
        must_change_password=temporary,
        role_rows=[UserRole(role=role) for role in roles],
    )
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user_created", "user", user.id, organisation_id, roles=list(roles))
    db.session.commit()
    log.info("user %s created", user.id)
    return Invitation(user=user, temporary_password=secret)


def change_password(
    user: User,
    current: str,
    new: str,
    confirm: str,
    *,
    keep_session: str | None = None,
    address: str = "unknown",
) -> None:
    """Change the user's own password after checking the current one and the policy.

    Every other session of the user ends (a thief's copied cookie stops working);
    ``keep_session``, the one making the change, stays signed in. Wrong current passwords
    count as failed sign-ins, so a stolen session cannot be used to guess the password.
    """
    attempt = signin_throttle.Attempt(email=user.email, address=address)
    signin_throttle.check(attempt)
    if not verify_password(user.password_hash, current):
        signin_throttle.record_failure(attempt)
        raise ServiceError("Your current password is not correct.")
    if new != confirm:
        raise ServiceError("The new passwords do not match.")
    if new == current:
        raise ServiceError("Choose a password different from the current one.")
    check_strength(new, min_length=_min_length(), email=user.email, name=user.name)
    user.password_hash = hash_password(new, _hash_cost())
    user.must_change_password = False
    sessions.end_all(user.id, keep=keep_session)
    audit.record(user, "password_changed", "user", user.id)
    db.session.commit()


def end_sessions(email: str) -> int:
    """End every session of the account (an operator's answer to a stolen cookie or device);
    returns how many there were."""
    user = find_by_email(email)
    if user is None:
        raise NotFound("No account has that email address.")
    ended = sessions.end_all(user.id)
    audit.record(None, "sessions_ended", "user", user.id, user.organisation_id, sessions=ended)
    db.session.commit()
    return ended


def reset_password(actor: User, user_id: int) -> Invitation:
    """An admin issues a new temporary password that the owner must change at next sign-in;
    every session of the owner ends."""
    user = get_in_organisation(actor, user_id)
    secret = generate_password()
    user.password_hash = hash_password(secret, _hash_cost())
    user.must_change_password = True
    sessions.end_all(user.id)
    audit.record(actor, "password_reset", "user", user.id)
    db.session.commit()
    return Invitation(user=user, temporary_password=secret)


def update_user(
    actor: User, user_id: int, *, name: str, roles: Iterable[Role], active: bool
) -> User:
    """Change an account's name, roles and active flag; an admin cannot lock themself out.

    Deactivating an account ends every session it has.
    """
    user = get_in_organisation(actor, user_id)
    roles = set(roles)
    if not roles:
        raise ServiceError("Give the account at least one role.")
    if not name.strip():
        raise ServiceError("Give the person's name.")
    if user.id == actor.id and (Role.ADMIN not in roles or not active):
        raise Forbidden("You cannot remove your own administrator role or deactivate yourself.")
    before = sorted(user.roles)
    user.name = name.strip()
    user.active = active
    if not active:
        sessions.end_all(user.id)
    user.role_rows = [row for row in user.role_rows if row.role in roles] + [
        UserRole(role=role) for role in roles - user.roles
    ]
    audit.record(
        actor,
        "user_updated",
        "user",
        user.id,
        roles_before=before,
        roles_after=sorted(roles),
        active=active,
    )
    db.session.commit()
    return user


def get_in_organisation(actor: User, user_id: int) -> User:
    """The user with this id in the actor's organisation, else :class:`NotFound`."""
    user = db.session.get(User, user_id)
    if user is None or user.organisation_id != actor.organisation_id:
        raise NotFound("No such user.")
    return user


def list_users(actor: User) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.organisation_id == actor.organisation_id)
            .order_by(func.lower(User.name))
        )
    )


def count_users(actor: User) -> int:
    """How many accounts the organisation has, active or not (the admin's dashboard)."""
    query = select(func.count(User.id)).where(User.organisation_id == actor.organisation_id)
    return db.session.scalar(query) or 0


def active_people_by_role(actor: User) -> tuple[int, dict[Role, int]]:
    """The organisation's active people, and how many of them hold each role, counted by
    the database: a dashboard of a large floor needs the figures, not every account."""
    active = (User.organisation_id == actor.organisation_id, User.active.is_(True))
    people = db.session.scalar(select(func.count(User.id)).where(*active)) or 0
    rows = db.session.execute(
        select(UserRole.role, func.count(UserRole.id))
        .join(User, User.id == UserRole.user_id)
        .where(*active)
        .group_by(UserRole.role)
    )
    counted: dict[Role, int] = dict(rows.all())
    return people, {role: counted.get(role, 0) for role in Role}


def _min_length() -> int:
    return int(current_app.config["COACH"]["PASSWORD_MIN_LENGTH"])


def _hash_cost() -> str:
    return str(current_app.config["COACH"]["PASSWORD_HASH_COST"])
