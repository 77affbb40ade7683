"""Transcription ends by scoring the call; edits and "score again" append new scorecards."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from coach.extensions import db
from coach.models import Activity, Call, CallScore
from coach.scoring.pipeline import ENGINE_VERSION
from tests.helpers import csrf_token, post_upload

pytestmark = pytest.mark.ml


def _upload_stereo(client: FlaskClient, recording: Path) -> str:
    response = post_upload(
        client, recording.read_bytes(), "call.ogg", title="Hardship call", speakers="two"
    )
    assert response.status_code == 302
    return response.headers["Location"]


def _edit_first_turn(client: FlaskClient, location: str, text: str) -> int:
    """Replace turn 0's words through the transcript editor; returns the call id."""
    call_id = int(location.rsplit("/", 1)[1])
    response = client.post(
        f"/calls/{call_id}/transcript",
        data=json.dumps({"edits": [{"index": 0, "text": text}]}),
        headers={"X-CSRFToken": csrf_token(client, location), "Content-Type": "application/json"},
    )
    assert response.status_code == 200
    return call_id


def test_transcribed_call_gets_an_explained_scorecard(
    client: FlaskClient, sign_in_as, app, test_audio
) -> None:
    sign_in_as("priya")
    location = _upload_stereo(client, test_audio.stereo_call)
    call_id = int(location.rsplit("/", 1)[1])
    with app.app_context():
        score = db.session.query(CallScore).filter_by(call_id=call_id).one()
        card = score.data
        versions = (score.scorecard_id, score.scorecard_version, score.engine_version)
        pinned = score.content
        catalog = app.extensions["coach.catalog"]
        us_packs = [pack.pack for pack in catalog.get("rules") if pack.jurisdiction == "US"]
        expected = (
            catalog.pins("rules", us_packs)
            + catalog.pins("scorecards", [card["scorecard"]["id"]])
            + catalog.pins("tone")
            + catalog.pins("debtor_affect")
        )
    # The row pins exactly the US packs (no other jurisdiction's), its scorecard and the corpora.
    assert us_packs and pinned == expected
    assert {pin["kind"] for pin in pinned} == {"rules", "scorecards", "tone", "debtor_affect"}
    assert versions == (card["scorecard"]["id"], card["scorecard"]["version"], ENGINE_VERSION)
    assert card["versions"]["engine"] == ENGINE_VERSION
    assert 0 <= card["total"] <= 100
    assert set(card["dimensions"]) == {
        "compliance",
        "tone",
        "listening",
        "negotiation",
        "structure",
    }
    agent_turns = [t for t in card["turns"] if t["speaker"] == "agent"]
    assert agent_turns and all(t["tone"] for t in agent_turns)
    # The agent reads the mini-Miranda in this call ("this is an attempt to collect a debt").
    satisfied = {rule for t in card["turns"] for rule in t["satisfies"]}
    assert "US-FDCPA-1692e11-MINI-MIRANDA" in satisfied
    page = client.get(location).get_data(as_text=True)
    assert "Scorecard" in page and f"{round(card['total'])}" in page


def test_transcript_edit_is_rescored(client: FlaskClient, sign_in_as, app, test_audio) -> None:
    sign_in_as("priya")
    location = _upload_stereo(client, test_audio.stereo_call)
    call_id = _edit_first_turn(client, location, "Pay today or we will have you arrested.")
    with app.app_context():
        scores = db.session.query(CallScore).filter_by(call_id=call_id).order_by(CallScore.id).all()
        assert [s.transcript_version for s in scores] == [1, 2]
        findings = scores[-1].data["findings"]
        assert any(
            f["rule_id"] == "US-FDCPA-1692e4-THREAT-ARREST" and f["turn"] == 0 for f in findings
        )
        assert scores[-1].total < scores[0].total
        assert db.session.get(Call, call_id).score_job.status.value == "done"
        # One activity per call, following the latest score, with the new breach on record.
        activity = db.session.query(Activity).filter_by(kind="call", source_id=call_id).one()
        assert activity.score == scores[-1].total
        breached = {row.rule_id for row in activity.rule_breaches}
        assert "US-FDCPA-1692e4-THREAT-ARREST" in breached
        assert {o.skill for o in activity.observations} == {
            o["skill"] for o in scores[-1].data["skill_observations"]
        }


def test_call_page_says_which_rule_set_a_tone(client: FlaskClient, sign_in_as, test_audio) -> None:
    sign_in_as("priya")
    location = _upload_stereo(client, test_audio.stereo_call)
    _edit_first_turn(client, location, "Could you please just pay the damn balance, sir?")
    page = client.get(location).get_data(as_text=True)
    assert "set by the rule: profanity" in page
