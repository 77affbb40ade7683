"""Certification records: assignments, attempts with their answers, and certificates.

An attempt freezes its paper (every drawn question whole, with its choices' display order), so
editing a bank never changes what an old attempt asked or how it was marked. A certificate
pins the rule-pack versions it certifies, so a new major version of a pack can ask for
recertification.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coach.db import Base
from coach.models._columns import string_enum, utcnow

if TYPE_CHECKING:
    from coach.models.user import User


class AssignmentReason(enum.StrEnum):
    ASSIGNED = "assigned"
    # A rule pack the holder's certificate covers got a new major version.
    RECERTIFICATION = "recertification"


class CertificationAssignment(Base):
    """A program a person must pass by ``due_on``; done when a certificate is issued."""

    __tablename__ = "certification_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    program_id: Mapped[str] = mapped_column(String(64), index=True)
    due_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[AssignmentReason] = mapped_column(
        string_enum(AssignmentReason), default=AssignmentReason.ASSIGNED
    )
    # The team it was assigned through, if any (reports group by it).
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Cancelled by an officer, or superseded by a new assignment of the same program; kept,
    # so the history of who owed what stays readable.
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    certificate_id: Mapped[int | None] = mapped_column(
        ForeignKey("certificates.id", ondelete="SET NULL")
    )

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    @classmethod
    def still_open(cls) -> tuple[Any, ...]:
        """The WHERE clauses of an assignment still owed: neither completed nor cancelled."""
        return (cls.completed_at.is_(None), cls.cancelled_at.is_(None))


class AttemptStatus(enum.StrEnum):
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"


class QuizAttempt(Base):
    """One sitting of a program: its frozen paper, its clock and, once submitted, its score."""

    __tablename__ = "quiz_attempts"
    # Reports read these columns of every attempt; on SQLite each row's frozen paper (tens of
    # KB) sits before them, so without an index holding them every report walks the papers
    # (docs/benchmarks.md, "Pages at floor scale").
    __table_args__ = (
        Index("ix_quiz_attempts_organisation_status", "organisation_id", "status", "deadline_at"),
        Index(
            "ix_quiz_attempts_report",
            "organisation_id",
            "program_id",
            "user_id",
            "status",
            "submitted_at",
            "started_at",
            "score",
            "passed",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    program_id: Mapped[str] = mapped_column(String(64), index=True)
    program_version: Mapped[str] = mapped_column(String(32))
    program_sha256: Mapped[str] = mapped_column(String(64))
    seed: Mapped[int] = mapped_column(Integer)
    # The paper as drawn (coach.quizzes.assembly.Paper.as_json), and the program's marking.
    paper: Mapped[dict[str, Any]] = mapped_column(JSON)
    pass_mark: Mapped[int] = mapped_column(Integer)
    review: Mapped[str] = mapped_column(String(16))
    status: Mapped[AttemptStatus] = mapped_column(
        string_enum(AttemptStatus), default=AttemptStatus.IN_PROGRESS
    )
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    deadline_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Submitted by the clock, not the trainee: the time limit ran out.
    auto_submitted: Mapped[bool] = mapped_column(Boolean, default=False)
    # Set by every saved answer, so each save moves ``row_version``: a tab showing an older
    # version cannot submit over answers another tab saved since.
    last_saved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    score: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    # Optimistic lock: two tabs submitting one attempt cannot both grade it.
    row_version: Mapped[int] = mapped_column(Integer, default=1)

    user: Mapped[User] = relationship()
    answers: Mapped[list[AttemptAnswer]] = relationship(
        back_populates="attempt", order_by="AttemptAnswer.number", cascade="all, delete-orphan"
    )

    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": row_version}


class AttemptAnswer(Base):
    """The answer to one question of an attempt, saved as it is given (last save wins)."""

    __tablename__ = "attempt_answers"
    __table_args__ = (UniqueConstraint("attempt_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("quiz_attempts.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    question_id: Mapped[str] = mapped_column(String(64), index=True)
    answer: Mapped[list[str]] = mapped_column(JSON)
    answered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The share of the question's mark the answer earned, set when the attempt is graded.
    credit: Mapped[float | None] = mapped_column(Float)

    attempt: Mapped[QuizAttempt] = relationship(back_populates="answers")


class Certificate(Base):
    """Proof that a person passed a program; anyone with the code can verify it."""

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    program_id: Mapped[str] = mapped_column(String(64), index=True)
    program_version: Mapped[str] = mapped_column(String(32))
    program_title: Mapped[str] = mapped_column(String(200))
    attempt_id: Mapped[int | None] = mapped_column(
        ForeignKey("quiz_attempts.id", ondelete="SET NULL")
    )
    # Unguessable: the public verification page is found by it alone.
    code: Mapped[str] = mapped_column(String(32), unique=True, index=True)
    score: Mapped[float] = mapped_column(Float)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # The version of each rule pack it certifies, when it was issued: {pack: version}.
    rule_packs: Mapped[dict[str, str]] = mapped_column(JSON)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recertify_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    recertify_reason: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
