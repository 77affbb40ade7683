"""Item analysis for compliance officers: how each question of a program did across the
organisation's submitted attempts, weak questions first (the figures and flags are
:mod:`coach.quizzes.item_analysis`'s). The database sums each question's answers; frozen
papers (tens of KB each, thousands per program) are read only to show each question's latest
text and to find the items an attempt left unanswered."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Float, case, cast, func, select

from coach.extensions import db
from coach.models import AttemptAnswer, AttemptStatus, QuizAttempt, User
from coach.quizzes.item_analysis import MIN_ANSWERS, ItemStatistics, ItemSums
from coach.quizzes.program import CertificationProgram
from coach.services import access, certification

# Papers read at a time, newest first, while looking for each question's latest text.
_PAPER_BATCH = 16


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
    submitted = _submitted(officer, chosen)
    attempts = db.session.scalar(select(func.count()).select_from(QuizAttempt).where(*submitted))
    partial = _partly_answered(chosen, submitted)
    sums = _answered_sums(submitted, partial)
    _add_partly_answered(partial, sums)
    shown = _latest_items(submitted, set(sums))
    rows = [
        ItemRow(
            question_id=question,
            bank=str(shown[question].get("bank", "")),
            topic=str(shown[question]["question"].get("topic", "")),
            prompt=str(shown[question]["question"].get("prompt", "")),
            statistics=found.statistics(question),
        )
        for question, found in sums.items()
    ]
    return ItemAnalysis(chosen.id, chosen.title, attempts or 0, sorted(rows, key=_weakest_first))


def _submitted(officer: User, chosen: CertificationProgram) -> tuple[ColumnElement[bool], ...]:
    return (
        QuizAttempt.organisation_id == officer.organisation_id,
        QuizAttempt.program_id == chosen.id,
        QuizAttempt.status == AttemptStatus.SUBMITTED,
    )


def _partly_answered(
    chosen: CertificationProgram, submitted: tuple[ColumnElement[bool], ...]
) -> list[int]:
    """The attempts that left an item unanswered. An attempt of the program as it is now has
    exactly its questions per attempt, so only older papers are counted."""
    items = case(
        (
            QuizAttempt.program_sha256 == certification.program_sha256(chosen.id),
            chosen.questions_per_attempt,
        ),
        else_=func.json_array_length(QuizAttempt.paper["items"]),
    )
    answered = (
        select(func.count())
        .select_from(AttemptAnswer)
        .where(AttemptAnswer.attempt_id == QuizAttempt.id)
        .scalar_subquery()
    )
    return list(db.session.scalars(select(QuizAttempt.id).where(*submitted, answered < items)))


def _answered_sums(
    submitted: tuple[ColumnElement[bool], ...], partial: list[int]
) -> dict[str, ItemSums]:
    """Each question's sums over the attempts of two items or more that answered them all,
    summed by the database: an item's rest is its attempt's total less its own credit."""
    credit = func.coalesce(AttemptAnswer.credit, 0.0)
    of_attempt = AttemptAnswer.attempt_id == QuizAttempt.id
    # Materialized: inlined, its per-attempt subqueries would run again for every answer.
    totals = (
        select(
            QuizAttempt.id.label("attempt_id"),
            select(func.sum(credit)).where(of_attempt).scalar_subquery().label("total"),
            select(func.count())
            .select_from(AttemptAnswer)
            .where(of_attempt)
            .scalar_subquery()
            .label("answered"),
        )
        .where(*submitted, QuizAttempt.id.not_in(partial))
        .cte("totals")
        .prefix_with("MATERIALIZED")
    )
    right = case((AttemptAnswer.credit == 1.0, 1.0), else_=0.0)
    # A float divisor: dividing by an integer, SQLAlchemy casts it to NUMERIC on PostgreSQL,
    # and that decimal arithmetic, six times per answer, took half the page's time.
    rest = (totals.c.total - credit) / cast(totals.c.answered - 1, Float)
    rows = db.session.execute(
        select(
            AttemptAnswer.question_id,
            func.count(),
            func.sum(right),
            func.sum(rest),
            func.sum(right * rest),
            func.sum(rest * rest),
            func.min(rest),
            func.max(rest),
        )
        .select_from(totals)
        .join(AttemptAnswer, AttemptAnswer.attempt_id == totals.c.attempt_id)
        .where(totals.c.answered >= 2)
        .group_by(AttemptAnswer.question_id)
    )
    return {row[0]: ItemSums(row[1], *(float(figure) for figure in row[2:])) for row in rows}


def _add_partly_answered(ids: list[int], sums: dict[str, ItemSums]) -> None:
    """Add the attempts that left items unanswered as :func:`item_statistics` reads them:
    every item of the paper, an unanswered one earning 0."""
    credits = {
        attempt_id: dict.fromkeys(_by_question(paper), 0.0)
        for attempt_id, paper in _papers(ids).items()
    }
    for attempt_id, question, credit in db.session.execute(
        select(AttemptAnswer.attempt_id, AttemptAnswer.question_id, AttemptAnswer.credit)
        .where(AttemptAnswer.attempt_id.in_(ids))
        .order_by(AttemptAnswer.attempt_id, AttemptAnswer.number)
    ):
        credits[attempt_id][question] = credit or 0.0
    for earned in credits.values():
        if len(earned) < 2:
            continue
        total = sum(earned.values())
        for question, credit in earned.items():
            right = 1.0 if credit == 1.0 else 0.0
            sums.setdefault(question, ItemSums()).add(right, (total - credit) / (len(earned) - 1))


def _latest_items(
    submitted: tuple[ColumnElement[bool], ...], wanted: set[str]
) -> dict[str, dict[str, Any]]:
    """Each wanted question's paper item as the latest submitted attempt that drew it showed
    it, reading papers newest first only until every question is found."""
    newest_first = db.session.scalars(
        select(QuizAttempt.id)
        .where(*submitted)
        .order_by(QuizAttempt.submitted_at.desc(), QuizAttempt.id.desc())
    ).all()
    shown: dict[str, dict[str, Any]] = {}
    for start in range(0, len(newest_first), _PAPER_BATCH):
        if wanted <= shown.keys():
            break
        batch = newest_first[start : start + _PAPER_BATCH]
        papers = _papers(batch)
        for attempt_id in batch:
            for question, item in _by_question(papers[attempt_id]).items():
                shown.setdefault(question, item)
    return shown


def _papers(ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """The frozen papers of these attempts, by attempt id."""
    rows = db.session.execute(
        select(QuizAttempt.id, QuizAttempt.paper).where(QuizAttempt.id.in_(ids))
    )
    return {row.id: row.paper for row in rows}


def _by_question(paper: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A paper's items by question id (a question drawn twice: its last item)."""
    return {item["question"]["id"]: item for item in paper.get("items", [])}


def _weakest_first(row: ItemRow) -> tuple[int, float, float, str]:
    """More flags first, then lower discrimination (unknown counts as neutral), then harder."""
    stats = row.statistics
    discrimination = stats.discrimination if stats.discrimination is not None else 1.0
    return (-len(stats.flags), discrimination, stats.difficulty, row.question_id)
