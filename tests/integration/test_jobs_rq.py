"""The rq runner against the real Redis, with a real ``flask coach jobs worker`` process."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from flask import Flask

from coach import create_app
from coach.extensions import db
from coach.models import Call, CallStatus, JobStatus
from coach.services import calls
from tests.conftest import SHARED_DIR

pytestmark = [pytest.mark.redis, pytest.mark.ml]


@pytest.fixture
def rq_app(app: Flask, tmp_path: Path):
    """A second app on the same database and instance, configured for the rq runner."""
    settings = app.config["COACH"]
    queue = f"coach-test-{uuid.uuid4().hex[:8]}"
    env = {
        "COACH_INSTANCE_PATH": str(Path(app.instance_path)),
        "COACH_DATABASE_URL": settings["DATABASE_URL"],
        "COACH_RECORDINGS_DIR": settings["RECORDINGS_DIR"],
        "COACH_CONTENT_DIR": settings["CONTENT_DIR"],
        "COACH_JOB_RUNNER": "rq",
        "COACH_RQ_QUEUE": queue,
    }
    rq = create_app(
        {
            "INSTANCE_PATH": app.instance_path,
            "DATABASE_URL": settings["DATABASE_URL"],
            "RECORDINGS_DIR": settings["RECORDINGS_DIR"],
            "CONTENT_DIR": settings["CONTENT_DIR"],
            "JOB_RUNNER": "rq",
            "RQ_QUEUE": queue,
            "PASSWORD_HASH_COST": "low",
        }
    )
    yield rq, env
    rq.extensions["coach.jobs"].queue().delete(delete_jobs=True)


def test_worker_process_transcribes_a_queued_call(rq_app, people) -> None:
    rq, env = rq_app
    from coach.models import User

    with rq.app_context():
        owner = db.session.get(User, people["priya"].user_id)
        details = calls.NewCall("Kennedy", "initial", "US", "one", True)
        with (SHARED_DIR / "testdata" / "jfk.flac").open("rb") as stream:
            call = calls.create_call(owner, details, stream, "jfk.flac")
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
        assert "ask not what your country can do for you" in text


def test_worker_refuses_to_run_without_the_rq_runner(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["coach", "jobs", "worker", "--burst"])
    assert result.exit_code != 0 and "COACH_JOB_RUNNER=rq" in result.output
