"""The trainee's answer to a score: acknowledge it, or dispute it with a reason; the coach
resolves a dispute with a note (and, if they agree, an override).

A trainee answers a scorecard as it stands: once per state of it (its latest override), so
a coach's new override asks for a new answer while a replayed form gets a clear refusal.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from coach.errors import Conflict, Forbidden, NotFound, ServiceError
from coach.extensions import db
from coach.models import Call, CallScore, ResponseState, Role, ScoreResponse, User
from coach.models._columns import utcnow
from coach.services import access, audit, calls, overrides, scoring
from coach.services.coaching_access import require_coach

MAX_TEXT = 2000


@dataclass(frozen=True)
class OpenDispute:
    dispute: ScoreResponse
    call: Call


def acknowledge(trainee: User, call_id: int) -> ScoreResponse:
    """The trainee accepts the call's latest score as it stands."""
    call, score = _answerable(trainee, call_id)
    return _respond(trainee, call, score, ResponseState.ACKNOWLEDGED, None)


def dispute(trainee: User, call_id: int, reason: str) -> ScoreResponse:
    """The trainee disputes the call's latest score; the reason is required."""
    call, score = _answerable(trainee, call_id)
    reason = _text(reason, "Say why you dispute the score: your coach reads it.")
    return _respond(trainee, call, score, ResponseState.OPEN, reason)


def resolve(
    coach: User,
    dispute_id: int,
    resolution: str,
    dimension: str | None = None,
    new_score: int | None = None,
) -> ScoreResponse:
    """Closes an open dispute with the coach's note; with ``dimension`` it also overrides
    that dimension (the note is the override's reason), in the same transaction."""
    call, score = disputed(coach, dispute_id)
    row = db.session.get(ScoreResponse, dispute_id)
    assert row is not None  # disputed() found it
    require_coach(coach, call.owner, "resolve this dispute")
    if row.state == ResponseState.RESOLVED:
        who = row.resolved_by.name if row.resolved_by else "a former user"
        when = row.resolved_at.strftime("%Y-%m-%d") if row.resolved_at else "an earlier date"
        raise Conflict(f"This dispute was already resolved by {who} on {when}.")
    resolution = _text(resolution, "Write the resolution: the trainee reads it.")
    if dimension:
        overrides.add(coach, call, score, dimension, new_score, resolution)
    row.state = ResponseState.RESOLVED
    row.resolution, row.resolved_by_id, row.resolved_at = resolution, coach.id, utcnow()
    audit.record(
        coach,
        "score.dispute_resolved",
        "score_response",
        row.id,
        call_id=call.id,
        overridden=bool(dimension),
    )
    db.session.commit()
    return row


def disputed(viewer: User, dispute_id: int) -> tuple[Call, CallScore]:
    """The call and scorecard a dispute is about, if ``viewer`` may see the call; else
    NotFound (an acknowledgement is not a dispute)."""
    row = db.session.get(ScoreResponse, dispute_id)
    score = db.session.get(CallScore, row.call_score_id) if row else None
    if row is None or score is None or row.state == ResponseState.ACKNOWLEDGED:
        raise NotFound("No such dispute.")
    return calls.visible_call(viewer, score.call_id), score


def responses_for(score: CallScore) -> list[ScoreResponse]:
    """Every answer to ``score``, newest first."""
    return list(
        db.session.scalars(
            select(ScoreResponse)
            .where(ScoreResponse.call_score_id == score.id)
            .order_by(ScoreResponse.id.desc())
        )
    )


def may_respond(viewer: User, call: Call, score: CallScore) -> bool:
    """Whether the page should offer ``viewer`` Acknowledge and Dispute on ``score``."""
    return viewer.id == call.owner_id and _refusal(score) is None


def open_disputes(viewer: User) -> list[OpenDispute]:
    """Open disputes on the calls of the trainees ``viewer`` coaches (an admin: all in the
    organisation), oldest first: the longest waiting is answered first."""
    query = (
        select(ScoreResponse, Call)
        .join(CallScore, ScoreResponse.call_score_id == CallScore.id)
        .join(Call, CallScore.call_id == Call.id)
        .where(ScoreResponse.state == ResponseState.OPEN)
        .where(Call.organisation_id == viewer.organisation_id)
        .order_by(ScoreResponse.created_at, ScoreResponse.id)
    )
    if not viewer.has_role(Role.ADMIN):
        query = query.where(Call.owner_id.in_(access.coached_user_ids(viewer) - {viewer.id}))
    return [OpenDispute(row, call) for row, call in db.session.execute(query)]


def _answerable(trainee: User, call_id: int) -> tuple[Call, CallScore]:
    call = calls.visible_call(trainee, call_id)
    if call.owner_id != trainee.id:
        raise Forbidden("Only the trainee whose call this is can acknowledge or dispute its score.")
    score = scoring.latest_score(call)
    if score is None:
        raise ServiceError("This call has no scorecard yet.")
    refusal = _refusal(score)
    if refusal is not None:
        raise Conflict(refusal)
    return call, score


def _refusal(score: CallScore) -> str | None:
    """Why the trainee may not answer ``score`` now, or None."""
    latest = db.session.scalar(
        select(ScoreResponse)
        .where(ScoreResponse.call_score_id == score.id)
        .order_by(ScoreResponse.id.desc())
        .limit(1)
    )
    if latest is None:
        return None
    if latest.state == ResponseState.OPEN:
        return "Your dispute of this score is still open: your coach will resolve it."
    if latest.override_id == overrides.latest_override_id(score):
        return "You have already answered this score; a new override by your coach reopens it."
    return None


def _respond(
    trainee: User, call: Call, score: CallScore, state: ResponseState, reason: str | None
) -> ScoreResponse:
    row = ScoreResponse(
        call_score_id=score.id,
        override_id=overrides.latest_override_id(score),
        trainee_id=trainee.id,
        state=state,
        reason=reason,
    )
    db.session.add(row)
    db.session.flush()
    action = "score.acknowledged" if state == ResponseState.ACKNOWLEDGED else "score.disputed"
    audit.record(trainee, action, "score_response", row.id, call_id=call.id)
    db.session.commit()
    return row


def _text(value: str, empty: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ServiceError(empty)
    if len(value) > MAX_TEXT:
        raise ServiceError(f"Keep it under {MAX_TEXT} characters.")
    return value
