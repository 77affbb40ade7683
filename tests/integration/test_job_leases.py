"""Leases on SQLite and PostgreSQL: one holder per job, heartbeats, sweeps of dead runners,
retries of dead jobs, and tasks that run again without making anything twice."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select, update

from coach.extensions import db
from coach.jobs import leases
from coach.models import Call, CallScore, Job, JobKind, JobStatus, TranscriptVersion, User
from coach.models._columns import utcnow
from coach.services import calls, scoring
from tests.conftest import SessionAudio
from tests.helpers import Login


def _job(status: JobStatus = JobStatus.QUEUED, **values: object) -> int:
    job = Job(kind=JobKind.TRANSCRIBE, payload={"call_id": 424242}, status=status, **values)
    db.session.add(job)
    db.session.commit()
    return job.id


def _row(job_id: int) -> Job:
    db.session.expire_all()
    job = db.session.get(Job, job_id)
    assert job is not None
    return job


def test_only_one_of_many_concurrent_claims_wins(app: Flask) -> None:
    with app.app_context():
        job_id = _job()
        engine = db.engine
    start = threading.Barrier(8)
    won: list[str] = []

    def claim(owner: str) -> None:
        start.wait()
        if leases.claim(engine, leases.Lease(job_id, owner, 60)):
            won.append(owner)

    threads = [threading.Thread(target=claim, args=(f"runner-{n}",)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(won) == 1
    with app.app_context():
        job = _row(job_id)
        assert (job.status, job.lease_owner, job.attempts) == (JobStatus.RUNNING, won[0], 1)


def test_a_runner_that_lost_its_lease_records_nothing(app: Flask) -> None:
    with app.app_context():
        job_id = _job()
        mine = leases.Lease(job_id, "me", 60)
        assert leases.claim(db.engine, mine)
        db.session.execute(update(Job).where(Job.id == job_id).values(lease_owner="other"))
        db.session.commit()
        assert not leases.renew(db.engine, mine)
        assert not leases.release(db.engine, mine, JobStatus.DONE)
        assert _row(job_id).status == JobStatus.RUNNING


def test_sweeps_requeue_expired_leases_then_fail_after_the_limit(app: Flask) -> None:
    limit = app.config["COACH"]["JOB_MAX_INTERRUPTIONS"]
    with app.app_context():
        job_id = _job()
        live = _job()
        assert leases.claim(db.engine, leases.Lease(live, "alive", 60))
        for interruption in range(1, limit + 1):
            assert leases.claim(db.engine, leases.Lease(job_id, f"dies-{interruption}", 60))
            _expire(job_id)
            requeued, failed = leases.sweep_expired(db.engine, limit)
            job = _row(job_id)
            assert job.interruptions == interruption and job.lease_owner is None
            if interruption < limit:
                assert (requeued, failed, job.status) == ([job_id], [], JobStatus.QUEUED)
        assert (requeued, failed, job.status) == ([], [job_id], JobStatus.FAILED)
        assert f"Stopped {limit} times" in job.error and "Retry it" in job.error
        assert _row(live).status == JobStatus.RUNNING  # a live lease is never swept


def test_the_heartbeat_keeps_a_long_job_from_being_swept(app: Flask) -> None:
    with app.app_context():
        job_id = _job()
        lease = leases.Lease(job_id, "slow", 3)
        assert leases.claim(db.engine, lease)
        with leases.Heartbeat(db.engine, lease) as beat:
            time.sleep(4.5)  # past the first expiry: only renewals keep the job ours
            assert leases.sweep_expired(db.engine, 3) == ([], [])
        assert not beat.lost and _row(job_id).lease_owner == "slow"


def test_retry_takes_dead_and_failed_jobs_but_not_live_ones(app: Flask) -> None:
    with app.app_context():
        dead = _job()
        assert leases.claim(db.engine, leases.Lease(dead, "gone", 60))
        _expire(dead)
        live = _job()
        assert leases.claim(db.engine, leases.Lease(live, "busy", 60))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["coach", "jobs", "retry", str(dead)])
    assert result.exit_code == 0, result.output
    refused = runner.invoke(args=["coach", "jobs", "retry", str(live)])
    assert refused.exit_code != 0 and "worker has stopped" in refused.output
    with app.app_context():
        # The inline runner ran the retried job at once: its call is gone, so it failed.
        job = _row(dead)
        assert job.status == JobStatus.FAILED and "no longer exists" in job.error
        assert job.attempts == 2 and job.interruptions == 0


@pytest.mark.usefixtures("fake_models")
def test_the_retry_button_restarts_a_transcription_whose_worker_died(
    app: Flask, client, sign_in_as, test_audio: SessionAudio
) -> None:
    login = sign_in_as("priya")
    call_id, job_id = _call_with_dead_transcription(app, login, test_audio)
    page = client.get(f"/calls/{call_id}").get_data(as_text=True)
    assert "The worker transcribing this call stopped" in page
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post(f"/calls/{call_id}/retry", data={"csrf_token": token})
    with app.app_context():
        assert _row(job_id).status == JobStatus.DONE
        assert _versions(call_id) == 1


@pytest.mark.usefixtures("fake_models")
def test_tasks_run_again_make_no_second_transcript_or_score(
    app: Flask, people: dict[str, Login], test_audio: SessionAudio
) -> None:
    with app.app_context():
        owner = db.session.get(User, people["priya"].user_id)
        with test_audio.speech.open("rb") as stream:
            call = calls.create_call(owner, _details(), stream, "speech.flac")
        call_id, score_job = call.id, call.score_job_id
        # As if each runner died after its task's work was stored but before the job closed.
        calls.transcribe_task({"call_id": call_id, "job_id": call.job_id}, lambda _f: None)
        scoring.score_task({"call_id": call_id, "job_id": score_job}, lambda _f: None)
        assert _versions(call_id) == 1
        scores = select(func.count()).where(CallScore.call_id == call_id)
        assert db.session.scalar(scores) == 1
        assert db.session.get(Call, call_id).score_job_id == score_job  # no second score job


def _call_with_dead_transcription(
    app: Flask, login: Login, test_audio: SessionAudio
) -> tuple[int, int]:
    """A call whose transcription job is running on a lease that expired (its worker died)."""
    runner = app.extensions["coach.jobs"].runner
    with app.app_context():
        owner = db.session.get(User, login.user_id)
        app.extensions["coach.jobs"].runner = _NoRunner()
        try:
            with test_audio.speech.open("rb") as stream:
                call = calls.create_call(owner, _details(), stream, "speech.flac")
        finally:
            app.extensions["coach.jobs"].runner = runner
        assert leases.claim(db.engine, leases.Lease(call.job_id, "killed", 60))
        _expire(call.job_id)
        assert _row(call.job_id).stalled
        return call.id, call.job_id


class _NoRunner:
    """Queues without running: the job waits for a runner that never comes."""

    def submit(self, job_id: int) -> None:
        pass

    def catch_up(self, ready: int) -> None:
        pass


def _details() -> calls.NewCall:
    return calls.NewCall("Practice", "initial", "US", "one", True)


def _versions(call_id: int) -> int:
    query = select(func.count()).where(TranscriptVersion.call_id == call_id)
    return db.session.scalar(query) or 0


def _expire(job_id: int) -> None:
    past = utcnow() - timedelta(seconds=1)
    db.session.execute(update(Job).where(Job.id == job_id).values(lease_expires_at=past))
    db.session.commit()
