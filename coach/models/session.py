"""Server-side sign-in sessions and failed sign-in attempts.

The browser's cookie carries only a random session id; the database keeps its SHA-256, so a
leaked table cannot be replayed, and deleting a row ends that session everywhere at once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from coach.db import Base
from coach.models._columns import utcnow


class UserSession(Base):
    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SignInFailure(Base):
    """One failed sign-in, counted against the account (``scope`` "account", the email) and
    the client address (``scope`` "address") so throttling holds across processes."""

    __tablename__ = "signin_failures"
    __table_args__ = (Index("ix_signin_failures_subject", "scope", "subject", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(254))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
