"""A coach's override of a dimension score, with the reason: appended and audited, the
engine's scorecard kept as it was, and the trainee's progress recomputed with it.

The latest override of each dimension of a scorecard wins; the earlier ones stay as history.
The progress rows (``Activity``, observations, breaches) are rewritten in the same
transaction, so a list or a dashboard never shows a score the overrides disagree with.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from coach.errors import ServiceError
from coach.extensions import db
from coach.models import Call, CallScore, ScoreOverride, User
from coach.progress.scorecard_overrides import DIMENSIONS, OverrideError, check_override
from coach.services import audit, calls, progress, scoring
from coach.services.coaching_access import require_coach

MAX_REASON = 2000


@dataclass(frozen=True)
class Overridden:
    """A dimension as shown: the engine's score, the override now in force, its history."""

    dimension: str
    original: int | None
    current: ScoreOverride
    earlier: list[ScoreOverride]


def override(
    coach: User, call_id: int, dimension: str, new_score: int | None, reason: str
) -> ScoreOverride:
    """Overrides ``dimension`` of the call's latest scorecard (NotFound if the coach may not
    see the call, Forbidden if not their trainee's, ServiceError for a blank reason, a score
    outside 0..100, a dimension the engine could not judge); nothing changes when refused."""
    call = calls.visible_call(coach, call_id)
    require_coach(coach, call.owner, "override this call's score")
    score = scoring.latest_score(call)
    if score is None:
        raise ServiceError("This call has no scorecard to override yet.")
    row = add(coach, call, score, dimension, new_score, reason)
    db.session.commit()
    return row


def add(
    coach: User, call: Call, score: CallScore, dimension: str, new_score: int | None, reason: str
) -> ScoreOverride:
    """The override row, audited, with the call's progress rows rewritten; not committed (a
    dispute's resolution commits it with the resolution). The caller checked the coach."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("Give the reason for the override: the trainee reads it.")
    if len(reason) > MAX_REASON:
        raise ServiceError(f"Keep the reason under {MAX_REASON} characters.")
    if new_score is None:
        raise ServiceError("Give the new score, a whole number from 0 to 100.")
    try:
        check_override(score.data, dimension, new_score)
    except OverrideError as error:
        raise ServiceError(str(error)) from None
    row = ScoreOverride(
        call_score_id=score.id,
        dimension=dimension,
        original_score=score.data["dimensions"][dimension],
        new_score=new_score,
        reason=reason,
        author_id=coach.id,
    )
    db.session.add(row)
    db.session.flush()
    _apply(call, score)
    audit.record(
        coach,
        "score.overridden",
        "call_score",
        score.id,
        call_id=call.id,
        dimension=dimension,
        original=row.original_score,
        new=new_score,
        override_id=row.id,
    )
    return row


def _apply(call: Call, score: CallScore) -> None:
    """Rewrites the call's progress rows with the latest override of every dimension."""
    latest = {d: row.new_score for d, row in latest_overrides(score).items()}
    progress.record_call_score(call, score, overrides=latest)


def latest_overrides(score: CallScore) -> dict[str, ScoreOverride]:
    """Dimension -> the override in force (the newest) on ``score``."""
    return {d: rows[0] for d, rows in _by_dimension(score).items()}


def overridden(score: CallScore) -> list[Overridden]:
    """Every overridden dimension of ``score`` in scorecard order, with its history."""
    found = _by_dimension(score)
    return [
        Overridden(d, found[d][0].original_score, found[d][0], found[d][1:])
        for d in DIMENSIONS
        if d in found
    ]


def latest_override_id(score: CallScore) -> int | None:
    """The newest override of any dimension of ``score`` (what a trainee responds to)."""
    return db.session.scalar(
        select(ScoreOverride.id)
        .where(ScoreOverride.call_score_id == score.id)
        .order_by(ScoreOverride.id.desc())
        .limit(1)
    )


def _by_dimension(score: CallScore) -> dict[str, list[ScoreOverride]]:
    rows = db.session.scalars(
        select(ScoreOverride)
        .where(ScoreOverride.call_score_id == score.id)
        .order_by(ScoreOverride.id.desc())
    )
    grouped: dict[str, list[ScoreOverride]] = {}
    for row in rows:
        grouped.setdefault(row.dimension, []).append(row)
    return grouped
