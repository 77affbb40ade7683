"""The coaching loop: reviews, comments on transcript lines, score overrides and disputes, and
the practice a coach assigns.

Overrides and responses are appended, never edited: the latest override of a dimension wins,
the scorecard JSON in ``CallScore.data`` keeps the engine's original, and the rows themselves
are the history a dispute or an audit reads.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coach.db import Base
from coach.models._columns import string_enum, utcnow

if TYPE_CHECKING:
    from coach.models.user import User


class CallReview(Base):
    """A coach marked a call (or a role-play run) reviewed: it leaves the review queue."""

    __tablename__ = "call_reviews"
    __table_args__ = (CheckConstraint("(call_id IS NULL) <> (run_id IS NULL)", name="one_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    call_id: Mapped[int | None] = mapped_column(
        ForeignKey("calls.id", ondelete="CASCADE"), index=True
    )
    run_id: Mapped[int | None] = mapped_column(
        ForeignKey("scenario_runs.id", ondelete="CASCADE"), index=True
    )
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    reviewer: Mapped[User | None] = relationship()


class FlaggedMoment(Base):
    """A moment of a scored call or ended role-play worth a coach's listen (a long monologue,
    an escalation), found in its scorecard when the activity is recorded: the review queue
    then reads these rows, not every scorecard of the team. Broken rules are read from
    ``rule_breaches`` instead. Replaced with the activity's other evidence on a re-score."""

    __tablename__ = "flagged_moments"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), index=True
    )
    rule: Mapped[str] = mapped_column(String(32))  # what flagged it, in words
    reason: Mapped[str] = mapped_column(String(200))
    severity: Mapped[str] = mapped_column(String(16))  # critical, major or minor
    turn: Mapped[int | None] = mapped_column(Integer)  # the transcript line, from 0


class LineComment(Base):
    """A comment on one line (turn) of a transcript version of a call."""

    __tablename__ = "line_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    transcript_version: Mapped[int] = mapped_column(Integer)
    turn: Mapped[int] = mapped_column(Integer)  # index into that version's turns
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    author: Mapped[User | None] = relationship()


class ScoreOverride(Base):
    """A coach's score for one dimension of a scorecard, with the reason; appended, so the
    latest per (score, dimension) wins and the ones before it stay readable."""

    __tablename__ = "score_overrides"
    __table_args__ = (
        CheckConstraint("new_score >= 0 AND new_score <= 100", name="score_range"),
        Index("ix_score_overrides_score_dimension", "call_score_id", "dimension"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_score_id: Mapped[int] = mapped_column(ForeignKey("call_scores.id", ondelete="CASCADE"))
    dimension: Mapped[str] = mapped_column(String(16))
    original_score: Mapped[int | None] = mapped_column(Integer)  # the engine's, from the JSON
    new_score: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    author: Mapped[User | None] = relationship()


class ResponseState(enum.StrEnum):
    """A trainee's answer to a score: accepted, or disputed until the coach resolves it."""

    ACKNOWLEDGED = "acknowledged"
    OPEN = "open"
    RESOLVED = "resolved"


class ScoreResponse(Base):
    """The trainee's acknowledgement or dispute of a scorecard as it stood (``override_id``:
    the latest override then, None when there was none); a dispute stays open until resolved."""

    __tablename__ = "score_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_score_id: Mapped[int] = mapped_column(
        ForeignKey("call_scores.id", ondelete="CASCADE"), index=True
    )
    override_id: Mapped[int | None] = mapped_column(
        ForeignKey("score_overrides.id", ondelete="SET NULL")
    )
    trainee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    state: Mapped[ResponseState] = mapped_column(string_enum(ResponseState))
    reason: Mapped[str | None] = mapped_column(Text)  # a dispute's; None for an acknowledgement
    resolution: Mapped[str | None] = mapped_column(Text)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    trainee: Mapped[User] = relationship(foreign_keys=[trainee_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])


class PracticeKind(enum.StrEnum):
    SCENARIO = "scenario"
    RERECORD = "rerecord"


class PracticeAssignment(Base):
    """Practice a coach asked of a trainee by a date: a role-play scenario, or recording a
    call again. Done when the trainee ends a run of the scenario (or uploads a new call)
    after it was assigned."""

    __tablename__ = "practice_assignments"
    __table_args__ = (
        CheckConstraint(
            "(kind = 'scenario' AND scenario_id IS NOT NULL)"
            " OR (kind = 'rerecord' AND call_id IS NOT NULL)",
            name="subject",
        ),
        Index("ix_practice_assignments_person_open", "person_id", "completed_at", "cancelled_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[PracticeKind] = mapped_column(string_enum(PracticeKind))
    scenario_id: Mapped[str | None] = mapped_column(String(64))
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    due_on: Mapped[date] = mapped_column(Date)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    person: Mapped[User] = relationship(foreign_keys=[person_id])
    assigned_by: Mapped[User | None] = relationship(foreign_keys=[assigned_by_id])

    @classmethod
    def still_open(cls) -> tuple[Any, ...]:
        """The WHERE clauses of an assignment still owed: neither completed nor cancelled."""
        return (cls.completed_at.is_(None), cls.cancelled_at.is_(None))
