"""The rq runner against a real Redis, with a real ``flask coach jobs worker`` process."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from flask import Flask

from coach.extensions import db
from coach.models import Call, CallStatus, JobStatus
from coach.services import calls
from tests.conftest import SessionAudio

pytestmark = [pytest.mark.redis, pytest.mark.ml]


@pytest.fixture
def rq_app(app: Flask, sibling_app, redis_url: str):
    """An app on the same database configured for the rq runner, and the worker's environment."""
    settings = app.config["COACH"]
    queue = f"coach-test-{uuid.uuid4().hex[:8]}"
    rq = sibling_app(JOB_RUNNER="rq", RQ_QUEUE=queue, REDIS_URL=redis_url)
    env = {
        "COACH_INSTANCE_PATH": str(Path(app.instance_path)),
        "COACH_JOB_RUNNER": "rq",
        "COACH_RQ_QUEUE": queue,
        "COACH_REDIS_URL": redis_url,
        **{
            f"COACH_{key}": str(settings[key])
            for key in ("DATABASE_URL", "RECORDINGS_DIR", "CONTENT_DIR", "MODEL_CACHE_DIR")
        },
    }
    yield rq, env
    rq.extensions["coach.jobs"].runner.queue().delete(delete_jobs=True)


def test_worker_process_transcribes_a_queued_call(rq_app, people, test_audio: SessionAudio) -> None:
    rq, env = rq_app
    from coach.models import User

    with rq.app_context():
        owner = db.session.get(User, people["priya"].user_id)
        details = calls.NewCall("Practice", "initial", "US", "one", True)
        with test_audio.speech.open("rb") as stream:
            call = calls.create_call(owner, details, stream, "speech.flac")
        call_id = call.id
        assert call.job.status == JobStatus.QUEUED  # nothing ran in this process
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "coach", "coach", "jobs", "worker", "--burst"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    with rq.app_context():
        call = db.session.get(Call, call_id)
        assert call.status == CallStatus.TRANSCRIBED, call.job.error
        assert call.job.status == JobStatus.DONE and call.job.progress == 1.0
        text = " ".join(t["text"] for t in calls.latest_transcript(call).data["turns"]).lower()
        assert "together we can find a monthly payment" in text


def test_worker_refuses_to_run_without_the_rq_runner(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["coach", "jobs", "worker", "--burst"])
    assert result.exit_code != 0 and "COACH_JOB_RUNNER=rq" in result.output


def test_a_job_queued_while_redis_is_down_is_rung_for_by_the_next_sweep(
    app: Flask, sibling_app, redis_url: str
) -> None:
    queue_name = f"coach-test-{uuid.uuid4().hex[:8]}"
    rq = sibling_app(JOB_RUNNER="rq", RQ_QUEUE=queue_name, REDIS_URL="redis://127.0.0.1:1/0")
    runner = rq.extensions["coach.jobs"].runner
    with rq.app_context():
        job = rq.extensions["coach.jobs"].enqueue("transcribe_call", {"call_id": 1})
        assert job.status == JobStatus.QUEUED  # recorded, though nobody could be told
        runner.redis_url = redis_url  # Redis is back
        try:
            rq.extensions["coach.jobs"].sweep()
            assert runner.queue().count == 1
        finally:
            runner.queue().delete(delete_jobs=True)
