"""The call page never shows a scorecard of an older transcript version as the call's, and
its status says which transcript version and scorecard are current, so the page can fetch
the newer ones by itself (the browser side: tests/e2e/test_call_live_update.py)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from coach.extensions import db
from coach.models import Call, CallScore, JobStatus, TranscriptVersion
from tests.helpers import csrf_token, post_upload, uploaded_call_id

pytestmark = pytest.mark.usefixtures("fake_models")


def _scored_call(client: FlaskClient, test_audio) -> int:
    response = post_upload(client, test_audio.call_stereo.read_bytes(), "call.flac")
    return uploaded_call_id(response)


def test_status_names_the_current_transcript_version_and_scorecard(
    client: FlaskClient, sign_in_as, app: Flask, test_audio
) -> None:
    sign_in_as("priya")
    call_id = _scored_call(client, test_audio)
    state = client.get(f"/calls/{call_id}/status.json").get_json()
    with app.app_context():
        score = db.session.query(CallScore).filter_by(call_id=call_id).one()
        assert state["score_id"] == score.id
    assert state["transcript_version"] == 1 and state["score_version"] == 1
    assert state["pending"] is False and state["call_status"] == "transcribed"

    token = csrf_token(client, f"/calls/{call_id}")
    edited = client.post(
        f"/calls/{call_id}/transcript",
        json={"edits": [{"index": 0, "text": "Hello, this is Coach calling."}]},
        headers={"X-CSRFToken": token},
    )
    assert edited.status_code == 200, edited.get_data(as_text=True)
    after = client.get(f"/calls/{call_id}/status.json").get_json()
    assert after["transcript_version"] == 2 and after["score_version"] == 2  # inline runner
    assert after["score_id"] != state["score_id"]


def test_a_scorecard_of_an_older_version_is_not_shown_as_current(
    client: FlaskClient, sign_in_as, app: Flask, test_audio
) -> None:
    sign_in_as("priya")
    call_id = _scored_call(client, test_audio)
    page = client.get(f"/calls/{call_id}").get_data(as_text=True)
    assert 'class="total"' in page and 'data-pending="no"' in page
    with app.app_context():  # a new version saved; its scoring job not yet run
        call = db.session.get(Call, call_id)
        latest = db.session.query(TranscriptVersion).filter_by(call_id=call_id).one()
        db.session.add(
            TranscriptVersion(call_id=call_id, version=2, origin="edit", data=latest.data)
        )
        assert call.score_job is not None
        call.score_job.status = JobStatus.QUEUED
        db.session.commit()
    page = client.get(f"/calls/{call_id}").get_data(as_text=True)
    assert "Scoring this version…" in page and 'class="total"' not in page
    assert 'data-pending="yes"' in page and 'data-transcript-version="2"' in page
    state = client.get(f"/calls/{call_id}/status.json").get_json()
    assert state["pending"] is True and state["score_version"] == 1
    with app.app_context():  # the job failed: say so, offer to score again
        call = db.session.get(Call, call_id)
        call.score_job.status, call.score_job.error = JobStatus.FAILED, "Models unavailable."
        db.session.commit()
    page = client.get(f"/calls/{call_id}").get_data(as_text=True)
    assert "Scoring transcript version 2 failed: Models unavailable." in page
    assert 'class="total"' not in page and "Score again" in page


def test_the_live_regions_and_the_review_spot_are_on_the_page(
    client: FlaskClient, sign_in_as, test_audio
) -> None:
    sign_in_as("priya")
    call_id = _scored_call(client, test_audio)
    page = client.get(f"/calls/{call_id}").get_data(as_text=True)
    for region in ("job-region", "transcript-meta", "scorecard-region", "transcript-region"):
        assert f'id="{region}" data-live' in page
    assert 'id="live-announcer" aria-live="polite"' in page
