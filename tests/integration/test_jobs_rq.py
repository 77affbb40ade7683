"""The rq runner against a real Redis, with a real ``flask coach jobs worker`` process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
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


def _nice_of_threads(pid: int) -> list[int]:
    """Every thread's nice value (field 19 of /proc/PID/task/TID/stat; the name before it,
    in parentheses, may hold spaces)."""
    values = []
    for stat in Path(f"/proc/{pid}/task").glob("*/stat"):
        try:
            values.append(int(stat.read_text().rsplit(")", 1)[1].split()[16]))
        except (FileNotFoundError, ProcessLookupError):
            continue  # that thread ended meanwhile
    return values


def test_the_worker_and_whisper_threads_run_at_lower_cpu_priority(
    rq_app, people, test_audio: SessionAudio
) -> None:
    rq, env = rq_app
    from coach.models import User

    with rq.app_context():
        owner = db.session.get(User, people["priya"].user_id)
        details = calls.NewCall("Practice", "initial", "US", "one", True)
        with test_audio.speech.open("rb") as stream:
            call_id = calls.create_call(owner, details, stream, "speech.flac").id
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "coach", "coach", "jobs", "worker"],
        env={**os.environ, **env, "COACH_WORKER_NICE": "12"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            with rq.app_context():
                if db.session.get(Call, call_id).status == CallStatus.TRANSCRIBED:
                    break
            time.sleep(0.5)
        else:
            pytest.fail("the worker did not transcribe the call")
        # Whisper's threads, started for the call, are still there, waiting for the next one.
        threads = _nice_of_threads(worker.pid)
        assert len(threads) > 2 and set(threads) == {12}
    finally:
        worker.kill()  # it may be scoring the call by now: no need to wait for that
        worker.wait(timeout=30)


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
