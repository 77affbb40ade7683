"""An engine that cannot load: the app runs, the doctor names it, jobs needing it wait (and
say why) instead of failing, the web answers 503 for it, and all resumes once it is back."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from coach import engines
from coach.engines import EXTENSION as ENGINES
from coach.extensions import db
from coach.jobs import job_queue
from coach.models import Call, CallScore, CallStatus, JobStatus, User
from coach.services import calls
from tests import fakes
from tests.conftest import SessionAudio
from tests.helpers import csrf_token

BROKEN = "no sentence-transformers folder at /srv/models/encoder"


class _Encoder:
    """The encoder factory of a model folder that is missing until ``restore``."""

    def __init__(self) -> None:
        self.present = False
        self.encoder = fakes.FakeEncoder()

    def __call__(self) -> fakes.FakeEncoder:
        if not self.present:
            raise FileNotFoundError(BROKEN)
        return self.encoder


@pytest.fixture
def encoder(app: Flask) -> Iterator[_Encoder]:
    real = app.extensions[ENGINES]
    factory = _Encoder()
    transcriber = fakes.FakeTranscriber()
    app.extensions[ENGINES] = real.with_models(lambda: transcriber, factory)
    yield factory
    app.extensions[ENGINES] = real


def test_scoring_waits_for_its_engine_and_resumes_when_it_is_back(
    app: Flask,
    client: FlaskClient,
    sign_in_as,
    encoder: _Encoder,
    test_audio: SessionAudio,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    login = sign_in_as("priya")
    with app.app_context():
        owner = db.session.get(User, login.user_id)
        with test_audio.speech.open("rb") as stream:
            call = calls.create_call(
                owner, calls.NewCall("t", "initial", "US", "one", True), stream, "speech.flac"
            )
        call_id = call.id
        assert call.status == CallStatus.TRANSCRIBED
        job = call.score_job
        assert job.status == JobStatus.QUEUED and job.error is None and job.attempts == 0
        assert "scoring engine is unavailable" in job.wait_reason and BROKEN in job.wait_reason

    status = client.get(f"/calls/{call_id}/status.json").get_json()
    assert status["scoring_status"] == "queued" and BROKEN in status["scoring_waiting"]
    assert "scoring engine is unavailable" in client.get(f"/calls/{call_id}").get_data(True)

    token = csrf_token(client, f"/calls/{call_id}")
    refused = client.post(f"/calls/{call_id}/rescore", data={"csrf_token": token})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 503 and "needs the scoring" in page
    assert "Traceback" not in page and refused.headers["Retry-After"]

    doctor = app.test_cli_runner().invoke(args=["coach", "doctor"])
    assert doctor.exit_code == 1
    assert "database         ok" in doctor.output and "transcriber      ok" in doctor.output
    assert f"scoring          UNAVAILABLE: FileNotFoundError: {BROKEN}" in doctor.output
    assert "debtor voice     ok (piper:en_US-joe-medium)" in doctor.output

    encoder.present = True
    monkeypatch.setattr(engines, "RELOAD_AFTER_S", 0.0)  # the next sweep, not 10 s later
    with app.app_context():
        job_queue().sweep()  # what every runner's sweeper does periodically
        call = db.session.get(Call, call_id)
        assert call.score_job.status == JobStatus.DONE and call.score_job.wait_reason is None
        scores = select(func.count()).where(CallScore.call_id == call_id)
        assert db.session.scalar(scores) == 1
    assert app.test_cli_runner().invoke(args=["coach", "doctor"]).exit_code == 0
