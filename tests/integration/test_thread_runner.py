"""The default in-process thread runner runs jobs in the background and resumes after a crash."""

from __future__ import annotations

import time

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


def test_first_request_resumes_jobs_a_crash_left_behind(app: Flask, people, sibling_app) -> None:
    with app.app_context():
        job = Job(kind="transcribe_call", payload={"call_id": 424242}, status=JobStatus.RUNNING)
        db.session.add(job)
        db.session.commit()
        job_id = job.id
    threaded = sibling_app(JOB_RUNNER="thread")
    threaded.test_client().get("/login")
    finished = _wait_for(threaded, job_id)
    assert finished.status == JobStatus.FAILED and "no longer exists" in finished.error
