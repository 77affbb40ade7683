"""Personal API tokens: how an HR or LMS system reads Coach's data as one of its users.

Only the SHA-256 of a token's secret is stored, with a short prefix that lets its owner and
an administrator tell tokens apart; the secret itself is shown once, when it is created.
A revoked token is kept (with who revoked it and when) so the history stays readable.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coach.db import Base
from coach.models._columns import utcnow

if TYPE_CHECKING:
    from coach.models.user import User


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    # The secret's first characters as shown on the token lists (not enough to guess it).
    prefix: Mapped[str] = mapped_column(String(16))
    secret_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The start of the latest minute the token was used in: written at most once a minute.
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Requests since last_used_at, for the per-token limit (API_REQUESTS_PER_MINUTE).
    window_requests: Mapped[int] = mapped_column(Integer, default=0)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])
