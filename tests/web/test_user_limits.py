"""Rescores and transcript edits: de-duplicated, and limited per user and minute (429)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from coach.extensions import db
from coach.models import AuditEntry, Call, Job, JobKind, TranscriptVersion, User
from coach.services import calls
from tests.conftest import SessionAudio
from tests.helpers import csrf_token, sign_in

pytestmark = pytest.mark.usefixtures("fake_models")
JSON = {"Accept": "application/json"}


class _NoRunner:
    """Queues without running, so a queued job stays queued."""

    def submit(self, job_id: int) -> None:
        pass

    def catch_up(self, ready: int) -> None:
        pass


def _scored_call(app: Flask, user_id: int, test_audio: SessionAudio) -> int:
    with app.app_context():
        owner = db.session.get(User, user_id)
        details = calls.NewCall("Practice", "initial", "US", "one", True)
        with test_audio.speech.open("rb") as stream:
            return calls.create_call(owner, details, stream, "speech.flac").id


def _count(app: Flask, query) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def test_a_rescore_flood_gets_429s_past_the_limit(
    app: Flask, client: FlaskClient, sign_in_as, test_audio, monkeypatch
) -> None:
    monkeypatch.setitem(app.config["COACH"], "RESCORES_PER_MINUTE", 3)
    login = sign_in_as("priya")
    call_id = _scored_call(app, login.user_id, test_audio)
    token = csrf_token(client, f"/calls/{call_id}")
    answers = [
        client.post(f"/calls/{call_id}/rescore", data={"csrf_token": token}, headers=JSON)
        for _ in range(5)
    ]
    assert [a.status_code for a in answers] == [200, 200, 200, 429, 429]
    assert "at most 3 a minute" in answers[3].get_json()["error"]
    assert 1 <= int(answers[3].headers["Retry-After"]) <= 60
    page = client.post(f"/calls/{call_id}/rescore", data={"csrf_token": token})
    assert page.status_code == 429 and "Too many rescore requests" in page.get_data(as_text=True)
    rescored = select(AuditEntry.id).where(AuditEntry.action == "call_rescored")
    assert _count(app, rescored) == 3  # refused requests did nothing


def test_the_limit_is_per_user(
    app: Flask, client: FlaskClient, sign_in_as, people, test_audio, monkeypatch
) -> None:
    monkeypatch.setitem(app.config["COACH"], "RESCORES_PER_MINUTE", 1)
    call_id = _scored_call(app, people["priya"].user_id, test_audio)
    sign_in_as("priya")
    token = csrf_token(client, f"/calls/{call_id}")
    for expected in (200, 429):
        answer = client.post(f"/calls/{call_id}/rescore", data={"csrf_token": token}, headers=JSON)
        assert answer.status_code == expected
    other = app.test_client()
    sign_in(other, people["coach"])  # priya's coach may rescore her call: their own allowance
    token = csrf_token(other, f"/calls/{call_id}")
    answer = other.post(f"/calls/{call_id}/rescore", data={"csrf_token": token}, headers=JSON)
    assert answer.status_code == 200


def test_a_rescore_already_queued_is_not_queued_again(
    app: Flask, client: FlaskClient, sign_in_as, test_audio
) -> None:
    login = sign_in_as("priya")
    call_id = _scored_call(app, login.user_id, test_audio)
    queue = app.extensions["coach.jobs"]
    runner, queue.runner = queue.runner, _NoRunner()
    try:
        token = csrf_token(client, f"/calls/{call_id}")
        answers = [
            client.post(f"/calls/{call_id}/rescore", data={"csrf_token": token}, headers=JSON)
            for _ in range(4)
        ]
    finally:
        queue.runner = runner
    assert {a.status_code for a in answers} == {200}
    assert len({a.get_json()["job_id"] for a in answers}) == 1
    score_jobs = select(Job.id).where(Job.kind == JobKind.SCORE)
    assert _count(app, score_jobs) == 2  # the upload's scoring and one rescore
    with app.app_context():
        assert db.session.get(Call, call_id).score_job_id == answers[0].get_json()["job_id"]


def test_transcript_edits_are_limited_and_unchanged_edits_save_nothing(
    app: Flask, client: FlaskClient, sign_in_as, test_audio, monkeypatch
) -> None:
    monkeypatch.setitem(app.config["COACH"], "TRANSCRIPT_EDITS_PER_MINUTE", 2)
    login = sign_in_as("priya")
    call_id = _scored_call(app, login.user_id, test_audio)
    headers = {**JSON, "X-CSRFToken": csrf_token(client, f"/calls/{call_id}")}

    def edit(text: str):
        body = {"edits": [{"index": 0, "text": text}]}
        return client.post(f"/calls/{call_id}/transcript", json=body, headers=headers)

    versions = select(TranscriptVersion.id).where(TranscriptVersion.call_id == call_id)
    assert [edit("first").status_code, edit("second").status_code] == [200, 200]
    assert edit("second").get_json()["version"] == 3  # the same text again: nothing new
    limited = edit("third")
    assert limited.status_code == 429
    assert "Too many transcript edits" in limited.get_json()["error"]
    assert _count(app, versions) == 3
