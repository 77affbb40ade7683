"""An organisation's revisions of the shipped question banks, appended, never updated.

The bank files under ``content/quizzes/`` are every organisation's starting point; a compliance
officer's edit, new question, retirement or restoration is one more row here for their
organisation only. The latest revision of a question wins; the earlier ones stay as the
history an auditor reads. Attempts never point here: each keeps its whole paper.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coach.db import Base
from coach.models._columns import utcnow

if TYPE_CHECKING:
    from coach.models.user import User


class QuestionEdit(Base):
    """Revision ``revision`` (1, 2, … per organisation and question) of one question."""

    __tablename__ = "question_edits"
    # Two officers saving the same question at once both claim the next revision: one loses.
    __table_args__ = (UniqueConstraint("organisation_id", "bank", "question_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    bank: Mapped[str] = mapped_column(String(64))
    question_id: Mapped[str] = mapped_column(String(64), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    # The whole question, shaped as in a bank file (QuestionModel.model_dump(mode="json")).
    question: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The question's content digest (QuestionModel.version()), as an attempt's paper has it.
    version: Mapped[str] = mapped_column(String(16))
    # Retired questions are kept (attempts and history name them) but no longer drawn.
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    note: Mapped[str] = mapped_column(Text)

    edited_by: Mapped[User | None] = relationship()
