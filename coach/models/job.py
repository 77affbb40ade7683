"""Background jobs: the table is the source of truth whatever runner executes them."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from coach.db import Base
from coach.models._columns import string_enum, utcnow


class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    FAILED = "failed"
    DONE = "done"


class JobKind(enum.StrEnum):
    """What a job does; the app maps each kind to one service task."""

    TRANSCRIBE = "transcribe_call"
    SCORE = "score_call"
    RETENTION = "apply_retention"
    # Certificates pinned to an older major version of a rule pack than the one loaded.
    RECERTIFICATION = "flag_recertification"


class Job(Base):
    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[JobStatus] = mapped_column(
        string_enum(JobStatus),
        default=JobStatus.QUEUED,
        index=True,
    )
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The runner running it ("host:pid:uuid") holds it until ``lease_expires_at``, renewing the
    # lease while it works; an expired lease on a running job means its runner died.
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    interruptions: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    # Why a queued job is not being run now (an engine it needs is unavailable), for the user.
    wait_reason: Mapped[str | None] = mapped_column(Text)

    @property
    def stalled(self) -> bool:
        """Running, but its runner's lease has expired: the runner died (a sweep re-queues
        it; an operator may retry it at once)."""
        if self.status != JobStatus.RUNNING:
            return False
        expires = self.lease_expires_at
        if expires is None:
            return True
        return (expires if expires.tzinfo else expires.replace(tzinfo=UTC)) < utcnow()
