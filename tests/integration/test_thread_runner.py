"""The default in-process thread runner runs jobs in the background and resumes after a crash;
several share one database fairly and never run a job twice."""

from __future__ import annotations

import threading
import time

import click
import pytest
from flask import Flask

from coach.extensions import db
from coach.models import Call, CallStatus, Job, JobStatus, User
from coach.services import calls
from tests.conftest import SessionAudio

pytestmark = pytest.mark.usefixtures("fake_models")


def _wait_for(app: Flask, job_id: int, timeout: float = 120) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with app.app_context():
            job = db.session.get(Job, job_id)
            if job.status in (JobStatus.DONE, JobStatus.FAILED):
                return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish")


def test_upload_returns_before_the_job_finishes_and_the_job_completes(
    people, sibling_app, test_audio: SessionAudio
) -> None:
    threaded = sibling_app(JOB_RUNNER="thread")
    with threaded.app_context():
        owner = db.session.get(User, people["sam"].user_id)
        with test_audio.speech.open("rb") as stream:
            call = calls.create_call(
                owner, calls.NewCall("t", "initial", "US", "one", True), stream, "speech.flac"
            )
        call_id, job_id = call.id, call.job_id
    job = _wait_for(threaded, job_id)
    assert job.status == JobStatus.DONE and job.progress == 1.0
    with threaded.app_context():
        assert db.session.get(Call, call_id).status == CallStatus.TRANSCRIBED


def test_start_up_resumes_jobs_a_crash_left_behind_without_a_visitor(
    app: Flask, people, sibling_app
) -> None:
    with app.app_context():
        job = Job(kind="transcribe_call", payload={"call_id": 424242}, status=JobStatus.RUNNING)
        db.session.add(job)
        db.session.commit()
        job_id = job.id
    threaded = sibling_app(JOB_RUNNER="thread")  # no request: its sweeper starts with it
    finished = _wait_for(threaded, job_id)
    assert finished.status == JobStatus.FAILED and "no longer exists" in finished.error


class _Recorder:
    """Tasks that note which job ran (in which app) and take ``seconds``."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.runs: list[tuple[int, str]] = []
        self._lock = threading.Lock()

    def task(self, name: str):
        def run(payload: dict, _progress) -> None:
            with self._lock:
                self.runs.append((payload["job_id"], name))
            time.sleep(self.seconds)

        return run


def _queued_jobs(app: Flask, owner_id: int, count: int) -> list[int]:
    with app.app_context():
        jobs = [
            Job(kind="transcribe_call", payload={}, owner_id=owner_id, status=JobStatus.QUEUED)
            for _ in range(count)
        ]
        db.session.add_all(jobs)
        db.session.commit()
        return [job.id for job in jobs]


def test_one_owners_flood_does_not_starve_another(app: Flask, people, sibling_app) -> None:
    recorder = _Recorder(seconds=0.3)
    threaded = sibling_app(JOB_RUNNER="thread", JOB_WORKERS=1)
    threaded.extensions["coach.jobs"].tasks = {"transcribe_call": recorder.task("one")}
    flood = _queued_jobs(app, people["sam"].user_id, 8)
    [other] = _queued_jobs(app, people["priya"].user_id, 1)
    threaded.extensions["coach.jobs"].runner.catch_up(9)
    _wait_for(threaded, flood[-1])
    order = [job_id for job_id, _ in recorder.runs]
    assert sorted(order) == sorted([*flood, other])
    # First come, first served would run it ninth; taking turns, right after the flood's first.
    assert order.index(other) <= 2, order


def test_two_runners_sharing_a_database_run_each_job_once(app: Flask, people, sibling_app) -> None:
    recorder = _Recorder(seconds=0.05)
    first = sibling_app(JOB_RUNNER="thread", JOB_WORKERS=2)
    second = sibling_app(JOB_RUNNER="thread", JOB_WORKERS=2)
    for name, runner_app in (("first", first), ("second", second)):
        runner_app.extensions["coach.jobs"].tasks = {"transcribe_call": recorder.task(name)}
    jobs = _queued_jobs(app, people["sam"].user_id, 16)
    for runner_app in (first, second):
        runner_app.extensions["coach.jobs"].runner.catch_up(len(jobs))
    for job_id in jobs:
        assert _wait_for(first, job_id).status == JobStatus.DONE
    ran = [job_id for job_id, _ in recorder.runs]
    assert sorted(ran) == jobs  # every job once, none twice
    with first.app_context():
        attempts = {db.session.get(Job, job_id).attempts for job_id in jobs}
    assert attempts == {1}


def test_one_off_cli_commands_start_no_runner_threads(app: Flask, sibling_app) -> None:
    """A command exiting mid-job would only interrupt it; serving starts the runner."""
    with click.Context(click.Command("list"), info_name="list"):
        one_off = sibling_app(JOB_RUNNER="thread")
    with click.Context(click.Command("run"), info_name="run"):
        served = sibling_app(JOB_RUNNER="thread")
    assert not one_off.extensions["coach.jobs"].runner.started
    assert served.extensions["coach.jobs"].runner.started
