"""Calibration: a compliance officer labels a sample of scored calls blind, and Coach's answers
are compared with theirs per criterion (see ``coach.calibration``).

A round keeps its seed and its sampled calls, each label keeps Coach's answer as it stood
when the label was saved (what the officer was shown), and a closed round keeps its results
and the bar it was judged against: a later re-score or a changed bar never rewrites a verdict
that certification already acted on.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coach.db import Base
from coach.models._columns import utcnow

if TYPE_CHECKING:
    from coach.models.call import Call
    from coach.models.user import User


class CalibrationRound(Base):
    __tablename__ = "calibration_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    jurisdiction: Mapped[str] = mapped_column(String(8))
    seed: Mapped[int] = mapped_column(Integer)
    criteria: Mapped[list[str]] = mapped_column(JSON)  # criterion keys, e.g. "dimension:tone"
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    min_kappa: Mapped[float | None] = mapped_column(Float)  # the bar, set when closed
    # Per criterion key when closed: n, exact, within_one, kappa, weighted_kappa, verdict.
    results: Mapped[dict[str, dict[str, Any]] | None] = mapped_column(JSON)

    created_by: Mapped[User | None] = relationship()
    samples: Mapped[list[CalibrationSample]] = relationship(
        order_by="CalibrationSample.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    labels: Mapped[list[CalibrationLabel]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )


class CalibrationSample(Base):
    """One call drawn into a round (a call deleted later leaves the round with it)."""

    __tablename__ = "calibration_samples"
    __table_args__ = (UniqueConstraint("round_id", "call_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("calibration_rounds.id", ondelete="CASCADE"), index=True
    )
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # order of the draw

    call: Mapped[Call] = relationship()


class CalibrationLabel(Base):
    """The officer's answer on one criterion of one call, beside Coach's (None: Coach did not
    judge it, e.g. a rule not assessable on that call; such a pair is left out of agreement)."""

    __tablename__ = "calibration_labels"
    __table_args__ = (UniqueConstraint("round_id", "call_id", "criterion"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("calibration_rounds.id", ondelete="CASCADE"), index=True
    )
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    criterion: Mapped[str] = mapped_column(String(80))
    value: Mapped[int] = mapped_column(Integer)
    coach_value: Mapped[int | None] = mapped_column(Integer)
    labelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    labelled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CalibrationBar(Base):
    """The organisation's minimum kappa for a criterion to count as calibrated (one row per
    organisation; none means the default, ``coach.calibration.criteria.DEFAULT_MIN_KAPPA``)."""

    __tablename__ = "calibration_bars"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), unique=True)
    min_kappa: Mapped[float] = mapped_column(Float)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
