"""Per-user limits on expensive requests (rescoring, transcript edits), counted in the database.

Each limited action is audited anyway, so the audit log is the counter: it is shared by
every web process, survives restarts, and needs no table of its own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from coach.errors import ServiceError
from coach.extensions import db
from coach.models import AuditEntry, User
from coach.models._columns import as_utc, utcnow

WINDOW = timedelta(minutes=1)


@dataclass(frozen=True)
class UserLimit:
    """An audited action limited to ``setting`` (a Coach config key) per user and minute."""

    action: str
    setting: str
    what: str  # how the message names it, e.g. "rescore requests"


RESCORE = UserLimit("call_rescored", "RESCORES_PER_MINUTE", "rescore requests")
TRANSCRIPT_EDIT = UserLimit("transcript_edited", "TRANSCRIPT_EDITS_PER_MINUTE", "transcript edits")
SPOKEN_REPLY = UserLimit(
    "roleplay_spoken_reply", "SPOKEN_REPLIES_PER_MINUTE", "spoken role-play replies"
)


class RateLimited(ServiceError):
    """The user has used their allowance for now; ``retry_after`` seconds until the next."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def check(user: User, limit: UserLimit) -> None:
    """Raise RateLimited if ``user`` already did ``limit.action`` its allowed times this
    minute; call it before doing (and auditing) the action."""
    allowed = current_app.config["COACH"][limit.setting]
    since = utcnow() - WINDOW
    recent = select(AuditEntry.at).where(
        AuditEntry.actor_id == user.id, AuditEntry.action == limit.action, AuditEntry.at > since
    )
    count = db.session.scalar(select(func.count()).select_from(recent.subquery())) or 0
    if count < allowed:
        return
    oldest = db.session.scalar(recent.order_by(AuditEntry.at).limit(1))
    wait = WINDOW - (utcnow() - as_utc(oldest)) if oldest is not None else WINDOW
    retry_after = max(1, math.ceil(wait.total_seconds()))
    raise RateLimited(
        f"Too many {limit.what}: at most {allowed} a minute. Try again in {retry_after} s.",
        retry_after,
    )
