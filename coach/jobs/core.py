"""Job lifecycle: enqueue, claim under a lease, run with progress, fail with a kept error,
wait for a missing engine, retry, and sweep up after runners that died."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from flask import current_app
from sqlalchemy.exc import DBAPIError

from coach.engines import EngineUnavailable
from coach.errors import ServiceError
from coach.extensions import db
from coach.jobs import fairness, leases
from coach.models import Job, JobStatus

log = logging.getLogger(__name__)

Progress = Callable[[float], None]
Task = Callable[[dict[str, Any], Progress], None]
_PROGRESS_EVERY_S = 0.5
# A claim lost to another runner between choosing and claiming: choose again, this often.
_CLAIM_TRIES = 5


class Runner(Protocol):
    def submit(self, job_id: int) -> None:
        """Arrange for :func:`run_job` to run ``job_id`` (now or later, here or elsewhere)."""
        ...

    def catch_up(self, ready: int) -> None:
        """``ready`` jobs can be started now: make sure runners will get to them."""
        ...


class JobQueue:
    """The app's jobs: the task registry the app hands in, and the runner that executes them.

    Services see it through the ``enqueue``/``retry`` port alone, so they never import this
    package and the registry (which imports the services) closes no loop. Tasks receive
    their payload plus ``job_id``, so a task run again can find what it already made.
    """

    def __init__(self, runner: Runner, tasks: Mapping[str, Task]) -> None:
        self.runner = runner
        self.tasks = dict(tasks)
        self.identity = leases.runner_identity()

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
        """Queue a failed job again, or a dead one (running, but its runner's lease has
        expired); its previous error and interruptions are cleared. Changes pending in the
        session (the caller's) are committed with it, or rolled back when it is refused."""
        job = db.session.get(Job, job_id)
        if job is None:
            raise ServiceError(f"No job {job_id}.")
        if not leases.reopen(db.session, job_id):
            db.session.rollback()
            raise ServiceError(
                f"Job {job_id} is {job.status.value}; only failed jobs, or running jobs whose "
                "worker has stopped (lease expired), can be retried."
            )
        db.session.commit()
        self.runner.submit(job_id)
        return job

    def run(self, job_id: int) -> None:
        """Execute ``job_id`` if it is queued and nobody holds it; otherwise leave it alone."""
        lease = self._lease(job_id)
        if leases.claim(db.engine, lease):
            self._execute(lease)

    def run_next(self) -> int | None:
        """Claim and execute the job fairness gives the next turn; its id, or None if none."""
        for _ in range(_CLAIM_TRIES):
            job_id = fairness.next_job_id(db.session)
            db.session.rollback()  # end the read: the claim is its own transaction
            if job_id is None:
                return None
            lease = self._lease(job_id)
            if leases.claim(db.engine, lease):
                self._execute(lease)
                return job_id
        return None

    def sweep(self) -> None:
        """Queue again what dead runners held, let waiting jobs try their engine again, and
        have the runner catch up with every ready job."""
        settings = current_app.config["COACH"]
        leases.sweep_expired(db.engine, settings["JOB_MAX_INTERRUPTIONS"])
        leases.wake_waiting(db.engine)
        ready = len(fairness.ready_jobs(db.session))
        db.session.rollback()
        if ready:
            self.runner.catch_up(ready)

    def _lease(self, job_id: int) -> leases.Lease:
        return leases.Lease(job_id, self.identity, current_app.config["COACH"]["JOB_LEASE_SECONDS"])

    def _execute(self, lease: leases.Lease) -> None:
        job = db.session.get(Job, lease.job_id)
        if job is None:
            return
        kind, payload = job.kind, {**job.payload, "job_id": job.id}
        log.info("job %s (%s) started by %s", job.id, kind, lease.owner)
        try:
            with leases.Heartbeat(db.engine, lease):
                self.tasks[kind](payload, _progress_writer(lease.job_id))
        except EngineUnavailable as unavailable:
            db.session.rollback()
            log.warning("job %s waits: %s", lease.job_id, unavailable)
            _release(lease, JobStatus.QUEUED, wait_reason=f"Waiting: {unavailable}")
        except ServiceError as error:
            _release(lease, JobStatus.FAILED, error=str(error))
        except DBAPIError:
            # The database went away mid-job: the lease expires and a sweep runs it again.
            db.session.rollback()
            log.warning("job %s: database error; left for a sweep to retry", lease.job_id)
        except Exception:
            log.exception("job %s (%s) crashed", lease.job_id, kind)
            _release(lease, JobStatus.FAILED, error="Unexpected error while processing; logged.")
        else:
            _release(lease, JobStatus.DONE)


def job_queue() -> JobQueue:
    """The current app's job queue."""
    return current_app.extensions["coach.jobs"]


def run_job(job_id: int) -> None:
    """Run ``job_id`` inside an app context (inline runner, retries of one job)."""
    job_queue().run(job_id)


def run_next_job() -> int | None:
    """What a thread-runner worker or an rq worker does for each turn: the fairest job."""
    return job_queue().run_next()


def _release(
    lease: leases.Lease,
    status: JobStatus,
    error: str | None = None,
    wait_reason: str | None = None,
) -> None:
    db.session.rollback()
    if leases.release(db.engine, lease, status, error, wait_reason):
        log.info("job %s %s", lease.job_id, status.value)
    else:
        log.warning(
            "job %s: finished after its lease was taken over; result not recorded", lease.job_id
        )


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
