"""Redacting what was stored before redaction existed: every transcript version and score."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from coach.extensions import db
from coach.models import CallScore, TranscriptVersion
from coach.privacy import redact_strings, redact_transcript
from coach.transcript import Transcript

_BATCH = 200


@dataclass(frozen=True)
class RedactionCount:
    """How many stored rows were examined and how many of them changed."""

    transcripts: int
    transcripts_changed: int
    scores: int
    scores_changed: int


def redact_existing() -> RedactionCount:
    """Rewrite every stored transcript version and scorecard in redacted form (idempotent).

    Old scorecards are redacted string by string rather than re-scored: a re-score would add
    a new row and leave the old one holding the numbers.
    """
    transcripts = changed_transcripts = 0
    for version in _each(TranscriptVersion):
        transcripts += 1
        redacted = redact_transcript(Transcript.model_validate(version.data)).to_json_dict()
        if redacted != version.data:
            version.data, changed_transcripts = redacted, changed_transcripts + 1
    scores = changed_scores = 0
    for score in _each(CallScore):
        scores += 1
        redacted_card = redact_strings(score.data)
        if redacted_card != score.data:
            score.data, changed_scores = redacted_card, changed_scores + 1
    db.session.commit()
    return RedactionCount(transcripts, changed_transcripts, scores, changed_scores)


def _each(model: type[TranscriptVersion] | type[CallScore]):
    """Rows of ``model`` in id order, a batch at a time, committing each batch."""
    last = 0
    while True:
        rows = list(
            db.session.scalars(
                select(model).where(model.id > last).order_by(model.id).limit(_BATCH)
            )
        )
        if not rows:
            return
        yield from rows
        db.session.commit()
        last = rows[-1].id
