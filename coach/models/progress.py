"""What the progress model reads: one activity row per scored call, role-play run or quiz
attempt, with its skill observations and the rules it broke.

These rows are written in the same transaction as the result they come from (a scorecard,
a run's debrief, a graded attempt), so dashboards, lists and reports never parse scorecard
JSON per request and never disagree with the record they summarise. ``SkillProfile`` caches
each person's decayed evidence per skill (see ``docs/skill-model.md``): decay is
multiplicative, so the evidence stored "as of" one moment is brought to any later moment by
one factor, and a team's heat map reads one row per person and skill.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from coach.db import Base
from coach.models._columns import string_enum, utcnow

if TYPE_CHECKING:
    from coach.models.coaching import FlaggedMoment
    from coach.models.user import User


class ActivityKind(enum.StrEnum):
    CALL = "call"
    ROLEPLAY = "roleplay"
    QUIZ = "quiz"


class Activity(Base):
    """One scored piece of practice: what a list, a dashboard or a report shows of it.

    There is one row per source record (``kind``, ``source_id``): re-scoring a call or a
    coach's override updates the row and replaces its observations, breaches and flagged
    moments (``FlaggedMoment``: what the review queue shows besides the breaches).
    """

    __tablename__ = "activities"
    __table_args__ = (
        UniqueConstraint("kind", "source_id"),
        Index("ix_activities_organisation_at", "organisation_id", "at"),
        # The compliance reports' weekly counts and the admin's review queue (0018).
        Index(
            "ix_activities_organisation_kind_at",
            "organisation_id",
            "kind",
            "at",
            "person_id",
            "breaches",
        ),
        Index("ix_activities_person_at", "person_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[ActivityKind] = mapped_column(string_enum(ActivityKind))
    source_id: Mapped[int] = mapped_column(Integer)  # the call, run or attempt id
    title: Mapped[str] = mapped_column(String(160))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # when it was practised
    # 0..100 as shown (a coach's override when there is one); None: nothing could be judged.
    score: Mapped[float | None] = mapped_column(Float)
    overridden: Mapped[bool] = mapped_column(Boolean, default=False)
    # A call's negotiated outcome, a run's ending kind, "passed"/"failed" for a quiz.
    outcome: Mapped[str | None] = mapped_column(String(32))
    critical_findings: Mapped[int] = mapped_column(Integer, default=0)
    breaches: Mapped[int] = mapped_column(Integer, default=0)  # violations and missed disclosures
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    person: Mapped[User] = relationship()
    observations: Mapped[list[SkillObservationRow]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )
    rule_breaches: Mapped[list[RuleBreach]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )
    flagged_moments: Mapped[list[FlaggedMoment]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )

    @validates("rule_breaches")
    def _copy_kind(self, _key: str, breach: RuleBreach) -> RuleBreach:
        """Each breach added carries this activity's kind (``RuleBreach.activity_kind``)."""
        breach.activity_kind = self.kind
        return breach


class SkillObservationRow(Base):
    """One observation (``coach.progress.observations.Observation``) as stored."""

    __tablename__ = "skill_observations"
    __table_args__ = (Index("ix_skill_observations_person_skill", "person_id", "skill"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    skill: Mapped[str] = mapped_column(String(48))
    score: Mapped[float] = mapped_column(Float)
    weight: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RuleBreach(Base):
    """A compliance rule an activity broke (a violation or a missed required disclosure)."""

    __tablename__ = "rule_breaches"
    __table_args__ = (
        # The compliance reports' windows over one kind of activity (calls) read the rule
        # and the activity from the index alone, without joining each breach's activity.
        Index(
            "ix_rule_breaches_organisation_kind_at",
            "organisation_id",
            "activity_kind",
            "at",
            "rule_id",
            "activity_id",
        ),
        Index("ix_rule_breaches_organisation_rule", "organisation_id", "rule_id"),
        Index("ix_rule_breaches_person_at", "person_id", "at"),
        Index("ix_rule_breaches_person_rule", "person_id", "rule_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # The activity's kind, copied (an activity's kind never changes): reports that count
    # only calls' breaches filter on it instead of joining tens of thousands of activities.
    activity_kind: Mapped[ActivityKind] = mapped_column(string_enum(ActivityKind))
    rule_id: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))  # "violation" or "missing"
    turn: Mapped[int | None] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SkillProfile(Base):
    """A person's decayed evidence for one skill as of ``as_of`` (a cache of their rows).

    ``evidence`` and ``successes`` are E and S of ``docs/skill-model.md`` at ``as_of``; at a
    later moment both are multiplied by the same decay factor. Rebuilt from the person's
    observations whenever one of their activities is written.
    """

    __tablename__ = "skill_profiles"
    __table_args__ = (UniqueConstraint("person_id", "skill"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    skill: Mapped[str] = mapped_column(String(48))
    evidence: Mapped[float] = mapped_column(Float)
    successes: Mapped[float] = mapped_column(Float)
    as_of: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))
