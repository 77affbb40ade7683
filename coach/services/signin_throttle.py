"""Sign-in throttling per account and per client address, kept in the database.

Failures are rows, so every process (web workers, several hosts) counts the same attempts.
Once an account or an address reaches its limit within the window, further attempts are
refused without checking the password, until enough of those failures age out.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select

from coach.errors import ServiceError
from coach.extensions import db
from coach.models import SignInFailure
from coach.models._columns import utcnow

log = logging.getLogger(__name__)

ACCOUNT = "account"
ADDRESS = "address"


class Throttled(ServiceError):
    """Too many failed sign-ins; ``retry_after`` is how many seconds to wait."""

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, math.ceil(retry_after / 60))
        unit = "minute" if minutes == 1 else "minutes"
        super().__init__(
            f"Too many failed sign-in attempts. Wait {minutes} {unit} before trying again."
        )
        self.retry_after = retry_after


@dataclass(frozen=True)
class Attempt:
    """Who is trying to sign in: the email typed and the client's address."""

    email: str
    address: str

    def subjects(self) -> dict[str, str]:
        return {ACCOUNT: self.email.strip().lower()[:254], ADDRESS: self.address[:254]}


def check(attempt: Attempt) -> None:
    """Raise :class:`Throttled` when the account or the address has used up its failures."""
    now = utcnow()
    waits = {
        scope: _wait(scope, subject, _limit(scope), now)
        for scope, subject in attempt.subjects().items()
    }
    longest = max(waits.values())
    if longest > 0:
        # Which limit, never whose email or which address: the log is no list of targets.
        log.warning("sign-in refused unchecked: too many failures by %s", _limited(waits))
        raise Throttled(longest)


def record_failure(attempt: Attempt) -> None:
    """Count a failed sign-in against both the account and the address."""
    now = utcnow()
    db.session.execute(
        delete(SignInFailure)
        .where(SignInFailure.at < now - _window())
        .execution_options(synchronize_session=False)  # SQLite rows hold naive datetimes
    )
    for scope, subject in attempt.subjects().items():
        db.session.add(SignInFailure(scope=scope, subject=subject, at=now))
    db.session.commit()


def clear_account(attempt: Attempt) -> None:
    """A successful sign-in forgives the account's failures (not the address's)."""
    db.session.execute(
        delete(SignInFailure).where(
            SignInFailure.scope == ACCOUNT, SignInFailure.subject == attempt.subjects()[ACCOUNT]
        )
    )
    db.session.commit()


def _wait(scope: str, subject: str, limit: int, now: datetime) -> int:
    """Seconds until fewer than ``limit`` failures of this subject lie within the window."""
    nth_latest = db.session.scalar(
        select(SignInFailure.at)
        .where(
            SignInFailure.scope == scope,
            SignInFailure.subject == subject,
            SignInFailure.at >= now - _window(),
        )
        .order_by(SignInFailure.at.desc())
        .offset(limit - 1)
        .limit(1)
    )
    if nth_latest is None:
        return 0
    if nth_latest.tzinfo is None:  # SQLite hands back naive UTC
        nth_latest = nth_latest.replace(tzinfo=UTC)
    return max(1, math.ceil((nth_latest + _window() - now).total_seconds()))


def _limited(waits: dict[str, int]) -> str:
    return " and ".join(scope for scope, wait in waits.items() if wait > 0)


def _limit(scope: str) -> int:
    settings = current_app.config["COACH"]
    key = "SIGNIN_MAX_FAILURES" if scope == ACCOUNT else "SIGNIN_MAX_FAILURES_PER_ADDRESS"
    return int(settings[key])


def _window() -> timedelta:
    return timedelta(minutes=int(current_app.config["COACH"]["SIGNIN_WINDOW_MINUTES"]))
