"""Item analysis for compliance officers: how each question of a program did across the
organisation's submitted attempts, weak questions first (the figures are
:mod:`coach.quizzes.item_analysis`'s; this module gathers the attempts and their frozen text)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from coach.extensions import db
from coach.models import AttemptStatus, QuizAttempt, User
from coach.quizzes.item_analysis import MIN_ANSWERS, ItemStatistics, item_statistics
from coach.services import access, certification


@dataclass(frozen=True)
class ItemRow:
    """A question's figures with its text as the latest attempt that drew it showed it."""

    question_id: str
    bank: str
    topic: str
    prompt: str
    statistics: ItemStatistics

    @property
    def weak(self) -> bool:
        return bool(self.statistics.flags)


@dataclass(frozen=True)
class ItemAnalysis:
    program_id: str
    program_title: str
    attempts: int
    items: list[ItemRow]
    # Below this many answers a question's figures are shown but never flagged.
    min_answers: int = MIN_ANSWERS


def item_analysis(officer: User, program_id: str) -> ItemAnalysis:
    """Difficulty and discrimination of every question the program's submitted attempts in
    the organisation drew; an item left unanswered earns 0. Weak questions come first."""
    access.require_compliance(officer, "read certification reports")
    chosen = certification.program(program_id)
    attempts = list(
        db.session.scalars(
            select(QuizAttempt)
            .where(
                QuizAttempt.organisation_id == officer.organisation_id,
                QuizAttempt.program_id == chosen.id,
                QuizAttempt.status == AttemptStatus.SUBMITTED,
            )
            .options(selectinload(QuizAttempt.answers))
            .order_by(QuizAttempt.submitted_at, QuizAttempt.id)
        )
    )
    shown: dict[str, dict[str, Any]] = {}
    credits = []
    for attempt in attempts:
        items = attempt.paper.get("items", [])
        for item in items:  # oldest first, so the latest version seen wins
            shown[item["question"]["id"]] = item
        earned = {item["question"]["id"]: 0.0 for item in items}
        for answer in attempt.answers:
            earned[answer.question_id] = answer.credit or 0.0
        credits.append(earned)
    rows = [
        ItemRow(
            question_id=stats.question,
            bank=str(shown[stats.question].get("bank", "")),
            topic=str(shown[stats.question]["question"].get("topic", "")),
            prompt=str(shown[stats.question]["question"].get("prompt", "")),
            statistics=stats,
        )
        for stats in item_statistics(credits)
    ]
    return ItemAnalysis(chosen.id, chosen.title, len(attempts), sorted(rows, key=_weakest_first))


def _weakest_first(row: ItemRow) -> tuple[int, float, float, str]:
    """More flags first, then lower discrimination (unknown counts as neutral), then harder."""
    stats = row.statistics
    discrimination = stats.discrimination if stats.discrimination is not None else 1.0
    return (-len(stats.flags), discrimination, stats.difficulty, row.question_id)
