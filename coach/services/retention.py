"""The retention policy: recordings older than COACH_RETENTION_DAYS are deleted, scores kept.

A recording is personal data that the transcript and scorecard no longer need once a call is
reviewed. The call keeps its transcripts and scorecards and records when the recording went
(``Call.recording_deleted_at``), so its page can say so.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from coach.extensions import db
from coach.models import Call
from coach.models._columns import utcnow
from coach.services import audit
from coach.services.calls import store

log = logging.getLogger(__name__)


def apply_retention(now: datetime | None = None) -> list[int]:
    """Delete every recording past the retention period; returns the ids of their calls."""
    now = now or utcnow()
    cutoff = now - timedelta(days=current_app.config["COACH"]["RETENTION_DAYS"])
    expired = list(
        db.session.scalars(
            select(Call)
            .where(Call.created_at < cutoff, Call.recording_deleted_at.is_(None))
            .order_by(Call.id)
        )
    )
    for call in expired:
        call.recording_deleted_at = now
        release_recording(call)
        audit.record(
            None, "recording_expired", "call", call.id, organisation_id=call.organisation_id
        )
    db.session.commit()
    if expired:
        log.info("retention: deleted the recordings of %d call(s)", len(expired))
    return [call.id for call in expired]


def retention_task(_payload: dict, progress: Callable[[float], None]) -> None:
    """Job task (kind ``apply_retention``): the policy, run periodically by the job runner."""
    apply_retention()
    progress(1.0)


def release_recording(call: Call) -> None:
    """Delete ``call``'s recording file unless another call still keeps the same bytes.

    The store is content-addressed: identical uploads share one file, so the file goes only
    when no other call whose recording is kept points at it.
    """
    shared = db.session.scalar(
        select(Call.id)
        .where(
            Call.recording_sha256 == call.recording_sha256,
            Call.recording_ext == call.recording_ext,
            Call.recording_deleted_at.is_(None),
            Call.id != call.id,
        )
        .limit(1)
    )
    if shared is None:
        store().delete(call.recording_sha256, call.recording_ext)
