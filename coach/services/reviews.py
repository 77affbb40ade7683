"""A coach's review of a trainee's call or role-play run: comments on transcript lines and
"reviewed" marks (which take the call or run off the review queue).

Acting on a trainee's records is for their coach or an administrator
(:mod:`coach.services.coaching_access`); the trainee may comment on their own call too, so a
comment thread can be a conversation.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from coach.errors import Conflict, Forbidden, ServiceError
from coach.extensions import db
from coach.models import (
    Call,
    CallReview,
    LineComment,
    ScenarioRun,
    TranscriptVersion,
    User,
)
from coach.services import audit, calls, roleplay
from coach.services.coaching_access import may_coach, require_coach
from coach.transcript import Transcript

MAX_COMMENT = 2000


@dataclass(frozen=True)
class CommentLine:
    """A comment and the words of the line it is about (from the version it was made on)."""

    comment: LineComment
    line: str | None


def mark_call_reviewed(viewer: User, call_id: int) -> CallReview:
    call = calls.visible_call(viewer, call_id)
    require_coach(viewer, call.owner, "mark this call reviewed")
    return _mark(viewer, call.organisation_id, call_review(call), CallReview(call_id=call.id))


def mark_run_reviewed(viewer: User, run_id: int) -> CallReview:
    run = roleplay.visible_run(viewer, run_id)
    require_coach(viewer, run.owner, "mark this role-play run reviewed")
    return _mark(viewer, run.organisation_id, run_review(run), CallReview(run_id=run.id))


def _mark(
    viewer: User, organisation_id: int, done: CallReview | None, new: CallReview
) -> CallReview:
    if done is not None:
        who = done.reviewer.name if done.reviewer else "a former user"
        raise Conflict(f"Already marked reviewed by {who} on {done.reviewed_at:%Y-%m-%d}.")
    new.organisation_id, new.reviewer_id = organisation_id, viewer.id
    db.session.add(new)
    db.session.flush()
    subject = ("call", new.call_id) if new.call_id is not None else ("run", new.run_id)
    audit.record(viewer, "coaching.reviewed", *subject)
    db.session.commit()
    return new


def call_review(call: Call) -> CallReview | None:
    return db.session.scalar(select(CallReview).where(CallReview.call_id == call.id).limit(1))


def run_review(run: ScenarioRun) -> CallReview | None:
    return db.session.scalar(select(CallReview).where(CallReview.run_id == run.id).limit(1))


def add_comment(author: User, call_id: int, turn: int | None, text: str) -> LineComment:
    """A comment on line ``turn`` of the call's latest transcript (ServiceError, nothing
    stored, for a blank or over-long text or a line the transcript does not have)."""
    call = calls.visible_call(author, call_id)
    if not (author.id == call.owner_id or may_coach(author, call.owner)):
        raise Forbidden("Only the trainee, their coach or an administrator can comment here.")
    text = (text or "").strip()
    if not text:
        raise ServiceError("Write the comment first: it is empty.")
    if len(text) > MAX_COMMENT:
        raise ServiceError(f"Keep the comment under {MAX_COMMENT} characters.")
    version = calls.latest_transcript(call)
    if version is None:
        raise ServiceError("This call has no transcript to comment on yet.")
    turns = Transcript.model_validate(version.data).turns
    if turn is None or not 0 <= turn < len(turns):
        raise ServiceError("Choose a line of the transcript to comment on.")
    comment = LineComment(
        call_id=call.id,
        transcript_version=version.version,
        turn=turn,
        author_id=author.id,
        text=text,
    )
    db.session.add(comment)
    db.session.flush()
    audit.record(author, "coaching.commented", "call", call.id, comment_id=comment.id, turn=turn)
    db.session.commit()
    return comment


def comments_for(call: Call) -> list[CommentLine]:
    """The call's comments, oldest first, each with the words of its line as commented on."""
    rows = list(
        db.session.scalars(
            select(LineComment)
            .where(LineComment.call_id == call.id)
            .order_by(LineComment.created_at, LineComment.id)
        )
    )
    texts = _turn_texts(call, {row.transcript_version for row in rows})
    return [CommentLine(row, texts.get(row.transcript_version, {}).get(row.turn)) for row in rows]


def _turn_texts(call: Call, versions: set[int]) -> dict[int, dict[int, str]]:
    """Version -> turn index -> words, for the transcript versions asked (one query)."""
    if not versions:
        return {}
    found = db.session.scalars(
        select(TranscriptVersion).where(
            TranscriptVersion.call_id == call.id, TranscriptVersion.version.in_(versions)
        )
    )
    return {
        row.version: dict(enumerate(t.text for t in Transcript.model_validate(row.data).turns))
        for row in found
    }
