"""Role-play runs: one practice conversation with a scenario's debtor, and its turns.

A run pins the scenario file it was played on (id, version, sha256), so an edited scenario never
rewrites what an old run meant, and stores every turn as the engine judged it, so the run can be
resumed, replayed for the debrief and read by the trainee's coach.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
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


class RunStatus(enum.StrEnum):
    ACTIVE = "active"
    ENDED = "ended"
    # Left unfinished: the trainee restarted the scenario or its file changed under the run.
    ABANDONED = "abandoned"


class ScenarioRun(Base):
    """One run of a scenario by one trainee; ``turn`` counts the replies taken so far."""

    __tablename__ = "scenario_runs"
    # The library lists the organisation's newest runs (docs/benchmarks.md).
    __table_args__ = (
        Index("ix_scenario_runs_organisation_created", "organisation_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    scenario_id: Mapped[str] = mapped_column(String(64), index=True)
    scenario_version: Mapped[str] = mapped_column(String(32))
    scenario_sha256: Mapped[str] = mapped_column(String(64))
    seed: Mapped[int] = mapped_column(Integer)
    status: Mapped[RunStatus] = mapped_column(string_enum(RunStatus), default=RunStatus.ACTIVE)
    # Where the run stands after its last turn (the engine's RunState, in columns).
    turn: Mapped[int] = mapped_column(Integer, default=0)
    node: Mapped[str] = mapped_column(String(64))
    meters: Mapped[dict[str, int]] = mapped_column(JSON)
    opening: Mapped[str] = mapped_column(Text)  # the debtor's first line
    ending_id: Mapped[str | None] = mapped_column(String(64))
    ending_kind: Mapped[str | None] = mapped_column(String(16))
    meets_objective: Mapped[bool | None] = mapped_column(Boolean)
    # The debrief: the run's full scorecard (with its skill observations), made when it ends.
    scorecard: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    total: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Optimistic lock: two tabs answering the same turn cannot both move the run.
    row_version: Mapped[int] = mapped_column(Integer, default=1)

    owner: Mapped[User] = relationship()
    turns: Mapped[list[RunTurn]] = relationship(
        back_populates="run", order_by="RunTurn.number", cascade="all, delete-orphan"
    )

    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": row_version}


class RunTurn(Base):
    """One reply of the trainee and the debtor's answer, as the engine judged them."""

    __tablename__ = "run_turns"
    __table_args__ = (UniqueConstraint("run_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(
        ForeignKey("scenario_runs.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)  # 1 for the first reply
    trainee: Mapped[str] = mapped_column(Text)
    spoken: Mapped[bool] = mapped_column(Boolean, default=False)
    intents: Mapped[list[str]] = mapped_column(JSON)
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # the scorecard's finding shape
    changes: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # meter changes with reasons
    meters: Mapped[dict[str, int]] = mapped_column(JSON)  # after this turn
    debtor: Mapped[str] = mapped_column(Text)
    node: Mapped[str] = mapped_column(String(64))  # the state or ending it moved to
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    run: Mapped[ScenarioRun] = relationship(back_populates="turns")
