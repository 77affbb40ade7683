"""Practice calls: the recording's facts, and the transcript versions made from it."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coach.db import Base
from coach.models._columns import string_enum, utcnow

if TYPE_CHECKING:
    from coach.models.job import Job
    from coach.models.user import User


class CallStatus(enum.StrEnum):
    TRANSCRIBING = "transcribing"
    TRANSCRIBED = "transcribed"
    FAILED = "failed"


class Call(Base):
    __tablename__ = "calls"
    # The call list pages newest first within an organisation (docs/benchmarks.md).
    __table_args__ = (Index("ix_calls_organisation_created", "organisation_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    call_type: Mapped[str] = mapped_column(String(16))
    jurisdiction: Mapped[str] = mapped_column(String(2))
    channels_mode: Mapped[str] = mapped_column(String(8))
    consent: Mapped[bool] = mapped_column(Boolean)
    source: Mapped[str] = mapped_column(String(8))
    recording_sha256: Mapped[str] = mapped_column(String(64), index=True)
    recording_ext: Mapped[str] = mapped_column(String(8))
    audio_format: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    duration: Mapped[float] = mapped_column(Float)
    channels: Mapped[int] = mapped_column(Integer)
    sample_rate: Mapped[int] = mapped_column(Integer)
    status: Mapped[CallStatus] = mapped_column(
        string_enum(CallStatus), default=CallStatus.TRANSCRIBING
    )
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))
    score_job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Set when the retention policy (or a deletion request) removed the recording; the
    # transcripts and scores stay.
    recording_deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    owner: Mapped[User] = relationship()
    job: Mapped[Job | None] = relationship(foreign_keys=[job_id])
    score_job: Mapped[Job | None] = relationship(foreign_keys=[score_job_id])


class TranscriptVersion(Base):
    """One version of a call's transcript; edits append versions, scoring reads the latest."""

    __tablename__ = "transcript_versions"
    __table_args__ = (UniqueConstraint("call_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    origin: Mapped[str] = mapped_column(String(8))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    model_id: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CallScore(Base):
    """A scorecard of one transcript version; re-scoring appends, the latest is shown."""

    __tablename__ = "call_scores"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    transcript_version: Mapped[int] = mapped_column(Integer)
    total: Mapped[float | None] = mapped_column(Float)  # None: nothing could be judged
    # What produced ``data``, as columns so scores can be compared or re-run per version; None
    # only on rows stored before these columns whose JSON did not say.
    scorecard_id: Mapped[str | None] = mapped_column(String(64))
    scorecard_version: Mapped[str | None] = mapped_column(String(32))
    engine_version: Mapped[str | None] = mapped_column(String(16))
    # The content identities it was made from ([{kind, id, version, sha256}], see
    # Engines.content_pins), so an edited rule pack or corpus never rewrites what a score meant;
    # empty on rows stored before revision 0005.
    content: Mapped[list[dict[str, str]]] = mapped_column(
        JSON, default=list, server_default=text("'[]'")
    )
    data: Mapped[dict[str, Any]] = mapped_column(JSON)  # Scorecard.to_json_dict()
    # The job that made it: a job run again after an interruption finds its score made.
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
