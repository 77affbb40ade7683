"""Scored practice calls made without the models: a stored call, a scorecard in the contract's
shape with the findings and dimension scores a test chooses, and the activity and breach rows
``progress.record_call_score`` writes from it (the rows reports and calibration read)."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path

from coach.extensions import db
from coach.models import Call, CallScore
from coach.services import progress
from tests import records

_TEMPLATE = Path(__file__).parent / "data/scorecard_contract/us_timed_with_metadata.scorecard.json"
NOT_ASSESSABLE_RULE = "US-REGF-1006.26b-TIME-BARRED-SUIT-THREAT"  # in the template's list
THREAT = "US-FDCPA-1692e4-THREAT-ARREST"
MINI_MIRANDA = "US-FDCPA-1692e11-MINI-MIRANDA"


def scorecard(breached: Iterable[str], dimensions: Mapping[str, float] | None = None) -> dict:
    """The template scorecard with exactly ``breached`` as violations, plus a suspected one."""
    data = json.loads(_TEMPLATE.read_text())
    finding = copy.deepcopy(data["findings"][0])
    data["findings"] = [
        {**finding, "rule_id": rule, "status": "violation", "severity": "critical"}
        for rule in breached
    ] + [{**finding, "rule_id": "US-REGF-1006.34-VALIDATION-INFO", "status": "suspected"}]
    data["dimensions"] = {**data["dimensions"], **(dimensions or {})}
    return data


def scored_call(
    owner_id: int,
    breached: Iterable[str] = (),
    dimensions: Mapping[str, float] | None = None,
    at: datetime | None = None,
    title: str = "Practice call",
) -> int:
    """A transcribed US call of the user with one score and its progress rows; its id."""
    call_id = records.transcribed_call(owner_id)
    call = db.session.get(Call, call_id)
    assert call is not None
    call.title = title
    if at is not None:
        call.created_at = at
    score = CallScore(
        call_id=call.id,
        transcript_version=1,
        total=50,
        data=scorecard(breached, dimensions),
        content=[],
    )
    db.session.add(score)
    db.session.flush()
    progress.record_call_score(call, score)
    db.session.commit()
    return call_id
