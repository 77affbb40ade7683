"""Scoring practice calls: a job after transcription (and after edits), the latest scorecard."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy import select

from coach.engines import engines_of
from coach.errors import ServiceError
from coach.extensions import db
from coach.models import Call, CallScore, Job, JobStatus, TranscriptVersion, User
from coach.privacy import redact_strings
from coach.services import audit, user_limits
from coach.services.calls import (
    changeable_call,
    decode_recording,
    latest_transcript,
    queue_scoring,
    store,
)
from coach.services.progress import record_call_score
from coach.transcript import Transcript

if TYPE_CHECKING:
    from coach.scoring.pipeline import ScoringModels

log = logging.getLogger(__name__)


def request_rescore(actor: User, call_id: int) -> Job:
    """Score again on demand (e.g. after a transcript edit or a rule-pack update).

    A scoring job of the call already queued is returned as it is (not queued twice); new
    requests are limited per user and minute (RateLimited), and refused at once while the
    scoring models are known to be unavailable (EngineUnavailable)."""
    call = changeable_call(actor, call_id)
    if latest_transcript(call) is None:
        raise ServiceError("This call has no transcript to score yet.")
    engines_of().refuse_if_unavailable("scoring")
    pending = call.score_job
    if pending is not None and pending.status == JobStatus.QUEUED:
        return pending
    user_limits.check(actor, user_limits.RESCORE)
    audit.record(actor, "call_rescored", "call", call.id)
    db.session.commit()
    return queue_scoring(call, actor.id)


def score_task(payload: dict, progress: Callable[[float], None]) -> None:
    """Job task: score the latest transcript version and append a CallScore (once per job:
    run again after an interruption, it finds the score it stored)."""
    call = db.session.get(Call, payload["call_id"])
    if call is None:
        raise ServiceError("The call no longer exists.")
    job_id = payload.get("job_id")
    made = select(CallScore.id).where(CallScore.job_id == job_id)
    if job_id is not None and db.session.scalar(made) is not None:
        return
    version = latest_transcript(call)
    if version is None:
        raise ServiceError("The call has no transcript to score.")
    models = engines_of().scoring_models()
    progress(0.3)
    add_score(call, version, models, audio=_mono_audio(call), job_id=job_id)
    db.session.commit()
    log.info("call %s scored (transcript v%s)", call.id, version.version)


def add_score(
    call: Call,
    version: TranscriptVersion,
    models: ScoringModels,
    audio: np.ndarray | None,
    job_id: int | None = None,
) -> CallScore:
    """Scores ``version`` of ``call`` and adds the CallScore with the progress model's rows
    (not committed): the one way a call's scorecard is made, by the scoring job and by the
    demo activity (which has no recording, so no prosody)."""
    from coach.scoring.pipeline import score_transcript

    try:
        scorecard = score_transcript(
            Transcript.model_validate(version.data),
            call.jurisdiction,
            {"call_type": call.call_type},
            models,
            audio=audio,
        )
    except ValueError as error:
        raise ServiceError(f"The call could not be scored: {error}") from None
    stored = CallScore(
        call_id=call.id,
        transcript_version=version.version,
        total=scorecard.total,
        scorecard_id=scorecard.versions.scorecard.id,
        scorecard_version=scorecard.versions.scorecard.version,
        engine_version=scorecard.versions.engine,
        content=engines_of().content_pins(call.jurisdiction, scorecard.versions.scorecard.id),
        # Scoring read a redacted transcript; redacting its quotes again costs little and
        # holds even if a scorer ever quotes text from elsewhere.
        data=redact_strings(scorecard.to_json_dict()),
        job_id=job_id,
    )
    db.session.add(stored)
    # The progress model's evidence lands with the score it comes from (one transaction).
    record_call_score(call, stored)
    return stored


def _mono_audio(call: Call) -> np.ndarray | None:
    """The recording as 16 kHz mono samples for prosody; None if it cannot be read any more."""
    try:
        return decode_recording(store().path(call.recording_sha256, call.recording_ext)).mono()
    except ValueError:
        log.warning("call %s: recording unreadable, scoring without prosody", call.id)
        return None


def latest_score(call: Call) -> CallScore | None:
    return db.session.scalar(
        select(CallScore).where(CallScore.call_id == call.id).order_by(CallScore.id.desc()).limit(1)
    )
