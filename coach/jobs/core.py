"""Job lifecycle: enqueue, run with progress, fail with a kept error, retry, recover."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from flask import current_app
from sqlalchemy import select

from coach.errors import ServiceError
from coach.extensions import db
from coach.models import Job, JobStatus
from coach.models._columns import utcnow

log = logging.getLogger(__name__)

Progress = Callable[[float], None]
Task = Callable[[dict[str, Any], Progress], None]
_PROGRESS_EVERY_S = 0.5


class Runner(Protocol):
    def submit(self, job_id: int) -> None:
        """Arrange for :func:`run_job` to run ``job_id`` (now or later, here or elsewhere)."""
        ...


class JobQueue:
    """The app's jobs: the task registry the app hands in, and the runner that executes them.

    Services see it through the ``enqueue``/``retry`` port alone, so they never import this
    package and the registry (which imports the services) closes no loop.
    """

    def __init__(self, runner: Runner, tasks: Mapping[str, Task]) -> None:
        self.runner = runner
        self.tasks = dict(tasks)

    def enqueue(self, kind: str, payload: dict[str, Any], owner_id: int | None = None) -> Job:
        """Record a job and hand it to the runner (after the row is committed)."""
        if kind not in self.tasks:
            raise ValueError(f"unknown job kind {kind!r}")
        job = Job(kind=kind, payload=payload, owner_id=owner_id, status=JobStatus.QUEUED)
        db.session.add(job)
        db.session.commit()
        self.runner.submit(job.id)
        return job

    def retry(self, job_id: int) -> Job:
        """Put a failed job back in the queue; its previous error is cleared."""
        job = db.session.get(Job, job_id)
        if job is None:
            raise ServiceError(f"No job {job_id}.")
        if job.status != JobStatus.FAILED:
            raise ServiceError(
                f"Job {job_id} is {job.status.value}; only failed jobs can be retried."
            )
        job.status, job.error, job.progress = JobStatus.QUEUED, None, 0.0
        db.session.commit()
        self.runner.submit(job.id)
        return job

    def run(self, job_id: int) -> None:
        """Execute one queued job; a job in any other state is left alone (runs are idempotent)."""
        job = db.session.get(Job, job_id)
        if job is None or job.status != JobStatus.QUEUED:
            return
        job.status, job.attempts, job.started_at = JobStatus.RUNNING, job.attempts + 1, utcnow()
        db.session.commit()
        log.info("job %s (%s) started", job.id, job.kind)
        try:
            self.tasks[job.kind](job.payload, _progress_writer(job.id))
        except ServiceError as error:
            _finish(job_id, JobStatus.FAILED, str(error))
        except Exception:
            log.exception("job %s (%s) crashed", job_id, job.kind)
            _finish(job_id, JobStatus.FAILED, "Unexpected error while processing; it was logged.")
        else:
            _finish(job_id, JobStatus.DONE, None)

    def recover(self, include_running: bool = True) -> list[int]:
        """Re-queue jobs a crash left ``queued`` or ``running`` and hand them to the runner."""
        states = [JobStatus.QUEUED, JobStatus.RUNNING] if include_running else [JobStatus.QUEUED]
        jobs = list(db.session.scalars(select(Job).where(Job.status.in_(states)).order_by(Job.id)))
        for job in jobs:
            job.status = JobStatus.QUEUED
        db.session.commit()
        for job in jobs:
            self.runner.submit(job.id)
        if jobs:
            log.info("re-queued %d interrupted job(s)", len(jobs))
        return [job.id for job in jobs]


def job_queue() -> JobQueue:
    """The current app's job queue."""
    return current_app.extensions["coach.jobs"]


def run_job(job_id: int) -> None:
    """What every runner executes, inside an app context: run the job with the app's tasks."""
    job_queue().run(job_id)


def _finish(job_id: int, status: JobStatus, error: str | None) -> None:
    db.session.rollback()
    job = db.session.get(Job, job_id)
    if job is None:
        return
    job.status, job.error, job.finished_at = status, error, utcnow()
    if status == JobStatus.DONE:
        job.progress = 1.0
    db.session.commit()
    log.info("job %s %s", job_id, status.value)


def _progress_writer(job_id: int) -> Progress:
    """A callback that stores progress at most twice a second (it commits its own session)."""
    last = 0.0

    def report(fraction: float) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last < _PROGRESS_EVERY_S and fraction < 1.0:
            return
        last = now
        db.session.execute(
            Job.__table__.update()
            .where(Job.id == job_id)
            .values(progress=max(0.0, min(1.0, float(fraction))))
        )
        db.session.commit()

    return report
